package dev.terminus;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The one class that ends the JVM: {@code System.exit}, {@code Runtime.halt}, the death by a
 * signal, and the unbuffered writes to the stderr file descriptor that must precede a halt. Its
 * {@link #REAL} instance is the {@link Jvm} of {@link Terminus#run}; {@link Simulated} is the one
 * of {@link Terminus#call}.
 */
final class Runtimes implements Jvm {
  static final Runtimes REAL = new Runtimes();

  private Runtimes() {}

  /** Thrown by {@link Exit#halt} under {@link Terminus#call}, which must not end its JVM. */
  static final class Halted extends Error {
    private static final long serialVersionUID = 1L;
    final int status;

    Halted(int status) {
      super("halted with status " + status, null, false, false);
      this.status = status;
    }
  }

  /** The seam of {@link Terminus#call}: nothing ends the JVM; a halt unwinds the body. */
  static final class Simulated implements Jvm {
    @Override
    public void exit(int status) {
      throw new IllegalStateException("a call does not exit its JVM");
    }

    @Override
    public void halt(int status) {
      throw new Halted(status);
    }

    @Override
    public void die(StopSignal signal, int fallback) {
      throw new Halted(fallback);
    }

    @Override
    public boolean dieAtExit(StopSignal signal) {
      return false;
    }

    @Override
    public boolean addShutdownHook(Thread hook) {
      return true; // a call leaves no hook behind: it adds none
    }

    @Override
    public Map<StopSignal, Object> handle(
        Iterable<StopSignal> signals, Consumer<StopSignal> listener) {
      return Map.of(); // a call installs no signal handler
    }

    @Override
    public void restore(Map<StopSignal, Object> previous) {}
  }

  @Override
  public void exit(int status) {
    System.exit(status);
  }

  @Override
  public void halt(int status) {
    Runtime.getRuntime().halt(status);
  }

  @Override
  public void die(StopSignal signal, int fallback) {
    if (ProcessHandle.current().pid() == 1) {
      // As PID 1 (a container's entrypoint without an init) the kernel ignores a
      // default-disposition
      // signal sent from inside the namespace: exit with the status a shell would have seen.
      halt(fallback);
    }
    Signals.raise(signal);
    halt(fallback); // the signal could not end us
  }

  @Override
  public boolean dieAtExit(StopSignal signal) {
    if (ProcessHandle.current().pid() == 1 || !NativeExit.arm()) {
      return false;
    }
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(signal.name()), sun.misc.SignalHandler.SIG_DFL);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  @Override
  public boolean addShutdownHook(Thread hook) {
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      return true;
    } catch (IllegalStateException shutdownInProgress) {
      return false;
    }
  }

  @Override
  public Map<StopSignal, Object> handle(
      Iterable<StopSignal> signals, Consumer<StopSignal> listener) {
    return Signals.install(signals, listener);
  }

  @Override
  public void restore(Map<StopSignal, Object> previous) {
    Signals.restore(previous);
  }

  /** Writes one line straight to file descriptor 2, bypassing every Java buffer. */
  static void writeStderr(String line) {
    byte[] bytes = (line + System.lineSeparator()).getBytes(charset());
    try {
      @SuppressWarnings("resource") // never close the process's stderr
      FileOutputStream fd2 = new FileOutputStream(FileDescriptor.err);
      fd2.write(bytes);
    } catch (IOException e) {
      // stderr is gone; there is nowhere left to say so.
    }
  }

  private static Charset charset() {
    String enc = System.getProperty("stderr.encoding");
    try {
      return enc != null ? Charset.forName(enc) : Charset.defaultCharset();
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  static void flush() {
    System.out.flush();
    System.err.flush();
  }
}
