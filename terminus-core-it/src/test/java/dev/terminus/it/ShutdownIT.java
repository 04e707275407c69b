package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The coordinated stop, in real child JVMs. */
@Timeout(300)
class ShutdownIT {
  private static final String NL = System.lineSeparator();

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  private static ChildResult run(List<String> jvm, String... args) {
    return ChildProcess.java(ShutdownScenarios.class).jvmOptions(jvm).args(args).run();
  }

  @Test
  void phasesRunInOrderAndTasksLastRegisteredFirst() {
    ChildResult r = run(List.of(), "phases");
    assertThat(r.stdout())
        .isEqualTo(
            lines(
                "phases: [announce, drain, stop-services, persist-caches, flush, close-resources, logging]",
                "announce: readiness",
                "drain: requests",
                "stop-services: second (registered last, runs first)",
                "stop-services: first",
                "persist-caches: caches",
                "flush: offsets",
                "close-resources: file (atExit)",
                "logging"));
    assertThat(r.status()).isZero();
  }

  @Test
  void taskThatOverrunsIsInterruptedReportedWithItsStackAndThePlanMovesOn() {
    ChildResult r = run(List.of(), "task-timeout");
    assertThat(r.stdout()).isEqualTo(lines("stuck hangs", "stuck interrupted", "flush: after ran"));
    assertThat(r.stderr())
        .contains(
            "ShutdownScenarios: cleanup task 'broken' failed: java.lang.IllegalStateException: broker gone")
        .contains(
            "ShutdownScenarios: cleanup task 'stuck' in phase stop-services timed out after 300ms;"
                + " interrupted it at:"
                + NL
                + "\tat ")
        .contains("java.util.concurrent.CountDownLatch.await");
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void deadlineHaltsWithTheRequestedStatusAndTheReportNamesWhatHung(@TempDir Path dir)
      throws Exception {
    Path report = dir.resolve("stop.json");
    ChildResult r =
        run(List.of("-Dterminus.deadline=1s", "-Dterminus.report=" + report), "deadline", "3");
    assertThat(r.stdout()).isEqualTo(lines("stuck hangs"));
    assertThat(r.stderr())
        .endsWith(
            lines(
                "ShutdownScenarios: shutdown not finished within the deadline of 1s; halting with status 3"));
    assertThat(r.status()).isEqualTo(3);
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"reason\": \"exit requested\"")
        .contains("\"status\": 3")
        .contains("\"halted\": true")
        .contains("\"phase\": \"stop-services\", \"task\": \"stuck\"")
        .contains("\"outcome\": \"timed out\", \"error\": \"cut short by the deadline\"")
        .contains("CountDownLatch.await")
        .contains("\"phase\": \"flush\", \"task\": \"never\"")
        .contains("\"outcome\": \"skipped\"");
    try (var files = Files.list(dir)) {
      assertThat(files).as("no temporary file left").containsExactly(report);
    }
  }

  @Test
  void deadlineWithARequestedZeroHaltsWith124() {
    ChildResult r = run(List.of("-Dterminus.deadline=1s"), "deadline", "0");
    assertThat(r.stderr()).contains("halting with status 124");
    assertThat(r.status()).isEqualTo(124);
  }

  @Test
  void timeoutsAddingUpPastTheDeadlineDrawOneWarningNamingBothNumbers() {
    ChildResult r = run(List.of(), "budget");
    assertThat(r.stderr())
        .contains("the declared task timeouts add up to 40s, past the deadline of 30s");
    assertThat(r.stderr().split("add up to", -1)).as("warned once").hasSize(2);
    assertThat(r.status()).isZero();
  }

