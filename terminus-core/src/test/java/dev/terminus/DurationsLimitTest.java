package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The longest duration Terminus accepts is the longest that fits in nanoseconds as a long. */
class DurationsLimitTest {
  @Test
  void theLongestDurationsInEachFormFitInNanoseconds() {
    assertThat(Durations.parse("PT2562047H47M16.854775807S").toNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(Durations.parse("9223372036854ms").toNanos()).isPositive();
    assertThat(Durations.parse("9223372036s").toNanos()).isPositive();
    assertThat(Durations.parse("153722867m").toNanos()).isPositive();
    assertThat(Durations.parse("2562047h").toNanos()).isPositive();
    assertThat(Durations.parse("P106751D").toNanos()).isPositive();
  }

  @Test
  void anythingLongerIsRefusedNamingTheMaximum() {
    for (String huge :
        new String[] {
          "PT2562047H47M16.854775808S", "9223372036855ms", "9223372036855s", "153722868m",
          "2562048h", "9223372036854775807ms", "99999999999999999999s", "P200000D"
        }) {
      assertThatThrownBy(() -> Durations.parse(huge))
          .as(huge)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "'"
                  + huge
                  + "' is longer than the maximum, 9223372036854775807 nanoseconds"
                  + " (about 292 years)");
    }
  }

  @Test
  void theMaximumIsLongMaxValueNanoseconds() {
    assertThat(Durations.MAX).isEqualTo(Duration.ofNanos(Long.MAX_VALUE));
  }
}
