package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.Console;
import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Line-buffered standard output for {@link Terminus#run}. On a pipe or a file each complete line is
 * written at once, and a partial line waits for its newline, a flush, a read from {@code
 * System.in}, 8 KiB more output, or the exit. So text printed without a newline reaches stdout
 * after {@link Exit#now} (the runner flushes) but not after {@link Exit#halt}, which flushes
 * nothing.
 *
 * <p>On a terminal every write goes through at once, as the JDK's own stream does: a prompt must
 * show however the program reads its answer, and reads through {@code System.console()} or through
 * a reader made from {@code System.in} before the runner started cannot be seen here. Whether
 * stdout is a terminal is decided once, when a partial line is first written.
 *
 * <p>A failed write (the reader of a pipe is gone) makes {@code checkError()} of the replaced
 * {@code System.out} true, as it would be on the JDK's stream, so a loop that watches it ends.
 *
 * <p>The JDK's own {@code System.out} flushes on every {@code print}; {@code terminus.stdout=jdk}
 * keeps it. Safe for concurrent use.
 */
final class LineBuffer extends OutputStream {
  static final int UNKNOWN = 0;
  static final int TERMINAL = 1;
  static final int NOT_TERMINAL = 2;

  private final OutputStream out;
  private final byte[] buf = new byte[8192];

  @GuardedBy("this")
  private int count;

  /** Whether stdout is a terminal; UNKNOWN until a partial line first needs the answer. */
  @GuardedBy("this")
  private int terminal;

  private LineBuffer(OutputStream out) {
    this(out, NOT_TERMINAL);
  }

  /** A buffer over {@code out}; {@code terminal} is TERMINAL, NOT_TERMINAL or UNKNOWN. */
  LineBuffer(OutputStream out, int terminal) {
    this.out = out;
    this.terminal = terminal;
  }

  /**
   * Replaces System.out with a line-buffered stream and System.in with one that flushes it, unless
   * {@code terminus.stdout} is {@code jdk}. The runner has already refused a malformed value.
   */
  static void install() {
    try {
      if (!Settings.lineBufferedStdout()) {
        return;
      }
    } catch (IllegalArgumentException e) {
      // set to a bad value since the runner checked it: keep the default
    }
    PrintStream original = System.out;
    PrintStream buffered = new PrintStream(new LineBuffer(original, UNKNOWN), false, charset());
    System.setOut(buffered);
    InputStream in = System.in;
    System.setIn(
        new FilterInputStream(in) {
          @Override
          public int read() throws IOException {
            System.out.flush();
            return super.read();
          }

          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            System.out.flush();
            return super.read(b, off, len);
          }
        });
  }

  private static Charset charset() {
    String enc = System.getProperty("stdout.encoding", System.getProperty("sun.stdout.encoding"));
    try {
      return enc != null ? Charset.forName(enc) : Charset.defaultCharset();
    } catch (IllegalArgumentException e) {
      return Charset.defaultCharset();
    }
  }

  @Override
  public synchronized void write(int b) throws IOException {
    if (count == buf.length) {
      drain();
    }
    buf[count++] = (byte) b;
    if (b == '\n' || onTerminal()) {
      flush();
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    int lastNewline = -1;
    for (int i = off + len - 1; i >= off; i--) {
      if (b[i] == '\n') {
        lastNewline = i;
        break;
      }
    }
    if (len > 0 && lastNewline < off + len - 1 && onTerminal()) {
      drain();
      out.write(b, off, len);
      flushOut();
      return;
    }
    if (lastNewline < 0) {
      if (len > buf.length - count) {
        drain();
        if (len >= buf.length) {
          out.write(b, off, len);
          checkOut();
          return;
        }
      }
      System.arraycopy(b, off, buf, count, len);
      count += len;
      return;
    }
    drain();
    out.write(b, off, lastNewline + 1 - off);
    flushOut();
    int rest = off + len - lastNewline - 1;
    if (rest >= buf.length) {
      out.write(b, lastNewline + 1, rest);
      checkOut();
    } else {
      System.arraycopy(b, lastNewline + 1, buf, 0, rest);
      count = rest;
    }
  }

  @GuardedBy("this")
  private void drain() throws IOException {
    if (count > 0) {
      out.write(buf, 0, count);
      count = 0;
      checkOut();
    }
  }

  @Override
  public synchronized void flush() throws IOException {
    drain();
    flushOut();
  }

  @Override
  public void close() throws IOException {
    flush();
  }

  private void flushOut() throws IOException {
    if (out instanceof PrintStream) {
      checkOut(); // checkError() flushes
    } else {
      out.flush();
    }
  }

  /**
   * Passes on a failure of the stream beneath: a {@code PrintStream} (the JDK's {@code System.out})
   * swallows its {@code IOException}, so the one that wraps this buffer would never learn of it.
   * {@code checkError()} flushes that stream first, as its own autoflush would.
   */
  private void checkOut() throws IOException {
    if (out instanceof PrintStream && ((PrintStream) out).checkError()) {
      throw new IOException("standard output failed");
    }
  }

  @GuardedBy("this")
  private boolean onTerminal() {
    if (terminal == UNKNOWN) {
      terminal = stdoutIsTerminal() ? TERMINAL : NOT_TERMINAL;
    }
    return terminal == TERMINAL;
  }

  /**
   * Whether file descriptor 1 is a terminal. On Linux, where {@code /proc/self/fd/1} names it, this
   * costs one system call; elsewhere it asks the JVM's console, which on JDK 21 and earlier exists
   * only when stdin and stdout both are terminals.
   */
  private static boolean stdoutIsTerminal() {
    try {
      File fds = new File("/proc/self/fd");
      if (fds.isDirectory()) {
        String target = new File(fds, "1").getCanonicalPath();
        return target.startsWith("/dev/pts/")
            || target.startsWith("/dev/tty")
            || target.equals("/dev/console");
      }
      Console console = System.console();
      if (console == null) {
        return false;
      }
      try { // JDK 22 and later return a console for redirected streams too
        return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
      } catch (ReflectiveOperationException e) {
        return true;
      }
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }
}
