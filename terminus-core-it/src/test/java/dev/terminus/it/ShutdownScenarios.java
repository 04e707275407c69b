package dev.terminus.it;

import dev.terminus.Exit;
import dev.terminus.Phase;
import dev.terminus.Shutdown;
import dev.terminus.Terminus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** Coordinated-shutdown programs run in child JVMs: {@code java ShutdownScenarios NAME}. */
public final class ShutdownScenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  private static void scenario(String name, Consumer<String[]> body) {
    ALL.add(name, body);
  }

  private static void say(String line) {
    ScenarioRegistry.say(line);
  }

  private static AutoCloseable print(String line) {
    return () -> say(line);
  }

  private static AutoCloseable hang(String name) {
    return () -> {
      say(name + " hangs");
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        say(name + " interrupted");
        throw e;
      }
    };
  }

  static {
    scenario(
        "phases",
        a ->
            Terminus.run(
                a,
                x -> {
                  Shutdown plan = Terminus.shutdown();
                  Phase custom =
                      Phase.builder("persist-caches")
                          .after(Phase.STOP_SERVICES)
                          .before(Phase.FLUSH)
                          .build();
                  plan.addPhase(custom);
                  Terminus.atExit("file", print("close-resources: file (atExit)"));
                  plan.add(Phase.LOGGING, "logging", print("logging"));
                  plan.add(Phase.FLUSH, "offsets", print("flush: offsets"));
                  plan.add(custom, "caches", print("persist-caches: caches"));
                  plan.add(Phase.STOP_SERVICES, "first", print("stop-services: first"));
                  plan.add(
                      Phase.STOP_SERVICES,
                      "second",
                      print("stop-services: second (registered last, runs first)"));
                  plan.add(Phase.DRAIN, "requests", print("drain: requests"));
                  plan.add(Phase.ANNOUNCE, "readiness", print("announce: readiness"));
                  say("phases: " + plan.phases());
                }));
    scenario(
        "task-timeout",
        a ->
            Terminus.run(
                a,
                x -> {
                  Shutdown plan = Terminus.shutdown();
                  plan.add(Phase.FLUSH, "after", print("flush: after ran"));
                  plan.add(Phase.STOP_SERVICES, "stuck", Duration.ofMillis(300), hang("stuck"));
                  plan.add(
                      Phase.STOP_SERVICES,
                      "broken",
                      () -> {
                        throw new IllegalStateException("broker gone");
                      });
                  throw Exit.now(3);
                }));
    scenario(
        "deadline",
        a ->
            Terminus.run(
                a,
                x -> {
                  Shutdown plan = Terminus.shutdown();
                  plan.add(Phase.FLUSH, "never", print("flush: must not run"));
                  plan.add(Phase.STOP_SERVICES, "stuck", hang("stuck"));
                  throw Exit.now(Integer.parseInt(x[1]));
                }));
    scenario(
        "budget",
        a ->
            Terminus.run(
                a,
                x -> {
                  Shutdown plan = Terminus.shutdown();
                  for (int i = 1; i <= 4; i++) {
                    plan.add(
                        Phase.FLUSH, "flush " + i, Duration.ofSeconds(10), print("flush " + i));
                  }
                }));
    scenario(
        "exit-inside-task",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit("later", print("later task ran"));
                  Terminus.atExit(
                      "calls exit",
                      () -> {
                        say("task requests exit " + x[1]);
                        if (x[1].equals("system")) {
                          System.exit(5);
                        }
                        throw Exit.now(5);
                      });
                  throw Exit.now(3);
                }));
    scenario(
        "third-party-exit",
        a ->
            Terminus.run(
                a,
                x -> {
                  Runtime.getRuntime()
                      .addShutdownHook(new Thread(() -> System.out.println("library hook ran")));
                  Terminus.shutdown().add(Phase.FLUSH, "offsets", print("flush: offsets"));
                  Terminus.atExit("file", print("close-resources: file"));
                  Thread worker = new Thread(() -> System.exit(9), "third-party");
                  worker.start();
                  Thread.sleep(600_000);
                }));
    scenario(
        "executors",
        a ->
            Terminus.run(
                a,
                x -> {
                  ExecutorService polite =
                      Executors.newFixedThreadPool(2, r -> new Thread(r, "polite-worker"));
                  ExecutorService stubborn =
                      Executors.newFixedThreadPool(1, r -> new Thread(r, "stubborn-worker"));
                  Terminus.shutdown()
                      .stop(Phase.STOP_SERVICES, "polite", Duration.ofMillis(200), polite)
                      .stop(Phase.STOP_SERVICES, "stubborn", Duration.ofMillis(200), stubborn);
                  CountDownLatch started = new CountDownLatch(2);
                  polite.submit(
                      () -> {
                        started.countDown();
                        Thread.sleep(600_000);
                        return null;
                      });
                  stubborn.submit(
                      () -> {
                        started.countDown();
                        while (true) {
                          Thread.onSpinWait(); // ignores interrupts
                        }
                      });
                  started.await();
                  throw Exit.now(0);
                }));
    scenario(
        "lingering-thread",
        a ->
            Terminus.run(
                a,
                x -> {
                  Thread t =
                      new Thread(
                          () -> {
                            try {
                              Thread.sleep(Long.parseLong(x[1]));
                            } catch (InterruptedException e) {
                              Thread.currentThread().interrupt();
                            }
                            say("lingering thread done");
                          },
                          "lingering");
                  t.start();
                  say("main returns");
                }));
    scenario(
        "blocked-report",
        a ->
            Terminus.run(
                a,
                x -> {
                  Object lock = new Object();
                  CountDownLatch holding = new CountDownLatch(1);
                  Thread holder =
                      new Thread(
                          () -> {
                            synchronized (lock) {
                              holding.countDown();
                              try {
                                Thread.sleep(600_000);
                              } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                              }
                            }
                          },
                          "lock-holder");
                  holder.start();
                  holding.await();
                  Thread waiter =
                      new Thread(
                          () -> {
                            synchronized (lock) {
                              say("never");
                            }
                          },
                          "lock-waiter");
                  waiter.start();
                  Terminus.shutdown().add(Phase.FLUSH, "flush", print("flush ran"));
                  Terminus.shutdown()
                      .add(
                          Phase.CLOSE_RESOURCES,
                          "broken",
                          () -> {
                            throw new IllegalStateException("pool gone");
                          });
                  throw Exit.now(4);
                }));
    scenario(
        "signal-report",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.shutdown().add(Phase.FLUSH, "flush", print("flush ran"));
                  say("ready");
                  Thread.sleep(600_000);
                }));
    scenario(
        "jul-logging",
        a ->
            Terminus.run(
                a,
                x -> {
                  Logger log = Logger.getLogger("ledger");
                  Terminus.atExit("db", () -> log.info("closing the database"));
                  Terminus.shutdown().add(Phase.LOGGING, "logging", () -> log.info("last words"));
                  if (x[1].equals("system")) {
                    System.exit(0);
                  }
                }));
    scenario(
        "idle",
        a ->
            Terminus.run(
                a,
                x -> {
                  say("ready");
                  Thread.sleep(600_000);
                }));
  }

  public static void main(String[] args) {
    ALL.run(args);
  }
}
