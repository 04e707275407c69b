package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Terminus.call runs the exit paths one after another in this JVM and leaves nothing behind. */
@Timeout(60)
class TerminusCallTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private PrintStream originalErr;
  private Thread.UncaughtExceptionHandler originalHandler;

  static final class Unavailable extends RuntimeException implements ExitStatus {
    private static final long serialVersionUID = 1L;

    Unavailable() {
      super("service unavailable");
    }

    @Override
    public int exitStatus() {
      return 69;
    }
  }

  @BeforeEach
  void captureStderr() {
    originalErr = System.err;
    originalHandler = Thread.getDefaultUncaughtExceptionHandler();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @AfterEach
  void nothingIsLeftBehind() {
    System.setErr(originalErr);
    assertThat(Exit.requested()).as("no pending request").isFalse();
    assertThat(Run.activeRunner()).as("no active runner").isNull();
    assertThat(Run.processHookInstalled()).as("no shutdown hook").isFalse();
    assertThat(Run.process().plan().size()).as("no cleanup task").isZero();
    assertThat(Plan.phaseCount()).as("only the default phases").isEqualTo(6);
    assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(originalHandler);
    assertThat(Run.liveThreads()).noneMatch(t -> t.getName().startsWith("terminus"));
    assertThat(Thread.currentThread().isInterrupted()).as("no interrupt left").isFalse();
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void returnsTheStatusOfEachExitPathInTurn() {
    assertThat(Terminus.call(new String[0], a -> {})).isZero();
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  throw Exit.now(3);
                }))
        .isEqualTo(3);
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  throw Exit.now();
                }))
        .isZero();
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  throw new Unavailable();
                }))
        .isEqualTo(69);
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  throw new IllegalStateException("boom");
                }))
        .isEqualTo(1);
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  throw Exit.now("bye");
                }))
        .isEqualTo(1);
    assertThat(stderr())
        .contains(": service unavailable")
        .contains("java.lang.IllegalStateException: boom")
        .endsWith("bye" + System.lineSeparator());
  }

  @Test
  void argumentsReachTheBody() {
    assertThat(
            Terminus.call(
                new String[] {"7"},
                a -> {
                  throw Exit.now(Integer.parseInt(a[0]));
                }))
        .isEqualTo(7);
  }

  @Test
  void caughtRequestStillDecidesTheStatusAndWithdrawnOneDoesNot() {
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  try {
                    throw Exit.now(4);
                  } catch (ExitException e) {
                    // swallowed
                  }
                }))
        .isEqualTo(4);
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  try {
                    throw Exit.now(4);
                  } catch (ExitException e) {
                    e.withdraw();
                  }
                  Exit.checkpoint();
                }))
        .isZero();
  }

  @Test
  void checkpointRethrowsAFreshExceptionLinkedToTheRequest() {
    List<Throwable> seen = new ArrayList<>();
    int status =
        Terminus.call(
            new String[0],
            a -> {
              try {
                throw Exit.now(9);
              } catch (ExitException e) {
                seen.add(e);
              }
              try {
                Exit.checkpoint();
              } catch (ExitException again) {
                seen.add(again);
                throw again;
              }
            });
    assertThat(status).isEqualTo(9);
    assertThat(seen).hasSize(2);
    assertThat(seen.get(1)).isNotSameAs(seen.get(0)).hasCause(seen.get(0));
    assertThat(((ExitException) seen.get(1)).status()).isEqualTo(9);
  }

  @Test
  void checkpointWithdrawsTheOriginalRequestThroughTheCopy() {
    assertThat(
            Terminus.call(
                new String[0],
                a -> {
                  try {
                    throw Exit.now(5);
                  } catch (ExitException e) {
                    // swallowed
                  }
                  try {
                    Exit.checkpoint();
                  } catch (ExitException again) {
                    again.withdraw();
                  }
                  assertThat(Exit.requested()).isFalse();
                }))
        .isZero();
  }

  @Test
  void cleanupTasksRunInReverseAndAFailingOneIsReported() {
    List<String> ran = new ArrayList<>();
    int status =
        Terminus.call(
            new String[0],
            a -> {
              Terminus.atExit("first", () -> ran.add("first"));
              Terminus.atExit(
                  "broken",
                  () -> {
                    throw new IllegalStateException("disk gone");
                  });
              Terminus.atExit(() -> ran.add("third"));
              throw Exit.now(2);
            });
    assertThat(status).isEqualTo(2);
    assertThat(ran).containsExactly("third", "first");
    assertThat(stderr())
        .contains("cleanup task 'broken' failed: java.lang.IllegalStateException: disk gone");
  }

  @Test
  void haltReturnsItsStatusWithoutRunningCleanupOrFinallyHandlersThatCatchExits() {
    List<String> ran = new ArrayList<>();
    int status =
        Terminus.call(
            new String[0],
            a -> {
              Terminus.atExit(() -> ran.add("task"));
              try {
                Exit.halt(6, "halting");
              } catch (ExitException e) {
                ran.add("caught");
              }
            });
    assertThat(status).isEqualTo(6);
    assertThat(ran).isEmpty();
    assertThat(stderr()).isEqualTo("halting" + System.lineSeparator());
  }

  @Test
  void exitFromAWorkerInterruptsTheBodyAndDecidesTheStatus() {
    int status =
        Terminus.call(
            new String[0],
            a -> {
              Thread worker =
                  new Thread(
                      () -> {
                        throw Exit.now(8);
                      });
              worker.start();
              try {
                new CountDownLatch(1).await(); // interrupted by the worker's request
              } finally {
                worker.join(); // its ExitException reaches the handler while the call still owns it
              }
            });
    assertThat(status).isEqualTo(8);
    assertThat(stderr()).as("an InterruptedException caused by the exit is not an error").isEmpty();
  }

  @Test
  void workerThatWithdrawsItsOwnRequestLeavesTheBodyUndisturbed() {
    int status =
        Terminus.call(
            new String[0],
            a -> {
              Thread worker =
                  new Thread(
                      () -> {
                        try {
                          throw Exit.now(5);
                        } catch (ExitException e) {
                          e.withdraw();
                        }
                      });
              worker.start();
              worker.join();
              Thread.sleep(2 * Run.WORKER_GRACE.toMillis()); // past the grace: no interrupt comes
            });
    assertThat(status).isZero();
    assertThat(stderr()).isEmpty();
  }

  @Test
  @SuppressWarnings("finally") // the very case under test
  void exceptionInFinallyWhileExitingWithZeroBecomesOne() {
    int status =
        Terminus.call(
            new String[0],
            a -> {
              try {
                throw Exit.now(0);
              } finally {
                throw new IllegalStateException("finally failed");
              }
            });
    assertThat(status).isEqualTo(1);
    assertThat(stderr()).contains("IllegalStateException: finally failed");
  }

  @Test
  void callInstallsNoSignalHandler() {
    boolean[] handles = {true};
    Terminus.call(new String[0], a -> handles[0] = Run.activeRunner().handlesSignals());
    assertThat(handles[0]).isFalse();
  }

  @Test
  void runnersDoNotNest() {
    int status =
        Terminus.call(
            new String[0],
            a ->
                assertThatThrownBy(() -> Terminus.call(new String[0], b -> {}))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running"));
    assertThat(status).isZero();
  }

  @Test
  void mappedExceptionsUseTheMostSpecificClass() {
    Runner runner =
        Terminus.builder()
            .name("tool")
            .map(RuntimeException.class, 70)
            .map(IllegalArgumentException.class, 64)
            .build();
    assertThat(
            runner.call(
                new String[0],
                a -> {
                  throw new NumberFormatException("not a number: x");
                }))
        .isEqualTo(64);
    assertThat(
            runner.call(
                new String[0],
                a -> {
                  throw new IllegalStateException("odd");
                }))
        .isEqualTo(70);
    assertThat(stderr())
        .isEqualTo(
            "tool: not a number: x"
                + System.lineSeparator()
                + "tool: odd"
                + System.lineSeparator());
  }

  @Test
  void badArgumentsAreRefusedWithTheValueAndTheRule() {
    assertThatThrownBy(() -> Exit.now(256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("status 256 out of range [0, 255]: the shell would see 0, success");
    assertThatThrownBy(() -> Exit.halt(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status -1 out of range [0, 255]");
    assertThatThrownBy(() -> Exit.now(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("message");
    assertThatThrownBy(() -> Terminus.atExit(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("task");
    assertThatThrownBy(() -> Terminus.builder().map(Exception.class, 300))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("300");
    assertThatThrownBy(() -> Terminus.builder().signals("USR1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("USR1");
    assertThatThrownBy(() -> Terminus.builder().deadline(java.time.Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("positive");
    assertThat(Exit.requested()).isFalse();
  }

  @Test
  void checkpointWithNothingPendingReturns() {
    Exit.checkpoint();
    assertThat(Exit.requested()).isFalse();
  }
}
