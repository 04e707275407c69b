package dev.terminus;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;

/**
 * The one class that ends the JVM: {@code System.exit}, {@code Runtime.halt}, and the unbuffered
 * writes to the stderr file descriptor that must precede a halt.
 */
final class Runtimes {
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

  static ExitException halt(int status, String message) {
    Session s = Session.active;
    if (s != null && s.mode == Session.Mode.CALL) {
      if (message != null) {
        System.err.println(message);
        System.err.flush();
      }
      throw new Halted(status);
    }
    if (message != null) {
      writeStderr(message);
    }
    Runtime.getRuntime().halt(status);
    throw new AssertionError("unreachable");
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

  static void haltNow(int status) {
    Runtime.getRuntime().halt(status);
  }

  static void exit(int status) {
    System.exit(status);
  }

  static void flush() {
    System.out.flush();
    System.err.flush();
  }
}
