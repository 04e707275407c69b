package dev.terminus.examples.docs;

import dev.terminus.Exit;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The coordinated stop of the README and docs/shutdown.md, with stand-ins for the services: each
 * task prints its name, so the order shows.
 */
public final class Services {
  private Services() {}

  public static void main(String[] args) {
    Terminus.run(args, a -> {
      Health health = new Health();
      ExecutorService workers = Executors.newFixedThreadPool(2);
      workers.submit(() -> System.out.println("worker ran"));
      Consumer consumer = new Consumer();
      AutoCloseable dataSource = () -> System.out.println("database closed");
      Terminus.shutdown()
          .add(Phase.ANNOUNCE, "readiness", health::markDown)
          .stop(Phase.STOP_SERVICES, "workers", Duration.ofSeconds(5), workers)   // an ExecutorService
          .add(Phase.FLUSH, "offsets", Duration.ofSeconds(2), consumer::commitSync);
      Terminus.atExit("database", dataSource);                                    // close-resources
      Phase caches = Phase.builder("persist-caches")
          .after(Phase.STOP_SERVICES).before(Phase.FLUSH)
          .concurrent(true)                      // its tasks run at once: the phase takes its slowest
          .timeout(Duration.ofSeconds(2))        // for tasks registered without a timeout
          .build();
      Terminus.shutdown().addPhase(caches);
      Terminus.shutdown().add(caches, "cache", () -> System.out.println("caches persisted"));
      System.out.println("serving");
      throw Exit.now(); // the workers would keep the JVM alive: stop them
    });
  }

  static final class Health {
    void markDown() {
      System.out.println("marked down");
    }
  }

  static final class Consumer {
    void commitSync() {
      System.out.println("offsets committed");
    }
  }
}
