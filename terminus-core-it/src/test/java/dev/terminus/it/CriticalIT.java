package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
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
    ChildResult r = ChildProcess.java(Scenarios.class).args("critical-refused").run();
    assertThat(r.stdout()).isEqualTo(lines("framework swallowed the exit"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void stopWaitsForOpenSectionsBeforeCleanup() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("critical-drain").run();
    assertThat(r.stdout())
        .isEqualTo(lines("entered transfer", "committed", "atExit close database"));
    assertThat(r.status()).isZero();
  }

  @Test
  void secondSignalWaitsForTheOpenSectionThenForcesTheExit() {
    try (ChildProcess c =
        ChildProcess.java(Scenarios.class).args("critical-second-signal").start()) {
      c.awaitLine("ready").signal("INT");
      c.awaitLine("first signal seen").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stdout()).contains("commit done");
      // Once the section closes, the forced halt races the ordinary stop's own lines.
      assertThat(r.stderr())
          .startsWith(
              lines("Scenarios: SIGINT while stopping: waiting for 1 critical section(s) to close"))
          .contains(lines("Scenarios: SIGINT while stopping: exit forced"));
      assertThat(r.status()).isEqualTo(130);
    }
  }
}
