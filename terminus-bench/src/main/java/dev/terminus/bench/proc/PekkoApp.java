package dev.terminus.bench.proc;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.CoordinatedShutdown;

/**
 * The program under Apache Pekko: an {@link ActorSystem} whose {@link CoordinatedShutdown} runs the
 * tasks in its {@code service-stop} phase (tasks of one phase run concurrently), then exits the JVM
 * ({@code exit-jvm = on}). On SIGTERM, Pekko's own JVM shutdown hook runs the same phases.
 */
public final class PekkoApp {
  private PekkoApp() {}

  public static void main(String[] args) throws Exception {
    String scenario = Work.scenario(args);
    Config config =
        ConfigFactory.parseString(
                "pekko.coordinated-shutdown.exit-jvm = on\n"
                    + "pekko.loglevel = WARNING\n"
                    + "pekko.stdout-loglevel = WARNING\n"
                    + "pekko.log-dead-letters = off\n")
            .withFallback(ConfigFactory.load());
    ActorSystem system = ActorSystem.create("bench", config);
    CoordinatedShutdown cs = CoordinatedShutdown.get(system);
    String phase = CoordinatedShutdown.PhaseServiceStop();
    switch (scenario) {
      case "exit":
        Work.small();
        trivial(cs, phase, Work.EXIT_TASKS);
        cs.runAll(CoordinatedShutdown.unknownReason()).toCompletableFuture().get();
        Work.waitForSignal(); // exit-jvm = on: Pekko calls System.exit when the phases are done
        return;
      case "slow":
        Executor later = CompletableFuture.delayedExecutor(Work.SLOW_MILLIS, TimeUnit.MILLISECONDS);
        for (int i = 0; i < Work.SLOW_TASKS; i++) {
          cs.addTask(
              phase, "task" + i, () -> CompletableFuture.supplyAsync(PekkoApp::trivialDone, later));
        }
        break;
      case "many":
        trivial(cs, phase, Work.MANY_TASKS);
        break;
      default:
        break;
    }
    Work.ready();
    Work.waitForSignal();
  }

  private static Done trivialDone() {
    Work.trivialTask();
    return Done.getInstance();
  }

  private static void trivial(CoordinatedShutdown cs, String phase, int n) {
    for (int i = 0; i < n; i++) {
      cs.addTask(
          phase,
          "task" + i,
          () -> {
            CompletionStage<Done> done = CompletableFuture.completedFuture(trivialDone());
            return done;
          });
    }
  }
}
