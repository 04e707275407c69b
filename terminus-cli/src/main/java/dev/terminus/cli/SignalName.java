package dev.terminus.cli;

import java.util.Locale;
import java.util.Map;

/**
 * A signal the ladder can send, by name ({@code INT}, {@code SIGTERM}, {@code kill}) or number
 * ({@code 9}). Names are those of Linux; numbers are sent as they are.
 *
 * @param name the name without the {@code SIG} prefix, or the number as text for a signal that has
 *     no name here
 * @param number the signal number on Linux
 */
public record SignalName(String name, int number) {

  /** The signals accepted by name, with their numbers on Linux. */
  static final Map<String, Integer> ACCEPTED =
      Map.of("HUP", 1, "INT", 2, "QUIT", 3, "KILL", 9, "USR1", 10, "USR2", 12, "TERM", 15);

  /** Linux names of signals 1 to 31, for messages; index is the number. */
  private static final String[] LINUX = {
    null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
    "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"
  };

  /** SIGINT. */
  public static final SignalName INT = new SignalName("INT", 2);

  /** SIGTERM. */
  public static final SignalName TERM = new SignalName("TERM", 15);

  /** SIGHUP. */
  public static final SignalName HUP = new SignalName("HUP", 1);

  /** SIGKILL. */
  public static final SignalName KILL = new SignalName("KILL", 9);

  /**
   * Parses a signal name or number.
   *
   * @param text {@code INT}, {@code SIGINT}, {@code int} or {@code 2}
   * @return the signal
   * @throws IllegalArgumentException with a one-line message for an unknown signal
   */
  public static SignalName parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (t.matches("\\d{1,3}")) {
      int n = Integer.parseInt(t);
      if (n >= 1 && n <= 64) {
        String known = nameOf(n);
        return new SignalName(known != null ? known : Integer.toString(n), n);
      }
      throw new IllegalArgumentException(
          "unknown signal '" + text.trim() + "' (signal numbers go from 1 to 64)");
    }
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    Integer n = ACCEPTED.get(t);
    if (n == null) {
      throw new IllegalArgumentException(
          "unknown signal '"
              + (text == null ? "" : text.trim())
              + "' (use INT, TERM, HUP, QUIT, KILL, USR1, USR2 or a number)");
    }
    return new SignalName(t, n);
  }

  /**
   * Parses any signal coreutils {@code timeout -s} accepts: a Linux name of signals 1 to 31 in any
   * case, with or without {@code SIG}, {@code RTMIN+N}, or a number.
   *
   * @param text for example {@code ALRM}, {@code sigusr1} or {@code 10}
   * @return the signal
   * @throws IllegalArgumentException with a one-line message for an unknown signal
   */
  public static SignalName parseAny(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    for (int n = 1; n <= 64; n++) {
      if (t.equals(nameOf(n))) {
        return new SignalName(t, n);
      }
    }
    try {
      return parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid signal '" + (text == null ? "" : text.trim()) + "'");
    }
  }

  /**
   * The Linux name of a signal number, without {@code SIG}.
   *
   * @param number a signal number
   * @return its name, {@code RTMIN+k} for real-time signals, or {@code null} if there is none
   */
  public static String nameOf(int number) {
    if (number >= 1 && number < LINUX.length) {
      return LINUX[number];
    }
    if (number >= 34 && number <= 64) {
      return number == 34 ? "RTMIN" : "RTMIN+" + (number - 34);
    }
    return null;
  }

  /**
   * The argument {@code kill} takes for this signal.
   *
   * @return for example {@code -INT} or {@code -40}
   */
  String killArgument() {
    return ACCEPTED.containsKey(name) ? "-" + name : "-" + number;
  }

  /**
   * The conventional name, for example {@code SIGINT}.
   *
   * @return {@code SIG} and the name, or {@code signal N} for an unnamed number
   */
  @Override
  public String toString() {
    return Character.isDigit(name.charAt(0)) ? "signal " + name : "SIG" + name;
  }
}
