package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.it.Child.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Critical sections in real child JVMs. */
@Timeout(300)
class CriticalIT {
  private static final String NL = System.lineSeparator();

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  @Test
  void enteringIsRefusedAfterASwallowedExit() {
    Result r = Child.run(Scenarios.class, "critical-refused");
    assertThat(r.stdout()).isEqualTo(lines("framework swallowed the exit"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void stopWaitsForOpenSectionsBeforeCleanup() {
    Result r = Child.run(Scenarios.class, "critical-drain");
    assertThat(r.stdout()).isEqualTo(lines("entered transfer", "committed", "atExit close database"));
    assertThat(r.status()).isZero();
  }

  @Test
  void secondSignalWaitsForTheOpenSectionThenForcesTheExit() {
    try (Child c = Child.start(Scenarios.class, "critical-second-signal")) {
      c.awaitLine("ready").signal("INT");
      c.awaitLine("first signal seen").signal("INT");
      Result r = c.finish();
      assertThat(r.stdout()).contains("commit done");
      // Once the section closes, the forced halt races the ordinary stop's own lines.
      assertThat(r.stderr())
          .startsWith(lines(
              "Scenarios: SIGINT while stopping: waiting for 1 critical section(s) to close"))
          .contains(lines("Scenarios: SIGINT while stopping: exit forced"));
      assertThat(r.status()).isEqualTo(130);
    }
  }
}
