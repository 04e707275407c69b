package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The core semantics, each proven in a real child JVM. */
@Timeout(300)
class ExitIT {
  private static final String NL = System.lineSeparator();

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  @Test
  void interceptedExitRunsFinallyThenTheOuterHandlerAndCarriesOn() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("intercepted").run();
    assertThat(r.stdout())
        .isEqualTo(
            lines(
                "Authenticating transaction...",
                "CRITICAL SECURITY WARN: Running post-execution cleanup!",
                "Intercepted exit status: 1",
                "carried on"));
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).as("the caught request was not withdrawn").isEqualTo(1);
  }

  @Test
  void haltSkipsFinallyBlocksAndOuterHandlers() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("intercepted-halt").run();
    assertThat(r.stdout()).isEqualTo(lines("Authenticating transaction..."));
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void finallyAndCloseRunInnermostFirstAndCatchExceptionDoesNotCatchTheExit() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("unwind").run();
    assertThat(r.stdout())
        .isEqualTo(
            lines(
                "open outer",
                "open inner",
                "close inner",
                "finally inner",
                "finally outer",
                "close outer",
                "catch ExitException 4"));
    assertThat(r.status()).isEqualTo(4);
  }

  @Test
  void messageGoesToStderrWithStatusOne() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("message").run();
    assertThat(r.stderr()).isEqualTo(lines("Terminating the script due to some condition."));
    assertThat(r.stdout()).isEmpty();
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void statusThreeExitsThreeWithEmptyStderr() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("status", "3").run();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void nowWithoutArgumentsExitsZero() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("zero").run();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isZero();
  }

  @Test
  void statusOutsideTheByteRangeIsRefusedAndNothingExits() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("out-of-range").run();
    assertThat(r.stdout())
        .isEqualTo(
            lines(
                "refused: status 256 out of range [0, 255]: the shell would see 0, success",
                "refused: status -1 out of range [0, 255]: the shell would see 255",
                "requested: false"));
    assertThat(r.status()).isZero();
  }

  @Test
  void unexpectedExceptionPrintsItsStackTraceAndExitsOne() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("unexpected").run();
    assertThat(r.stderr())
        .startsWith("Exception in thread \"main\" java.lang.IllegalStateException: boom" + NL)
        .contains("\tat dev.terminus.it.Scenarios");
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void exceptionCarryingAStatusPrintsOneLineAndExitsWithIt() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("exit-status").run();
    assertThat(r.stderr()).isEqualTo(lines("Scenarios: no configuration at /etc/tool.conf"));
    assertThat(r.status()).isEqualTo(78);
  }

  @Test
  void mostSpecificMappedClassWins() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("mapped", "specific").run();
    assertThat(r.stderr()).isEqualTo(lines("tool: /data/in.csv"));
    assertThat(r.status()).isEqualTo(66);
  }

  @Test
  void mappedSuperclassCoversItsSubclasses() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("mapped", "general").run();
    assertThat(r.stderr()).isEqualTo(lines("tool: disk on fire"));
    assertThat(r.status()).isEqualTo(74);
  }

  @Test
  void mappingIsFoundAlongTheCauseChain() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("mapped", "cause").run();
    assertThat(r.stderr()).isEqualTo(lines("tool: /data/cause.csv"));
    assertThat(r.status()).isEqualTo(66);
  }

  @Test
  void caughtRequestThatIsNotWithdrawnDecidesTheStatus() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("caught-not-withdrawn").run();
    assertThat(r.stdout()).isEqualTo(lines("caught 1", "main returns"));
    assertThat(r.status()).isEqualTo(1);
  }

  private static final String CLEANUP_LINES =
      lines("atExit third", "atExit second", "atExit first");
  private static final String FAILED_TASK =
      "Scenarios: cleanup task 'failing' failed: java.lang.IllegalStateException: disk gone" + NL;

  @Test
  void atExitTasksRunInReverseWhenMainReturns() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("atexit", "return").run();
    assertThat(r.stdout()).isEqualTo(lines("main returns") + CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isZero();
  }

  @Test
  void atExitTasksRunInReverseAfterExitNow() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("atexit", "now").run();
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isEqualTo(5);
  }

  @Test
  void atExitTasksRunInReverseAfterAnUncaughtException() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("atexit", "uncaught").run();
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr())
        .startsWith("Exception in thread \"main\" java.lang.IllegalStateException: uncaught")
        .endsWith(FAILED_TASK);
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void atExitTasksRunWhenAThirdPartyCallsSystemExitAndTheStatusStays() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("atexit", "system-exit").run();
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isEqualTo(6);
  }

  @Test
  void atExitTasksNeverRunAfterHalt() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("atexit", "halt").run();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(7);
  }

  @Test
  void partialLineReachesAPipeAfterExitNow() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("print-no-newline", "now").run();
    assertThat(r.stdout()).isEqualTo("partial line");
    assertThat(r.status()).isEqualTo(2);
  }

  @Test
  void partialLineIsLostAfterHalt() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("print-no-newline", "halt").run();
    assertThat(r.stdout()).isEmpty();
    assertThat(r.status()).isEqualTo(2);
  }

  @Test
  void exitFromAWorkerEndsTheProcessAndUnwindsMain() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("worker-exit").run();
    assertThat(r.stdout())
        .contains("worker requests exit", "worker finally", "main interrupted", "main finally")
        .doesNotContain("must not happen");
    assertThat(r.stdout().indexOf("main interrupted"))
        .isLessThan(r.stdout().indexOf("main finally"));
    assertThat(r.stderr()).as("no stack trace for the worker's exit").isEmpty();
    assertThat(r.status()).isEqualTo(7);
  }

  @Test
  void swallowedExitIsThrownAgainByTheNextCheckpoint() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("swallowed-checkpoint").run();
    assertThat(r.stdout())
        .isEqualTo(lines("framework swallowed ExitException", "checkpoint finally"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void swallowedExitEndsTheProcessWhenTheDeadlinePasses() {
    ChildResult r =
        ChildProcess.java(Scenarios.class)
            .jvmOptions(List.of("-Dterminus.deadline=1s"))
            .args("swallowed-forever")
            .run();
    assertThat(r.stdout()).isEqualTo(lines("swallowing"));
    assertThat(r.stderr())
        .isEqualTo(
            lines(
                "Scenarios: exit requested with status 3 but not finished within the deadline of 1s;"
                    + " halting with status 3"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void deadlineIsReadFromTheEnvironmentToo() {
    ChildResult r =
        ChildProcess.java(Scenarios.class)
            .env(Map.of("TERMINUS_DEADLINE", "500ms"))
            .args("swallowed-forever")
            .run();
    assertThat(r.stderr()).contains("within the deadline of 500ms");
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void malformedDeadlineIsAClearStartupError() {
    ChildResult r =
        ChildProcess.java(Scenarios.class)
            .jvmOptions(List.of("-Dterminus.deadline=5x"))
            .args("deadline-config")
            .run();
    assertThat(r.stdout()).as("the body never ran").isEmpty();
    assertThat(r.stderr())
        .isEqualTo(
            lines(
                "Scenarios: system property terminus.deadline: '5x' is not a positive duration"
                    + " (write it as 500ms, 10s, 2m, 1h or 10 for seconds)"));
    assertThat(r.status()).isEqualTo(78);
  }

  @Test
  void withdrawnRequestLetsTheProgramCarryOnAndExitZero() {
    ChildResult r = ChildProcess.java(Scenarios.class).args("withdrawn").run();
    assertThat(r.stdout()).isEqualTo(lines("withdrawn; requested: false", "carried on"));
    assertThat(r.status()).isZero();
  }

  @Test
  void fiftyThreadsRequestingAtOnceEndTheProcessOnceWithTheFirstStatus() throws Exception {
    Pattern request = Pattern.compile("request (\\d+)");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<ChildResult>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        runs.add(pool.submit(() -> ChildProcess.java(Scenarios.class).args("many-threads").run()));
      }
      Set<Integer> statuses = new HashSet<>();
      for (Future<ChildResult> f : runs) {
        ChildResult r = f.get();
        assertThat(r.stdout()).as("cleanup ran exactly once").isEqualTo(lines("atExit cleanup"));
        Matcher m = request.matcher(r.stderr());
        assertThat(m.find()).as("one request's message: %s", r.stderr()).isTrue();
        int first = Integer.parseInt(m.group(1));
        assertThat(m.find()).as("only one message: %s", r.stderr()).isFalse();
        assertThat(r.status())
            .as("the status of the request whose message was printed")
            .isEqualTo(first);
        statuses.add(r.status());
      }
      assertThat(statuses).allMatch(s -> s >= 1 && s <= 50);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withoutARunnerAnUncaughtExitStillExitsWithItsStatusAndRunsTheTasks() {
    ChildResult r = ChildProcess.java(Standalone.class).args("main").run();
    assertThat(r.stdout()).isEqualTo(lines("finally ran", "atExit cleanup"));
    assertThat(r.stderr()).isEqualTo(lines("bye"));
    assertThat(r.status()).isEqualTo(5);
  }

  @Test
  void withoutARunnerAnExitFromAWorkerEndsTheProcess() {
    ChildResult r = ChildProcess.java(Standalone.class).args("worker").run();
    assertThat(r.stdout()).isEqualTo(lines("atExit cleanup"));
    assertThat(r.stderr()).isEqualTo(lines("worker says bye"));
    assertThat(r.status()).isEqualTo(6);
  }

  @Test
  void aJvmWithoutSignalHandlersStillStartsAndExits() {
    ChildResult r =
        ChildProcess.java(Scenarios.class).jvmOptions(List.of("-Xrs")).args("atexit", "now").run();
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.status()).isEqualTo(5);
  }
}
