package dev.terminus.cli;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ends {@code terminus} by the signal that ended its command, as coreutils {@code timeout} and a
 * shell do: the parent's {@code waitpid} then reports a death by that signal, not an exit with
 * 128+N, and a shell loop stops on Ctrl+C.
 *
 * <p>The default disposition is restored with {@code sun.misc.Signal}, then the signal is sent to
 * the own pid with {@code kill}. When that is not possible the caller exits with 128+N instead: as
 * PID 1 (the kernel does not deliver a default-action signal to a namespace's init), for the
 * signals whose default action dumps core (QUIT, ILL, TRAP, ABRT, BUS, FPE, SEGV, XCPU, XFSZ, SYS:
 * the JVM owns several of them, and a core of the JVM helps no one), for a signal the JVM reserves,
 * and for one this process ignores (ignored when the JVM started, and not reset).
 */
final class SelfSignal {
  /** Signals whose default action is to dump core. */
  static final Set<Integer> DUMPS_CORE = Set.of(3, 4, 5, 6, 7, 8, 11, 24, 25, 31);

  /** How long to let the kernel end this process once the signal is sent. */
  private static final long KERNEL_GRACE_MS = 2_000;

  private SelfSignal() {}

  /**
   * Whether this process can end by {@code signal}.
   *
   * @param signal a signal number
   * @return false as PID 1 and for the signals that dump core
   */
  static boolean possible(int signal) {
    return signal > 0
        && signal <= 64
        && ProcessHandle.current().pid() != 1
        && !DUMPS_CORE.contains(signal)
        && (Dispositions.ignored() & (1L << (signal - 1))) == 0;
  }

  /**
   * Ends this process by {@code signal}. Returns only if that was not possible; the caller then
   * exits with 128+N.
   *
   * @param signal the signal number
   */
  static void raise(int signal) {
    if (!possible(signal)) {
      return;
    }
    String name = SignalName.nameOf(signal);
    if (signal != 9) {
      if (name == null || name.startsWith("RTMIN")) {
        return; // sun.misc.Signal knows no name for it, so its disposition cannot be checked
      }
      try {
        sun.misc.SignalHandler old =
            sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_DFL);
        if (old == sun.misc.SignalHandler.SIG_IGN) {
          return; // ignored since the JVM started: the JVM keeps it ignored
        }
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        return; // the JVM uses it (USR2, -Xrs ...)
      }
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-s", name, "--", Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(KERNEL_GRACE_MS, TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
        return;
      }
      // A default-action fatal signal dooms the whole process as it is sent; the kernel ends the
      // threads as they next run. Give it that moment rather than racing it to a normal exit.
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KERNEL_GRACE_MS);
      while (System.nanoTime() < end) {
        Thread.sleep(10);
      }
    } catch (IOException e) {
      // no kill command: exit with the status
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
