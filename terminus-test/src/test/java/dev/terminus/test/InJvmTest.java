package dev.terminus.test;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.Exit;
import dev.terminus.Terminus;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

class InJvmTest {
  @Test
  void anExitRequestGivesItsStatusAndRunsTheCleanupLastRegisteredFirst() {
    CallResult r =
        InJvm.call(
            args -> {
              Terminus.atExit("first", () -> System.out.println("closing first"));
              Terminus.atExit("second", () -> System.out.println("closing second"));
              System.out.println("working on " + args[0]);
              throw Exit.now(3, "cannot go on");
            },
            "input.txt");

    assertThat(r.status()).isEqualTo(3);
    assertThat(r.cleanupRan()).containsExactly("second", "first");
    assertThat(r)
        .hasStatus(3)
        .stdoutHasLines("working on input.txt", "closing second", "closing first")
        .stderrContains("cannot go on")
        .ranCleanup("second", "first");
  }

  @Test
  void aHaltRunsNoCleanup() {
    CallResult r =
        InJvm.call(
            args -> {
              Terminus.atExit("never", () -> System.out.println("closed"));
              Exit.halt(9, "halted");
            });
    assertThat(r).hasStatus(9).ranNoCleanup().stdoutIs("").stderrContains("halted");
  }

  @Test
  void aFailingTaskIsReportedWithItsOutcome() {
    CallResult r =
        InJvm.call(
            args ->
                Terminus.atExit(
                    "broken",
                    () -> {
                      throw new IllegalStateException("disk gone");
                    }));
    assertThat(r.cleanup()).hasSize(1);
    assertThat(r.cleanup().get(0).name()).isEqualTo("broken");
    assertThat(r.cleanup().get(0).outcome()).isEqualTo("failed");
    assertThat(r.cleanup().get(0).error()).contains("disk gone");
    assertThat(r).ranNoCleanup();
  }

  @Test
  void theStreamsAndTheReportPropertyAreRestored() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    InJvm.call(args -> System.out.println("captured"));
    assertThat(System.out).isSameAs(out);
    assertThat(System.err).isSameAs(err);
    assertThat(System.getProperty("terminus.report")).isNull();
  }
}
