package dev.terminus;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A runner's resolved configuration: the builder's values, overridden by system properties, then
 * by environment variables, so an operator can change a deployed program without rebuilding it.
 * Immutable.
 */
final class Settings {
  static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
  static final Duration DEFAULT_THREADS_REPORT_AFTER = Duration.ofSeconds(10);

  final String name;
  final Duration deadline;
  /** Handled signals, each with the status a clean exit on it reports. */
  final Map<String, Integer> signals;
  /** Whether a signal exit ends by the signal itself rather than a plain 128+N exit. */
  final boolean raise;
  /** Exception classes mapped to statuses, in registration order. */
  final List<Map.Entry<Class<? extends Throwable>, Integer>> mappings;
  /** Where the stop report goes: null (nowhere), {@code stderr}, or a JSON file path. */
  final String report;
  /** How long after main returns the threads that keep the JVM alive are named. */
  final Duration threadsReportAfter;
  /** Whether main's return ends the process even while non-daemon threads run. */
  final boolean exitOnMainReturn;

  private Settings(
      String name,
      Duration deadline,
      Map<String, Integer> signals,
      boolean raise,
      List<Map.Entry<Class<? extends Throwable>, Integer>> mappings,
      String report,
      Duration threadsReportAfter,
      boolean exitOnMainReturn) {
    this.report = report;
    this.threadsReportAfter = threadsReportAfter;
    this.exitOnMainReturn = exitOnMainReturn;
    this.name = name;
    this.deadline = deadline;
    this.signals = Collections.unmodifiableMap(signals);
    this.raise = raise;
    this.mappings = List.copyOf(mappings);
  }

  /**
   * Resolves the settings.
   *
   * @throws IllegalArgumentException naming the property or variable and the bad value
   */
  static Settings resolve(
      String name,
      Duration deadline,
      Map<String, Integer> signals,
      boolean raise,
      List<Map.Entry<Class<? extends Throwable>, Integer>> mappings,
      Duration threadsReportAfter,
      boolean exitOnMainReturn) {
    String n = resolveName(name);
    Duration d = deadline != null ? deadline : DEFAULT_DEADLINE;
    String dt = setting("terminus.deadline", "TERMINUS_DEADLINE");
    if (dt != null) {
      try {
        d = Durations.parse(dt);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source("terminus.deadline", "TERMINUS_DEADLINE") + ": " + e.getMessage());
      }
    }
    Map<String, Integer> s = signals;
    String st = setting("terminus.signals", "TERMINUS_SIGNALS");
    if (st != null) {
      try {
        s = parseSignals(st);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source("terminus.signals", "TERMINUS_SIGNALS") + ": " + e.getMessage());
      }
    }
    boolean r = raise;
    String se = setting("terminus.signal-exit", "TERMINUS_SIGNAL_EXIT");
    if (se != null) {
      switch (se.trim().toLowerCase(Locale.ROOT)) {
        case "raise":
          r = true;
          break;
        case "status":
          r = false;
          break;
        default:
          throw new IllegalArgumentException(
              source("terminus.signal-exit", "TERMINUS_SIGNAL_EXIT")
                  + ": '"
                  + se
                  + "' is neither 'raise' nor 'status'");
      }
    }
    Duration tr = threadsReportAfter != null ? threadsReportAfter : DEFAULT_THREADS_REPORT_AFTER;
    String trt = setting("terminus.threads-report-after", "TERMINUS_THREADS_REPORT_AFTER");
    if (trt != null) {
      try {
        tr = Durations.parse(trt);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            source("terminus.threads-report-after", "TERMINUS_THREADS_REPORT_AFTER") + ": "
                + e.getMessage());
      }
    }
    boolean exit = exitOnMainReturn;
    String mr = setting("terminus.main-return", "TERMINUS_MAIN_RETURN");
    if (mr != null) {
      switch (mr.trim().toLowerCase(Locale.ROOT)) {
        case "wait":
          exit = false;
          break;
        case "exit":
          exit = true;
          break;
        default:
          throw new IllegalArgumentException(
              source("terminus.main-return", "TERMINUS_MAIN_RETURN") + ": '" + mr
                  + "' is neither 'wait' nor 'exit'");
      }
    }
    String report = setting("terminus.report", "TERMINUS_REPORT");
    if (report != null && report.isBlank()) {
      report = null;
    }
    return new Settings(n, d, s, r, mappings, report, tr, exit);
  }

  static Map<String, Integer> defaultSignals() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String sig : Signals.NAMES) {
      m.put(sig, 128 + Signals.number(sig));
    }
    return m;
  }

  /** Parses {@code INT,TERM=0,HUP} or {@code none}. */
  static Map<String, Integer> parseSignals(String text) {
    Map<String, Integer> m = new LinkedHashMap<>();
    String t = text.trim();
    if (t.equalsIgnoreCase("none") || t.isEmpty()) {
      return m;
    }
    for (String part : t.split(",")) {
      String p = part.trim();
      int eq = p.indexOf('=');
      String sig = Signals.canonical(eq < 0 ? p : p.substring(0, eq));
      int status = 128 + Signals.number(sig);
      if (eq >= 0) {
        String v = p.substring(eq + 1).trim();
        try {
          status = Statuses.check(Integer.parseInt(v));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("'" + v + "' is not an exit status for SIG" + sig);
        }
      }
      m.put(sig, status);
    }
    return m;
  }

  int statusFor(String signal) {
    Integer s = signals.get(signal);
    return s != null ? s : 128 + Signals.number(signal);
  }

  /** The deadline as configured outside a runner, for checks made before one runs. */
  static Duration configuredDeadline() {
    String dt = setting("terminus.deadline", "TERMINUS_DEADLINE");
    if (dt != null) {
      try {
        return Durations.parse(dt);
      } catch (IllegalArgumentException e) {
        // reported when the runner starts
      }
    }
    return DEFAULT_DEADLINE;
  }

  /** The report destination, for stops that run without a runner. */
  static String configuredReport() {
    return setting("terminus.report", "TERMINUS_REPORT");
  }

  private static String setting(String property, String variable) {
    String v = System.getProperty(property);
    if (v == null) {
      v = System.getenv(variable);
    }
    return v;
  }

  private static String source(String property, String variable) {
    return System.getProperty(property) != null ? "system property " + property : variable;
  }

  /** The program's name for messages: {@code terminus.name}, else the builder's, else derived. */
  static String resolveName(String builderName) {
    String n = setting("terminus.name", "TERMINUS_NAME");
    if (n == null) {
      n = builderName != null ? builderName : programName();
    }
    return n;
  }

  /** The simple name of the main class, or the jar's name without {@code .jar}. */
  private static String programName() {
    String cmd = System.getProperty("sun.java.command", "").trim();
    if (cmd.isEmpty()) {
      return "java";
    }
    String first = cmd.split("\\s+")[0];
    if (first.endsWith(".jar")) {
      String file = first.substring(first.lastIndexOf('/') + 1);
      return file.substring(0, file.length() - 4);
    }
    int slash = first.lastIndexOf('/');
    if (slash >= 0) { // module/class
      first = first.substring(slash + 1);
    }
    return first.substring(first.lastIndexOf('.') + 1);
  }
}
