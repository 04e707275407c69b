package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Registration rules of the plan; each test registers inside a call, which discards it after. */
@Timeout(60)
class ShutdownTest {
  private static int call(MainBody body) {
    return Terminus.call(new String[0], body);
  }

  @Test
  void aSlowTaskNamesItsWorkerForThreadDumpsAndAQuickOneDoesNot() {
    List<String> seen = new CopyOnWriteArrayList<>();
    int status =
        call(
            a -> {
              // Last registered first: quick, then slow, then after.
              Terminus.atExit("after", () -> seen.add("after " + Thread.currentThread().getName()));
              Terminus.atExit(
                  "slow",
                  () -> {
                    // Runs until the supervisor has named its thread (within 100-200 ms of its
                    // start), however slow the machine; the test's timeout bounds the wait.
                    while (!Thread.currentThread().getName().endsWith(": slow")) {
                      Thread.sleep(10);
                    }
                    seen.add("slow " + Thread.currentThread().getName());
                  });
              Terminus.atExit("quick", () -> seen.add("quick " + Thread.currentThread().getName()));
            });

    assertThat(status).isZero();
    assertThat(seen)
        .containsExactly("quick terminus-stop", "slow terminus-stop: slow", "after terminus-stop");
  }

  @Test
  void everySlowTaskOfAPhaseNamesItsWorkerNotOnlyTheFirst() {
    List<String> seen = new CopyOnWriteArrayList<>();
    int status =
        call(
            a -> {
              for (String name : List.of("second", "first")) { // last registered runs first
                Terminus.atExit(
                    name,
                    () -> {
                      // Until the supervisor names this worker; the test's timeout bounds it.
                      while (!Thread.currentThread().getName().endsWith(": " + name)) {
                        Thread.sleep(10);
                      }
                      seen.add(Thread.currentThread().getName());
                    });
              }
            });

    assertThat(status).isZero();
    assertThat(seen).containsExactly("terminus-stop: first", "terminus-stop: second");
  }

  @Test
  void unknownDependencyIsRefusedNamingIt() {
    call(
        a -> {
          Phase orphan = Phase.builder("orphan").build();
          Phase child = Phase.builder("child").after(orphan).build();
          assertThatThrownBy(() -> Terminus.shutdown().addPhase(child))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("phase 'child' depends on unregistered phase(s) [orphan]");
        });
  }

  @Test
  void cycleIsRefusedNamingThePhases() {
    call(
        a -> {
          Phase loop = Phase.builder("loop").after(Phase.FLUSH).before(Phase.DRAIN).build();
          assertThatThrownBy(() -> Terminus.shutdown().addPhase(loop))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessageContaining("form a dependency cycle")
              .hasMessageContaining("loop")
              .hasMessageContaining("drain");
          assertThat(Terminus.shutdown().phases()).doesNotContain(loop);
        });
  }

  @Test
  void taskInAnUnregisteredPhaseIsRefused() {
    call(
        a -> {
          Phase stray = Phase.builder("stray").build();
          assertThatThrownBy(() -> Terminus.shutdown().add(stray, "t", () -> {}))
              .isInstanceOf(IllegalArgumentException.class)
              .hasMessage("phase 'stray' is not registered; add it with Shutdown.addPhase first");
        });
  }

  @Test
  void samePhaseTwiceIsRefused() {
    call(
        a ->
            assertThatThrownBy(() -> Terminus.shutdown().addPhase(Phase.FLUSH))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("phase 'flush' is already registered"));
  }

  @Test
  void badTimeoutsAndNamesAreRefused() {
    assertThatThrownBy(() -> Phase.builder(" ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Phase.builder("x").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must be positive");
    assertThatThrownBy(
            () -> Terminus.shutdown().add(Phase.FLUSH, "t", Duration.ofSeconds(-1), () -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Terminus.shutdown().add(Phase.FLUSH, null, () -> {}))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("name");
  }

  @Test
  void concurrentPhaseRunsItsTasksAtTheSameTime() {
    List<String> events = new CopyOnWriteArrayList<>();
    int status =
        call(
            a -> {
              Phase parallel =
                  Phase.builder("parallel")
                      .after(Phase.STOP_SERVICES)
                      .before(Phase.FLUSH)
                      .concurrent(true)
                      .build();
              Terminus.shutdown().addPhase(parallel);
              CountDownLatch allStarted = new CountDownLatch(3);
              for (int i = 1; i <= 3; i++) {
                String name = "task " + i;
                Terminus.shutdown()
                    .add(
                        parallel,
                        name,
                        () -> {
                          events.add("start");
                          allStarted.countDown();
                          // Each task finishes only once all three have started: one by one, this
                          // never ends.
                          if (!allStarted.await(30, TimeUnit.SECONDS)) {
                            events.add("not concurrent");
                          }
                          events.add("end");
                        });
              }
              Terminus.shutdown().add(Phase.FLUSH, "after", () -> events.add("flush"));
            });
    assertThat(status).isZero();
    assertThat(events).containsExactly("start", "start", "start", "end", "end", "end", "flush");
  }

  @Test
  void atExitTasksRunInCloseResourcesAfterFlushAndBeforeLogging() {
    List<String> events = new CopyOnWriteArrayList<>();
    call(
        a -> {
          Terminus.shutdown().add(Phase.LOGGING, "logging", () -> events.add("logging"));
          Terminus.atExit(() -> events.add("atExit"));
          Terminus.shutdown().add(Phase.FLUSH, "flush", () -> events.add("flush"));
        });
    assertThat(events).containsExactly("flush", "atExit", "logging");
  }

  @Test
  void taskRegisteredDuringTheStopStillRuns() {
    List<String> events = new CopyOnWriteArrayList<>();
    call(
        a ->
            Terminus.shutdown()
                .add(
                    Phase.LOGGING,
                    "late registrar",
                    () -> {
                      events.add("registrar");
                      Terminus.shutdown().add(Phase.FLUSH, "late", () -> events.add("late"));
                    }));
    assertThat(events).containsExactly("registrar", "late");
  }
}
