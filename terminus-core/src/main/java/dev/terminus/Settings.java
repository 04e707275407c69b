package dev.terminus;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A runner's resolved configuration: the builder's values, overridden by system properties, then by
 * environment variables, so an operator can change a deployed program without rebuilding it. Values
 * are trimmed, an empty or blank one counts as unset, and a malformed one is refused with the name
 * of the variable or property it came from. Immutable.
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

  /**
   * For programs that serve: a signal first announces, waits this long while still serving, and
   * drains, and only then unwinds the main thread. Null: off (the main thread unwinds at once).
   */
  final Duration drainFirst;

  private Settings(
      String name,
      Duration deadline,
      Map<String, Integer> signals,
      boolean raise,
      List<Map.Entry<Class<? extends Throwable>, Integer>> mappings,
      String report,
      Duration threadsReportAfter,
      boolean exitOnMainReturn,
      Duration drainFirst) {
    this.drainFirst = drainFirst;
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
   * Resolves the settings from the builder's values (a null {@code drainFirst}: off), the system
   * properties and the environment.
   *
   * @throws IllegalArgumentException naming the variable or property in force and its bad value
   */
  static Settings resolve(
      String name,
      Duration deadline,
      Map<String, Integer> signals,
      boolean raise,
      List<Map.Entry<Class<? extends Throwable>, Integer>> mappings,
      Duration threadsReportAfter,
      boolean exitOnMainReturn,
      Duration drainFirst) {
    return resolve(
        name,
        deadline,
        signals,
        raise,
        mappings,
        threadsReportAfter,
        exitOnMainReturn,
        drainFirst,
        System.getenv(),
        System.getProperties());
  }

  /** {@link #resolve} with the environment and the properties given, for tests. */
  static Settings resolve(
      String name,
      Duration deadline,
      Map<String, Integer> signals,
      boolean raise,
      List<Map.Entry<Class<? extends Throwable>, Integer>> mappings,
      Duration threadsReportAfter,
      boolean exitOnMainReturn,
      Duration drainFirst,
      Map<String, String> env,
      Properties props) {
    String n = resolveName(name, env, props);
    Duration d = deadline != null ? Durations.atMostMax(deadline) : DEFAULT_DEADLINE;
    Found dt = find("terminus.deadline", "TERMINUS_DEADLINE", env, props);
    if (dt != null) {
      try {
        d = Durations.parse(dt.value);
      } catch (IllegalArgumentException e) {
        throw dt.error(e.getMessage());
      }
    }
    Map<String, Integer> s = signals;
    Found st = find("terminus.signals", "TERMINUS_SIGNALS", env, props);
    if (st != null) {
      try {
        s = parseSignals(st.value);
      } catch (IllegalArgumentException e) {
        throw st.error(e.getMessage());
      }
    }
    boolean r = raise;
    Found se = find("terminus.signal-exit", "TERMINUS_SIGNAL_EXIT", env, props);
    if (se != null) {
      r = se.choose("raise", "status");
    }
    Duration tr =
        threadsReportAfter != null
            ? Durations.atMostMax(threadsReportAfter)
            : DEFAULT_THREADS_REPORT_AFTER;
    Found trt = find("terminus.threads-report-after", "TERMINUS_THREADS_REPORT_AFTER", env, props);
    if (trt != null) {
      try {
        tr = Durations.parse(trt.value);
      } catch (IllegalArgumentException e) {
        throw trt.error(e.getMessage());
      }
    }
    boolean exit = exitOnMainReturn;
    Found mr = find("terminus.main-return", "TERMINUS_MAIN_RETURN", env, props);
    if (mr != null) {
      exit = !mr.choose("wait", "exit");
    }
    Duration drain = drainFirst;
    Found df = find("terminus.drain-first", "TERMINUS_DRAIN_FIRST", env, props);
    if (df != null) {
      String v = df.value.toLowerCase(Locale.ROOT);
      if (v.equals("off")) {
        drain = null;
      } else if (v.equals("on")) {
        drain = Duration.ZERO;
      } else {
        try {
          drain = Durations.parse(df.value);
        } catch (IllegalArgumentException e) {
          throw df.error(
              "'"
                  + df.value
                  + "' is neither 'on', 'off' nor a serving delay ("
                  + e.getMessage()
                  + ")");
        }
      }
    }
    String report = report(find("terminus.report", "TERMINUS_REPORT", env, props));
    lineBufferedStdout(env, props); // refused here, before the body; LineBuffer reads it again
    return new Settings(n, d, s, r, mappings, report, tr, exit, drain);
  }

  static Map<String, Integer> defaultSignals() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String sig : Signals.NAMES) {
      m.put(sig, 128 + Signals.number(sig));
    }
    return m;
  }

  /**
   * Parses {@code INT,TERM=0,HUP} or {@code none}.
   *
   * @throws IllegalArgumentException for an empty list, an empty item, an unknown signal or a bad
   *     status
   */
  static Map<String, Integer> parseSignals(String text) {
    Map<String, Integer> m = new LinkedHashMap<>();
    String t = text.trim();
    if (t.equalsIgnoreCase("none")) {
      return m;
    }
    if (t.isEmpty()) {
      throw new IllegalArgumentException("no signal named (write INT,TERM,HUP, or none)");
    }
    for (String part : t.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException(
            "'" + t + "' has an empty item (write INT,TERM,HUP, or none)");
      }
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
    Found dt =
        find("terminus.deadline", "TERMINUS_DEADLINE", System.getenv(), System.getProperties());
    if (dt != null) {
      try {
        return Durations.parse(dt.value);
      } catch (IllegalArgumentException e) {
        // reported when the runner starts
      }
    }
    return DEFAULT_DEADLINE;
  }

  /**
   * The report destination, for stops that run without a runner; a bad one is said on stderr (there
   * is no runner to refuse to start) and no report is written.
   */
  static String configuredReport() {
    try {
      return report(
          find("terminus.report", "TERMINUS_REPORT", System.getenv(), System.getProperties()));
    } catch (IllegalArgumentException e) {
      Runtimes.writeStderr(resolveName(null) + ": " + e.getMessage());
      return null;
    }
  }

  /**
   * Whether {@code System.out} is line-buffered under a runner: {@code terminus.stdout} is {@code
   * line} (the default) or {@code jdk}.
   *
   * @throws IllegalArgumentException naming the variable or property in force and its bad value
   */
  static boolean lineBufferedStdout() {
    return lineBufferedStdout(System.getenv(), System.getProperties());
  }

  static boolean lineBufferedStdout(Map<String, String> env, Properties props) {
    Found f = find("terminus.stdout", "TERMINUS_STDOUT", env, props);
    return f == null || f.choose("line", "jdk");
  }

  /** {@code null} (no report), {@code stderr}, or a path that can name a file. */
  private static String report(Found f) {
    if (f == null) {
      return null;
    }
    if (f.value.equalsIgnoreCase("stderr")) {
      return "stderr";
    }
    Path p;
    try {
      p = Path.of(f.value);
    } catch (IllegalArgumentException e) { // InvalidPathException, named here only when thrown
      throw f.error("'" + f.value + "' is not a file path: " + e.getMessage());
    }
    if (p.getFileName() == null
        || f.value.endsWith("/")
        || f.value.endsWith(File.separator)
        || Files.isDirectory(p)) {
      throw f.error(
          "'"
              + f.value
              + "' names a directory, not a file (write a file path such as"
              + " stop.json, or stderr)");
    }
    return f.value;
  }

  /**
   * A setting found in the environment or the system properties. The environment variable wins over
   * the property; a value is trimmed, and an empty or blank one counts as unset.
   */
  private static final class Found {
    final String value;

    /** The variable's name, or "system property " and the property's name. */
    final String source;

    Found(String value, String source) {
      this.value = value;
      this.source = source;
    }

    IllegalArgumentException error(String problem) {
      return new IllegalArgumentException(source + ": " + problem);
    }

    /** True for {@code yes}, false for {@code no}, ignoring case; anything else is refused. */
    boolean choose(String yes, String no) {
      String v = value.toLowerCase(Locale.ROOT);
      if (v.equals(yes)) {
        return true;
      }
      if (v.equals(no)) {
        return false;
      }
      throw error("'" + value + "' is neither '" + yes + "' nor '" + no + "'");
    }
  }

  private static Found find(
      String property, String variable, Map<String, String> env, Properties props) {
    String v = env.get(variable);
    if (v != null && !v.isBlank()) {
      return new Found(v.trim(), variable);
    }
    v = props.getProperty(property);
    if (v != null && !v.isBlank()) {
      return new Found(v.trim(), "system property " + property);
    }
    return null;
  }

  /** The program's name for messages: {@code terminus.name}, else the builder's, else derived. */
  static String resolveName(String builderName) {
    return resolveName(builderName, System.getenv(), System.getProperties());
  }

  private static String resolveName(String builderName, Map<String, String> env, Properties props) {
    Found n = find("terminus.name", "TERMINUS_NAME", env, props);
    if (n != null) {
      return n.value;
    }
    return builderName != null ? builderName : programName();
  }

  /** The simple name of the main class, or the jar's name without {@code .jar}. */
  private static String programName() {
    String cmd = System.getProperty("sun.java.command", "").trim();
    if (cmd.isEmpty()) {
      return "java";
    }
    int end = 0;
    while (end < cmd.length() && !Character.isWhitespace(cmd.charAt(end))) {
      end++; // no regular expression on the start path
    }
    String first = cmd.substring(0, end);
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