  @Test
  void exitNowInsideATaskKeepsTheFirstStatusAndTheRestStillRun() {
    ChildResult r = run(List.of(), "exit-inside-task", "now");
    assertThat(r.stdout()).isEqualTo(lines("task requests exit now", "later task ran"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void systemExitInsideATaskDoesNotDeadlockAndTheFirstStatusWins() {
    ChildResult r = run(List.of(), "exit-inside-task", "system");
    assertThat(r.stdout()).isEqualTo(lines("task requests exit system", "later task ran"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void thirdPartySystemExitRunsThePlanOnceAndOtherHooksStillRun(@TempDir Path dir)
      throws Exception {
    Path report = dir.resolve("stop.json");
    ChildResult r = run(List.of("-Dterminus.report=" + report), "third-party-exit");
    assertThat(r.stdout()).contains("library hook ran");
    assertThat(r.stdout().replace("library hook ran" + NL, ""))
        .isEqualTo(lines("flush: offsets", "close-resources: file"));
    assertThat(r.status()).isEqualTo(9);
    assertThat(Files.readString(report))
        .contains("\"reason\": \"System.exit by a third party\"")
        .contains("\"detail\": \"thread 'third-party'\"");
  }

  @Test
  void executorsAreStoppedAndSurvivorsNamed() {
    ChildResult r = run(List.of(), "executors");
    assertThat(r.stderr())
        .contains(
            "executor 'stubborn' did not stop: threads still running after shutdownNow(): 'stubborn-worker'")
        .contains(
            "executor 'polite' did not finish within 200ms; its running tasks were interrupted")
        .doesNotContain("'polite-worker'");
    assertThat(r.status()).isZero();
  }

  @Test
  void threadsThatKeepTheJvmAliveAfterMainReturnsAreNamed() {
    ChildResult r =
        run(List.of("-Dterminus.threads-report-after=200ms"), "lingering-thread", "3000");
    assertThat(r.stdout()).isEqualTo(lines("main returns", "lingering thread done"));
    assertThat(r.stderr())
        .startsWith(
            "ShutdownScenarios: main returned 200ms ago; the JVM waits for these non-daemon threads:"
                + NL
                + "  thread 'lingering' TIMED_WAITING")
        .contains("\tat java.base");
    assertThat(r.status()).isZero();
  }

  @Test
  void settingMakesMainsReturnEndTheProcess() {
    ChildResult r = run(List.of("-Dterminus.main-return=exit"), "lingering-thread", "600000");
    assertThat(r.stdout()).isEqualTo(lines("main returns"));
    assertThat(r.status()).isZero();
  }

  @Test
  void reportNamesBlockedThreadsTheLockTheyWaitOnAndItsOwner(@TempDir Path dir) throws Exception {
    Path report = dir.resolve("stop.json");
    ChildResult r = run(List.of("-Dterminus.report=" + report), "blocked-report");
    assertThat(r.status()).isEqualTo(4);
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"reason\": \"exit requested\"", "\"detail\": \"Exit.now(4)\"", "\"status\": 4")
        .contains("ShutdownScenarios.lambda$static$")
        .contains("\"task\": \"flush\"", "\"outcome\": \"ok\"")
        .contains(
            "\"task\": \"broken\"",
            "\"outcome\": \"failed\"",
            "java.lang.IllegalStateException: pool gone")
        .containsPattern(
            "\"name\": \"lock-waiter\", \"state\": \"BLOCKED\", \"waitingOn\": \"java.lang.Object@[0-9a-f]+\", \"lockOwner\": \"lock-holder\"");
  }

  @Test
  void reportOnStderrSaysASignalStoppedTheProgram() {
    try (ChildProcess c =
        ChildProcess.java(ShutdownScenarios.class)
            .env(Map.of("TERMINUS_REPORT", "stderr"))
            .args("signal-report")
            .start()) {
      c.awaitLine("ready").signal("TERM");
      ChildResult r = c.await();
      assertThat(r.stderr())
          .contains("ShutdownScenarios: stop report: signal (SIGTERM)")
          .contains("  flush / flush: ok (start ")
          .containsPattern("ShutdownScenarios: stopped with status 143 after \\d+ ms");
      assertThat(r.status()).isEqualTo(143);
    }
  }

  @Test
  void julLinesLoggedByCleanupTasksAreKeptUnderRun() {
    ChildResult r = run(List.of(), "jul-logging", "now");
    assertThat(r.stderr()).contains("INFO: closing the database").contains("INFO: last words");
  }

  @Test
  void julLinesSurviveAThirdPartyExitWithTheTerminusLogManager() {
    ChildResult r =
        run(
            List.of("-Djava.util.logging.manager=dev.terminus.TerminusLogManager"),
            "jul-logging",
            "system");
    assertThat(r.stderr()).contains("INFO: closing the database").contains("INFO: last words");
  }

  @Test
  void withoutTheLogManagerAThirdPartyExitLosesThoseLines() {
    ChildResult r = run(List.of(), "jul-logging", "system");
    assertThat(r.stderr()).doesNotContain("closing the database");
  }

  @Test
  void jfrSeesTheExitRequestAndEachTask(@TempDir Path dir) throws Exception {
    Path recording = dir.resolve("stop.jfr");
    ChildResult r = run(List.of("-XX:StartFlightRecording:filename=" + recording), "task-timeout");
    assertThat(r.status()).isEqualTo(3);
    List<String> seen = new ArrayList<>();
    List<RecordedEvent> events = new ArrayList<>(RecordingFile.readAllEvents(recording));
    // Tasks end on the threads that run them: order by when each event ended, not by file order.
    events.sort(java.util.Comparator.comparing(RecordedEvent::getEndTime));
    for (RecordedEvent e : events) {
      String type = e.getEventType().getName();
      if (type.equals("dev.terminus.ExitRequested")) {
        seen.add("exit " + e.getInt("status"));
      } else if (type.equals("dev.terminus.TaskFinished")) {
        seen.add(e.getString("task") + " " + e.getString("outcome"));
      }
    }
    assertThat(seen).containsExactly("exit 3", "broken failed", "stuck timed out", "after ok");
  }
}
