package dev.terminus.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

class TerminusExtensionIT {
  /**
   * Run by the JUnit Platform test kit, not directly: its tests are the subjects. Each publishes
   * the pid of the sleeper it started as a report entry, which the real tests read back.
   */
  @ExtendWith(TerminusExtension.class)
  static class Samples {
    @Test
    void leavesAChildRunning(Children children, TestReporter reporter) {
      ChildProcess c = children.command("sh", "-c", "echo ready; exec sleep 600").start();
      c.awaitLine("ready");
      reporter.publishEntry("sleeper", Long.toString(c.pid()));
    }

    @Test
    void leavesAGrandchildRunning(Children children, TestReporter reporter) {
      ChildResult r =
          children.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start().await();
      reporter.publishEntry("sleeper", r.stdout().strip());
    }

    @Test
    void closesWhatItStarted(Children children, TestReporter reporter) {
      try (ChildProcess c = children.command("sh", "-c", "echo ready; exec sleep 600").start()) {
        c.awaitLine("ready");
        reporter.publishEntry("sleeper", Long.toString(c.pid()));
      }
    }

    @Test
    void waitsForItsChildToEnd(Children children, TestReporter reporter) {
      children.command("true").run();
    }
  }

  private static Events run(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .selectors(
            DiscoverySelectors.selectMethod(
                Samples.class,
                method,
                Children.class.getName() + "," + TestReporter.class.getName()))
        .execute()
        .testEvents();
  }

  private static long sleeper(Events events) {
    List<String> pids =
        events.reportingEntryPublished().stream()
            .map(e -> e.getRequiredPayload(ReportEntry.class).getKeyValuePairs().get("sleeper"))
            .toList();
    assertThat(pids).hasSize(1);
    return Long.parseLong(pids.get(0));
  }

  private static String failure(Events events) {
    List<Event> failed = events.failed().list();
    assertThat(failed).hasSize(1);
    return failed
        .get(0)
        .getRequiredPayload(TestExecutionResult.class)
        .getThrowable()
        .map(Throwable::getMessage)
        .orElse("");
  }

  @Test
  void aChildStillRunningAfterTheTestFailsItAndIsKilled() {
    Events events = run("leavesAChildRunning");
    long sleeper = sleeper(events);

    assertThat(failure(events))
        .contains("processes outlived the test and were killed")
        .contains(sleeper + " (");
    assertThat(Processes.isAlive(sleeper)).isFalse();
  }

  @Test
  void aGrandchildStillRunningAfterTheTestFailsItAndIsKilled() {
    Events events = run("leavesAGrandchildRunning");
    long sleeper = sleeper(events);

    assertThat(failure(events)).contains(sleeper + " (");
    assertThat(Processes.isAlive(sleeper)).isFalse();
  }

  @Test
  void aTestThatClosesItsChildrenPasses() {
    Events closes = run("closesWhatItStarted");
    assertThat(closes.succeeded().count()).isEqualTo(1);
    assertThat(Processes.isAlive(sleeper(closes))).isFalse();
    assertThat(run("waitsForItsChildToEnd").succeeded().count()).isEqualTo(1);
  }
}
