package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.it.Child.Result;
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
    Result r = Child.run(Scenarios.class, "intercepted");
    assertThat(r.stdout())
        .isEqualTo(lines(
            "Authenticating transaction...",
            "CRITICAL SECURITY WARN: Running post-execution cleanup!",
            "Intercepted exit status: 1",
            "carried on"));
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).as("the caught request was not withdrawn").isEqualTo(1);
  }

  @Test
  void haltSkipsFinallyBlocksAndOuterHandlers() {
    Result r = Child.run(Scenarios.class, "intercepted-halt");
    assertThat(r.stdout()).isEqualTo(lines("Authenticating transaction..."));
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void finallyAndCloseRunInnermostFirstAndCatchExceptionDoesNotCatchTheExit() {
    Result r = Child.run(Scenarios.class, "unwind");
    assertThat(r.stdout())
        .isEqualTo(lines(
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
    Result r = Child.run(Scenarios.class, "message");
    assertThat(r.stderr()).isEqualTo(lines("Terminating the script due to some condition."));
    assertThat(r.stdout()).isEmpty();
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void statusThreeExitsThreeWithEmptyStderr() {
    Result r = Child.run(Scenarios.class, "status", "3");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void nowWithoutArgumentsExitsZero() {
    Result r = Child.run(Scenarios.class, "zero");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isZero();
  }

  @Test
  void statusOutsideTheByteRangeIsRefusedAndNothingExits() {
    Result r = Child.run(Scenarios.class, "out-of-range");
    assertThat(r.stdout())
        .isEqualTo(lines(
            "refused: status 256 out of range [0, 255]: the shell would see 0, success",
            "refused: status -1 out of range [0, 255]: the shell would see 255",
            "requested: false"));
    assertThat(r.status()).isZero();
  }

  @Test
  void unexpectedExceptionPrintsItsStackTraceAndExitsOne() {
    Result r = Child.run(Scenarios.class, "unexpected");
    assertThat(r.stderr())
        .startsWith("Exception in thread \"main\" java.lang.IllegalStateException: boom" + NL)
        .contains("\tat dev.terminus.it.Scenarios");
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void exceptionCarryingAStatusPrintsOneLineAndExitsWithIt() {
    Result r = Child.run(Scenarios.class, "exit-status");
    assertThat(r.stderr()).isEqualTo(lines("Scenarios: no configuration at /etc/tool.conf"));
    assertThat(r.status()).isEqualTo(78);
  }

  @Test
  void mostSpecificMappedClassWins() {
    Result r = Child.run(Scenarios.class, "mapped", "specific");
    assertThat(r.stderr()).isEqualTo(lines("tool: /data/in.csv"));
    assertThat(r.status()).isEqualTo(66);
  }

  @Test
  void mappedSuperclassCoversItsSubclasses() {
    Result r = Child.run(Scenarios.class, "mapped", "general");
    assertThat(r.stderr()).isEqualTo(lines("tool: disk on fire"));
    assertThat(r.status()).isEqualTo(74);
  }

  @Test
  void mappingIsFoundAlongTheCauseChain() {
    Result r = Child.run(Scenarios.class, "mapped", "cause");
    assertThat(r.stderr()).isEqualTo(lines("tool: /data/cause.csv"));
    assertThat(r.status()).isEqualTo(66);
  }

  @Test
  void caughtRequestThatIsNotWithdrawnDecidesTheStatus() {
    Result r = Child.run(Scenarios.class, "caught-not-withdrawn");
    assertThat(r.stdout()).isEqualTo(lines("caught 1", "main returns"));
    assertThat(r.status()).isEqualTo(1);
  }

  private static final String CLEANUP_LINES =
      lines("atExit third", "atExit second", "atExit first");
  private static final String FAILED_TASK =
      "Scenarios: cleanup task 'failing' failed: java.lang.IllegalStateException: disk gone" + NL;

  @Test
  void atExitTasksRunInReverseWhenMainReturns() {
    Result r = Child.run(Scenarios.class, "atexit", "return");
    assertThat(r.stdout()).isEqualTo(lines("main returns") + CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isZero();
  }

  @Test
  void atExitTasksRunInReverseAfterExitNow() {
    Result r = Child.run(Scenarios.class, "atexit", "now");
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isEqualTo(5);
  }

  @Test
  void atExitTasksRunInReverseAfterAnUncaughtException() {
    Result r = Child.run(Scenarios.class, "atexit", "uncaught");
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr())
        .startsWith("Exception in thread \"main\" java.lang.IllegalStateException: uncaught")
        .endsWith(FAILED_TASK);
    assertThat(r.status()).isEqualTo(1);
  }

  @Test
  void atExitTasksRunWhenAThirdPartyCallsSystemExitAndTheStatusStays() {
    Result r = Child.run(Scenarios.class, "atexit", "system-exit");
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.stderr()).isEqualTo(FAILED_TASK);
    assertThat(r.status()).isEqualTo(6);
  }

  @Test
  void atExitTasksNeverRunAfterHalt() {
    Result r = Child.run(Scenarios.class, "atexit", "halt");
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isEqualTo(7);
  }

  @Test
  void partialLineReachesAPipeAfterExitNow() {
    Result r = Child.run(Scenarios.class, "print-no-newline", "now");
    assertThat(r.stdout()).isEqualTo("partial line");
    assertThat(r.status()).isEqualTo(2);
  }

  @Test
  void partialLineIsLostAfterHalt() {
    Result r = Child.run(Scenarios.class, "print-no-newline", "halt");
    assertThat(r.stdout()).isEmpty();
    assertThat(r.status()).isEqualTo(2);
  }

  @Test
  void exitFromAWorkerEndsTheProcessAndUnwindsMain() {
    Result r = Child.run(Scenarios.class, "worker-exit");
    assertThat(r.stdout())
        .contains("worker requests exit", "worker finally", "main interrupted", "main finally")
        .doesNotContain("must not happen");
    assertThat(r.stdout().indexOf("main interrupted")).isLessThan(r.stdout().indexOf("main finally"));
    assertThat(r.stderr()).as("no stack trace for the worker's exit").isEmpty();
    assertThat(r.status()).isEqualTo(7);
  }

  @Test
  void swallowedExitIsThrownAgainByTheNextCheckpoint() {
    Result r = Child.run(Scenarios.class, "swallowed-checkpoint");
    assertThat(r.stdout())
        .isEqualTo(lines("framework swallowed ExitException", "checkpoint finally"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void swallowedExitEndsTheProcessWhenTheDeadlinePasses() {
    Result r = Child.run(Scenarios.class, List.of("-Dterminus.deadline=1s"), Map.of(), "swallowed-forever");
    assertThat(r.stdout()).isEqualTo(lines("swallowing"));
    assertThat(r.stderr())
        .isEqualTo(lines(
            "Scenarios: exit requested with status 3 but not finished within the deadline of 1s;"
                + " halting with status 3"));
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void deadlineIsReadFromTheEnvironmentToo() {
    Result r = Child.run(Scenarios.class, List.of(), Map.of("TERMINUS_DEADLINE", "500ms"), "swallowed-forever");
    assertThat(r.stderr()).contains("within the deadline of 500ms");
    assertThat(r.status()).isEqualTo(3);
  }

  @Test
  void malformedDeadlineIsAClearStartupError() {
    Result r = Child.run(Scenarios.class, List.of("-Dterminus.deadline=5x"), Map.of(), "deadline-config");
    assertThat(r.stdout()).as("the body never ran").isEmpty();
    assertThat(r.stderr())
        .isEqualTo(lines(
            "Scenarios: system property terminus.deadline: '5x' is not a positive duration"
                + " (write it as 500ms, 10s, 2m, 1h or 10 for seconds)"));
    assertThat(r.status()).isEqualTo(78);
  }

  @Test
  void withdrawnRequestLetsTheProgramCarryOnAndExitZero() {
    Result r = Child.run(Scenarios.class, "withdrawn");
    assertThat(r.stdout()).isEqualTo(lines("withdrawn; requested: false", "carried on"));
    assertThat(r.status()).isZero();
  }

  @Test
  void fiftyThreadsRequestingAtOnceEndTheProcessOnceWithTheFirstStatus() throws Exception {
    Pattern request = Pattern.compile("request (\\d+)");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<Result>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        runs.add(pool.submit(() -> Child.run(Scenarios.class, "many-threads")));
      }
      Set<Integer> statuses = new HashSet<>();
      for (Future<Result> f : runs) {
        Result r = f.get();
        assertThat(r.stdout()).as("cleanup ran exactly once").isEqualTo(lines("atExit cleanup"));
        Matcher m = request.matcher(r.stderr());
        assertThat(m.find()).as("one request's message: %s", r.stderr()).isTrue();
        int first = Integer.parseInt(m.group(1));
        assertThat(m.find()).as("only one message: %s", r.stderr()).isFalse();
        assertThat(r.status()).as("the status of the request whose message was printed").isEqualTo(first);
        statuses.add(r.status());
      }
      assertThat(statuses).allMatch(s -> s >= 1 && s <= 50);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void withoutARunnerAnUncaughtExitStillExitsWithItsStatusAndRunsTheTasks() {
    Result r = Child.run(Standalone.class, "main");
    assertThat(r.stdout()).isEqualTo(lines("finally ran", "atExit cleanup"));
    assertThat(r.stderr()).isEqualTo(lines("bye"));
    assertThat(r.status()).isEqualTo(5);
  }

  @Test
  void withoutARunnerAnExitFromAWorkerEndsTheProcess() {
    Result r = Child.run(Standalone.class, "worker");
    assertThat(r.stdout()).isEqualTo(lines("atExit cleanup"));
    assertThat(r.stderr()).isEqualTo(lines("worker says bye"));
    assertThat(r.status()).isEqualTo(6);
  }

  @Test
  void aJvmWithoutSignalHandlersStillStartsAndExits() {
    Result r = Child.run(Scenarios.class, List.of("-Xrs"), Map.of(), "atexit", "now");
    assertThat(r.stdout()).isEqualTo(CLEANUP_LINES);
    assertThat(r.status()).isEqualTo(5);
  }
}
