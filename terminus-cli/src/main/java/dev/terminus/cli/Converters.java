package dev.terminus.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters that turn parse errors into one-line usage errors. */
final class Converters {
  private Converters() {}

  /** {@code --timeout}. */
  static final class Timeout implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return DurationParser.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  /** {@code --ladder}. */
  static final class LadderSpec implements ITypeConverter<Ladder> {
    @Override
    public Ladder convert(String value) {
      try {
        return Ladder.parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
