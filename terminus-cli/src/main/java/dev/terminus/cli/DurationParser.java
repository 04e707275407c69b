package dev.terminus.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations the {@code terminus} command accepts, the same grammar as the library's
 * {@code TERMINUS_DEADLINE}: a whole number followed by one unit, {@code ms}, {@code s}, {@code m}
 * or {@code h}, for example {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}; a bare number means
 * seconds, as with coreutils {@code timeout}; or an ISO-8601 duration such as {@code PT30S}.
 */
public final class DurationParser {
  private static final Pattern FORMAT = Pattern.compile("(\\d{1,12})(ms|s|m|h)?");

  private static final String FORMS = "write it as 500ms, 10s, 2m, 1h, 10 for seconds, or PT30S";

  private DurationParser() {}

  /**
   * Parses {@code text}.
   *
   * @param text for example {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or {@code 10}
   * @return the duration, zero or positive
   * @throws IllegalArgumentException with a one-line message when {@code text} is malformed
   */
  public static Duration parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("empty duration (" + FORMS + ")");
    }
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("p")) {
      try {
        Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
        if (!d.isNegative()) {
          return d;
        }
      } catch (java.time.format.DateTimeParseException e) {
        // reported below with the accepted forms
      }
    }
    Matcher m = FORMAT.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("malformed duration '" + text + "' (" + FORMS + ")");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    switch (unit) {
      case "ms":
        return Duration.ofMillis(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofSeconds(n);
    }
  }

  /**
   * Formats a duration the way {@link #parse} reads it, choosing the largest exact unit.
   *
   * @param d a duration
   * @return for example {@code 5s} or {@code 1500ms}
   */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms != 0 && ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
