package dev.terminus.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import dev.terminus.Exit;
import dev.terminus.ExitException;
import dev.terminus.Terminus;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Programs that try the lifecycle's promises off the happy path, run in child JVMs by {@link
 * LifecycleIT}: {@code java LifecycleScenarios NAME [ARGS]}.
 */
@SuppressWarnings("try") // critical sections are entered for their effect, not referenced
public final class LifecycleScenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  private static void scenario(String name, Consumer<String[]> body) {
    ALL.add(name, body);
  }

  private static void say(String line) {
    ScenarioRegistry.say(line);
  }

  /** Burns CPU for {@code nanos} without blocking: work that no interrupt can cut short. */
  private static void spin(long nanos) {
    long until = System.nanoTime() + nanos;
    while (System.nanoTime() - until < 0) {
      Thread.onSpinWait();
    }
  }

  /** Blocks until interrupted, then says so and rethrows. */
  private static void awaitInterrupt(String what) throws InterruptedException {
    try {
      new CountDownLatch(1).await();
    } catch (InterruptedException e) {
      say("interrupted " + what);
      throw e;
    }
  }

  static {
    // A section entered before a signal finishes its interruptible I/O; the interrupt waits for it.
    scenario(
        "critical-io",
        a ->
            Terminus.run(
                a,
                x -> {
                  Path journal = Path.of(x[1]);
                  try (FileChannel ch =
                      FileChannel.open(journal, CREATE, TRUNCATE_EXISTING, WRITE)) {
                    Terminus.atExit(
                        "journal",
                        () ->
                            say(
                                "cleanup: journal holds "
                                    + Files.readAllLines(journal).size()
                                    + " records"));
                    try (var section = Terminus.critical("commit")) {
                      say("ready");
                      for (int i = 0; i < 1000; i++) {
                        ch.write(ByteBuffer.wrap(("record " + i + "\n").getBytes(UTF_8)));
                        spin(300_000);
                      }
                      ch.force(true);
                      say("commit complete");
                    }
                    awaitInterrupt("after the section");
                  }
                }));
    // Waits inside a section (Future.get, sleep) are not cut short either.
    scenario(
        "critical-future",
        a ->
            Terminus.run(
                a,
                x -> {
                  ExecutorService replica =
                      Executors.newSingleThreadExecutor(
                          r -> {
                            Thread t = new Thread(r, "replica");
                            t.setDaemon(true);
                            return t;
                          });
                  try (var section = Terminus.critical("transfer")) {
                    say("ready: debit written");
                    String ack =
                        replica
                            .submit(
                                () -> {
                                  Thread.sleep(300);
                                  return "ack";
                                })
                            .get();
                    Thread.sleep(100);
                    say("credit written after " + ack);
                  }
                  awaitInterrupt("after the section");
                }));
    // A third party's System.exit refuses new sections and drains the open ones before cleanup.
    scenario(
        "foreign-exit-sections",
        a ->
            Terminus.run(
                a,
                x -> {
                  AtomicInteger inSection = new AtomicInteger();
                  AtomicLong commitsAfterClose = new AtomicLong();
                  AtomicBoolean closed = new AtomicBoolean();
                  Terminus.atExit(
                      "db",
                      () -> {
                        say("db close task: sections open = " + inSection.get());
                        closed.set(true);
                        Thread.sleep(100);
                        say("db closed; commits after close began = " + commitsAfterClose.get());
                      });
                  new Thread(
                          () -> {
                            spin(300_000_000L);
                            System.exit(5);
                          },
                          "lib")
                      .start();
                  try {
                    while (true) {
                      Exit.checkpoint();
                      try (var s = Terminus.critical("commit")) {
                        inSection.incrementAndGet();
                        try {
                          spin(1_000_000);
                          if (closed.get()) {
                            commitsAfterClose.incrementAndGet();
                          }
                        } finally {
                          inSection.decrementAndGet();
                        }
                      }
                    }
                  } catch (ExitException e) {
                    say("body refused more work; requested = " + Exit.requested());
                    throw e;
                  }
                }));
    // System.exit inside one's own critical section: no wait for a section that cannot close.
    scenario(
        "exit-in-own-section",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit("db", () -> say("db closed"));
                  try (var s = Terminus.critical("commit")) {
                    say("in section; a library calls System.exit(5)");
                    System.exit(5);
                  }
                }));
    // A third party's System.exit(9) with a hung task: the deadline lets the JVM exit with 9.
    scenario(
        "foreign-exit-hung-task",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(
                      "stuck",
                      () -> {
                        say("stuck task started");
                        new CountDownLatch(1).await();
                      });
                  System.exit(9);
                }));
    // No runner at all: a stuck task is still bounded by the deadline.
    scenario(
        "runnerless-hang",
        a -> {
          Terminus.atExit(
              "stuck",
              () -> {
                say("stuck task started");
                Thread.sleep(Long.MAX_VALUE);
              });
          say("main ends");
          if (a.length > 1) {
            throw Exit.now(Integer.parseInt(a[1]));
          }
        });
    // A request swallowed, then one signal: the normal stop, and the first request's status.
    scenario(
        "pending-then-signal",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(
                      "flush",
                      () -> {
                        Thread.sleep(200);
                        say("cleanup done");
                      });
                  try {
                    throw Exit.now(3);
                  } catch (ExitException e) {
                    say("exit swallowed");
                  }
                  awaitInterrupt("by the signal");
                }));
    // A worker withdraws its own request: main carries on.
    scenario(
        "worker-withdraws",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit("t", () -> say("cleanup ran"));
                  Thread w =
                      new Thread(
                          () -> {
                            try {
                              throw Exit.now(5);
                            } catch (ExitException e) {
                              e.withdraw();
                            }
                          },
                          "worker");
                  w.start();
                  w.join();
                  Thread.sleep(100);
                  say("main: done");
                }));
    // A task calls System.exit during a signal stop: the process still dies by the signal.
    scenario(
        "task-exits-during-signal-stop",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(
                      "sx",
                      () -> {
                        say("task calls System.exit(8)");
                        System.exit(8);
                      });
                  say("ready");
                  awaitInterrupt("by the signal");
                }));
    // A slow cleanup that a second signal forces.
    scenario(
        "slow-cleanup",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(
                      "flush",
                      () -> {
                        say("cleanup started");
                        Thread.sleep(30_000);
                        say("cleanup done");
                      });
                  say("ready");
                  awaitInterrupt("by the signal");
                }));
    // A deadline far beyond what nanoseconds in a long can hold.
    scenario(
        "huge-deadline",
        a ->
            Terminus.builder()
                .deadline(Duration.ofDays(365L * 300))
                .build()
                .run(
                    a,
                    x -> {
                      Terminus.atExit("t", () -> say("atExit t"));
                      say("body");
                      throw Exit.now(4);
                    }));
    // The signal exit's own cleanup runs, as the JVM's last step does: File.deleteOnExit.
    scenario(
        "delete-on-exit",
        a ->
            Terminus.run(
                a,
                x -> {
                  Path tmp = Files.createTempFile(Path.of(x[1]), "scratch", ".tmp");
                  tmp.toFile().deleteOnExit();
                  say("ready " + tmp.getFileName());
                  awaitInterrupt("by the signal");
                }));
    // A call runs only what its own threads registered.
    scenario(
        "call-isolation-tasks",
        a -> {
          CountDownLatch inCall = new CountDownLatch(1);
          CountDownLatch registered = new CountDownLatch(1);
          Thread b =
              new Thread(
                  () -> {
                    try {
                      inCall.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    Terminus.atExit("app-pool", () -> say("app-pool closed"));
                    registered.countDown();
                  },
                  "app");
          b.start();
          int st =
              Terminus.call(
                  new String[0],
                  x -> {
                    inCall.countDown();
                    registered.await();
                    say("call body ends");
                  });
          say("call returned " + st);
        });
    // A call's request neither stops nor waits for threads outside it.
    scenario(
        "call-isolation-request",
        a -> {
          CountDownLatch inSection = new CountDownLatch(1);
          AtomicLong commits = new AtomicLong();
          Thread bg =
              new Thread(
                  () -> {
                    try {
                      while (true) {
                        Exit.checkpoint();
                        try (var s = Terminus.critical("bg-commit")) {
                          inSection.countDown();
                          spin(2_000_000);
                          commits.incrementAndGet();
                        }
                      }
                    } catch (ExitException e) {
                      say("background thread stopped by " + e);
                    }
                  },
                  "bg");
          bg.setDaemon(true);
          bg.start();
          try {
            inSection.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          int st =
              Terminus.call(
                  new String[0],
                  x -> {
                    throw Exit.now(2, "usage: the tested path");
                  });
          long before = commits.get();
          spin(50_000_000);
          say(
              "call returned "
                  + st
                  + "; background alive: "
                  + bg.isAlive()
                  + "; commits go on: "
                  + (commits.get() > before)
                  + "; requested outside the call: "
                  + Exit.requested());
        });
    // A simulated halt that a catch-all swallows still decides the call.
    scenario(
        "call-halt-swallowed",
        a -> {
          int st =
              Terminus.call(
                  new String[0],
                  x -> {
                    Terminus.atExit("t", () -> say("cleanup ran (must not after halt)"));
                    for (int job = 0; job < 2; job++) {
                      try {
                        if (job == 0) {
                          Exit.halt(3);
                        }
                      } catch (Throwable t) {
                        say("framework caught the halt");
                      }
                      say("job " + job + " ran after halt");
                    }
                  });
          say("call returned " + st);
        });
    // Fifty threads request exits while a SIGTERM arrives: one stop, cleanup once, never forced.
    scenario(
        "race-with-signal",
        a ->
            Terminus.run(
                a,
                x -> {
                  Path marks = Path.of(x[1]);
                  Terminus.atExit(
                      "mark",
                      () ->
                          Files.writeString(
                              marks,
                              "cleanup\n",
                              java.nio.file.StandardOpenOption.CREATE,
                              java.nio.file.StandardOpenOption.APPEND));
                  CountDownLatch go = new CountDownLatch(1);
                  java.util.Random random = new java.util.Random(Long.parseLong(x[2]));
                  for (int k = 1; k <= 50; k++) {
                    int status = k;
                    int jitter = random.nextInt(200);
                    new Thread(
                            () -> {
                              try {
                                go.await();
                              } catch (InterruptedException e) {
                                return;
                              }
                              for (int i = 0; i < jitter; i++) {
                                Thread.onSpinWait();
                              }
                              throw Exit.now(status);
                            })
                        .start();
                  }
                  int jitter = random.nextInt(200);
                  new Thread(
                          () -> {
                            try {
                              go.await();
                            } catch (InterruptedException e) {
                              return;
                            }
                            for (int i = 0; i < jitter; i++) {
                              Thread.onSpinWait();
                            }
                            try {
                              new ProcessBuilder(
                                      "kill",
                                      "-s",
                                      "TERM",
                                      "--",
                                      Long.toString(ProcessHandle.current().pid()))
                                  .start();
                            } catch (java.io.IOException e) {
                              throw new java.io.UncheckedIOException(e);
                            }
                          })
                      .start();
                  go.countDown();
                  awaitInterrupt("by the first request");
                }));
    // The ready line comes after handlers exist.
    scenario(
        "sleeper",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit("t", () -> say("atExit t"));
                  say("ready");
                  awaitInterrupt("by the signal");
                }));
  }

  public static void main(String[] args) {
    ALL.run(args);
  }
}
