package dev.terminus;

import java.util.Locale;
import java.util.Objects;

/**
 * A signal that stops a program and that {@link Terminus#run(String[], MainBody)} handles: SIGHUP,
 * SIGINT (Ctrl+C) or SIGTERM.
 *
 * <p>Each knows its POSIX number and the status a shell shows when a process dies by it, 128 + the
 * number: 129, 130 and 143.
 *
 * <p>Immutable; safe for concurrent use.
 */
public enum StopSignal {
  /** SIGHUP, number 1: the terminal hung up. */
  HUP(1, "hung up"),
  /** SIGINT, number 2: Ctrl+C. */
  INT(2, "interrupted"),
  /** SIGTERM, number 15: a polite request to stop, from {@code kill}, systemd or Docker. */
  TERM(15, "terminated");

  private final int number;
  private final String verb;

  StopSignal(int number, String verb) {
    this.number = number;
    this.verb = verb;
  }

  /**
   * Returns the signal's POSIX number: 1, 2 or 15.
   *
   * @return the number
   */
  public int number() {
    return number;
  }

  /**
   * Returns the status a shell shows for a process that died by this signal: 128 + {@link
   * #number()}.
   *
   * @return 129, 130 or 143
   */
  public int exitStatus() {
    return 128 + number;
  }

  /**
   * Returns the conventional name with its prefix: {@code "SIGINT"}.
   *
   * @return the full name
   */
  public String fullName() {
    return "SIG" + name();
  }

  /** What the program prints when it stops by this signal: {@code interrupted (SIGINT)}. */
  String describe() {
    return verb + " (" + fullName() + ")";
  }

  /**
   * Parses a signal's name or number, ignoring case and a {@code SIG} prefix: {@code "int"}, {@code
   * "SIGINT"} and {@code "2"} all give {@link #INT}.
   *
   * @param text the name or number
   * @return the signal
   * @throws IllegalArgumentException if {@code text} names none of HUP, INT and TERM
   * @throws NullPointerException if {@code text} is null
   */
  public static StopSignal parse(String text) {
    String t = Objects.requireNonNull(text, "text").trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    for (StopSignal s : values()) {
      if (t.equals(s.name()) || t.equals(Integer.toString(s.number))) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "unknown signal '" + text.trim() + "' (Terminus handles INT, TERM and HUP)");
  }
}
