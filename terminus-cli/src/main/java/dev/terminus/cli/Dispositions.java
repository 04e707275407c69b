package dev.terminus.cli;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The signal dispositions {@code terminus} inherited. A program started in the background by a
 * script ({@code cmd &}) gets SIGINT and SIGQUIT ignored, and under {@code nohup} SIGHUP; the JVM
 * then refuses to install a handler for them ({@code sun.misc.Signal.handle} keeps them ignored),
 * and every process it starts inherits the ignore.
 *
 * <p>What {@code terminus} does about it: {@code bin/terminus} resets INT, TERM and HUP to their
 * defaults before it execs the JVM; on JDK 22 or later the JVM resets them itself through the
 * foreign-function API ({@code signal(2)}) before installing its handlers; on JDK 17 to 21 started
 * directly with {@code java -jar}, nothing can, and {@code terminus} says so in one line. The
 * command is started with INT, TERM and HUP at their defaults in every case (see {@link Launch}).
 */
final class Dispositions {
  private Dispositions() {}

  /**
   * The signals this process ignores now, from {@code /proc/self/status}.
   *
   * @return a mask with bit N-1 set for signal N; 0 when unknown
   */
  static long ignored() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("SigIgn:")) {
          return Long.parseUnsignedLong(line.substring(7).trim(), 16);
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: unknown
    }
    return 0;
  }

  /**
   * Whether this process ignores {@code signal} now.
   *
   * @param signal a signal
   * @return true if its disposition is SIG_IGN
   */
  static boolean isIgnored(SignalName signal) {
    return (ignored() & (1L << (signal.number() - 1))) != 0;
  }

  /**
   * Resets an ignored signal to its default disposition, where the JDK can reach {@code signal(2)}
   * (see {@link Native}).
   *
   * @param signal a signal
   * @return true if it is no longer ignored
   */
  static boolean resetToDefault(SignalName signal) {
    // sighandler_t signal(int signum, sighandler_t handler); SIG_DFL is 0, SIG_ERR is -1
    return Native.function("signal", long.class, int.class, long.class)
        .flatMap(f -> Native.call(f, signal.number(), 0L))
        .map(previous -> previous != -1 && !isIgnored(signal))
        .orElse(false);
  }
}
