package dev.terminus;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations users write in properties and environment variables. */
final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

  /**
   * The longest duration Terminus accepts: {@link Long#MAX_VALUE} nanoseconds, about 292 years.
   * Deadlines are kept as {@code System.nanoTime()} values, so a longer one cannot be honoured.
   */
  static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);

  private Durations() {}

  /**
   * Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}, a bare whole number of seconds
   * ({@code 10}, as coreutils {@code timeout} and {@code terminus run} read it) or an ISO-8601
   * duration such as {@code PT30S}; the result is positive and at most {@link #MAX}.
   *
   * @throws IllegalArgumentException naming the value and the accepted forms, or the maximum
   */
  static Duration parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    Duration d = null;
    boolean tooLong = false;
    Matcher m = SIMPLE.matcher(t);
    try {
      if (m.matches()) {
        long n = Long.parseLong(m.group(1));
        switch (m.group(2) == null ? "s" : m.group(2)) {
          case "ms":
            d = Duration.ofMillis(n);
            break;
          case "s":
            d = Duration.ofSeconds(n);
            break;
          case "m":
            d = Duration.ofMinutes(n);
            break;
          default:
            d = Duration.ofHours(n);
            break;
        }
      } else if (t.startsWith("p")) {
        d = Duration.parse(t.toUpperCase(Locale.ROOT));
      }
    } catch (NumberFormatException | ArithmeticException e) {
      tooLong = m.matches(); // only digits and a unit: a number too big for a long
    } catch (DateTimeParseException e) {
      tooLong = e.getCause() instanceof ArithmeticException;
    }
    if (tooLong || d != null && d.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is longer than the maximum, "
              + Long.MAX_VALUE
              + " nanoseconds (about 292 years)");
    }
    if (d == null || d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a positive duration (write it as 500ms, 10s, 2m, 1h or 10 for seconds)");
    }
    return d;
  }

  /** {@code d}, or {@link #MAX} if it is longer: for durations a program passes in code. */
  static Duration atMostMax(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }

  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }
}
