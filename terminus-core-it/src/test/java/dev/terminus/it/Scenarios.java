package dev.terminus.it;

import dev.terminus.Exit;
import dev.terminus.ExitException;
import dev.terminus.ExitStatus;
import dev.terminus.SignalExit;
import dev.terminus.Terminus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** Programs run in child JVMs by the *IT tests: {@code java Scenarios NAME [ARGS]}. */
@SuppressWarnings("try") // critical sections are entered for their effect, not referenced
public final class Scenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  private static void scenario(String name, Consumer<String[]> body) {
    ALL.add(name, body);
  }

  private static void say(String line) {
    ScenarioRegistry.say(line);
  }

  private static void task(String name) {
    Terminus.atExit(name, () -> say("atExit " + name));
  }

  /** A resource whose close() prints, to show try-with-resources order. */
  record Res(String name) implements AutoCloseable {
    @Override
    public void close() {
      say("close " + name);
    }
  }

  static final class Misconfigured extends RuntimeException implements ExitStatus {
    private static final long serialVersionUID = 1L;

    Misconfigured(String message) {
      super(message);
    }

    @Override
    public int exitStatus() {
      return 78;
    }
  }

  static void terminateSecurely(boolean halt) {
    try {
      say("Authenticating transaction...");
      if (halt) {
        Exit.halt(1);
      }
      throw Exit.now(1);
    } finally {
      say("CRITICAL SECURITY WARN: Running post-execution cleanup!");
    }
  }

  static {
    // --- issue 2: the seed's "What does this print?" ---
    scenario(
        "intercepted",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    terminateSecurely(false);
                  } catch (ExitException e) {
                    say("Intercepted exit status: " + e.status());
                  }
                  say("carried on");
                }));
    scenario(
        "intercepted-halt",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    terminateSecurely(true);
                  } catch (ExitException e) {
                    say("Intercepted exit status: " + e.status());
                  }
                  say("carried on");
                }));
    scenario(
        "unwind",
        a ->
            Terminus.run(
                a,
                x -> {
                  try (Res outer = new Res("outer")) {
                    say("open " + outer.name());
                    try {
                      try (Res inner = new Res("inner")) {
                        say("open " + inner.name());
                        throw Exit.now(4);
                      } finally {
                        say("finally inner");
                      }
                    } catch (Exception e) {
                      say("catch Exception: must not happen");
                    } finally {
                      say("finally outer");
                    }
                  } catch (ExitException e) {
                    say("catch ExitException " + e.status());
                    throw e;
                  }
                }));
    scenario(
        "message",
        a ->
            Terminus.run(
                a,
                x -> {
                  throw Exit.now("Terminating the script due to some condition.");
                }));
    scenario(
        "status",
        a ->
            Terminus.run(
                a,
                x -> {
                  throw Exit.now(Integer.parseInt(x[1]));
                }));
    scenario(
        "zero",
        a ->
            Terminus.run(
                a,
                x -> {
                  throw Exit.now();
                }));
    scenario(
        "out-of-range",
        a ->
            Terminus.run(
                a,
                x -> {
                  for (int s : new int[] {256, -1}) {
                    try {
                      throw Exit.now(s);
                    } catch (IllegalArgumentException e) {
                      say("refused: " + e.getMessage());
                    }
                  }
                  say("requested: " + Exit.requested());
                }));
    scenario(
        "unexpected",
        a ->
            Terminus.run(
                a,
                x -> {
                  throw new IllegalStateException("boom");
                }));
    scenario(
        "exit-status",
        a ->
            Terminus.run(
                a,
                x -> {
                  throw new Misconfigured("no configuration at /etc/tool.conf");
                }));
    scenario(
        "mapped",
        a ->
            Terminus.builder()
                .name("tool")
                .map(IOException.class, 74)
                .map(java.nio.file.NoSuchFileException.class, 66)
                .build()
                .run(
                    a,
                    x -> {
                      switch (x[1]) {
                        case "specific":
                          throw new java.nio.file.NoSuchFileException("/data/in.csv");
                        case "general":
                          throw new IOException("disk on fire");
                        default: // an unmapped wrapper whose cause is mapped
                          throw new UncheckedIOException(
                              new java.nio.file.NoSuchFileException("/data/cause.csv"));
                      }
                    }));
    scenario(
        "caught-not-withdrawn",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    throw Exit.now(1);
                  } catch (ExitException e) {
                    say("caught " + e.status());
                  }
                  say("main returns");
                }));
    // --- atExit on every path ---
    scenario(
        "atexit",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("first");
                  task("second");
                  Terminus.atExit(
                      "failing",
                      () -> {
                        throw new IllegalStateException("disk gone");
                      });
                  task("third");
                  switch (x[1]) {
                    case "return":
                      say("main returns");
                      return;
                    case "now":
                      throw Exit.now(5);
                    case "uncaught":
                      throw new IllegalStateException("uncaught");
                    case "system-exit":
                      System.exit(6); // a third party's direct exit
                      return;
                    case "halt":
                      throw Exit.halt(7);
                    default:
                      throw new IllegalArgumentException(x[1]);
                  }
                }));
    scenario(
        "print-no-newline",
        a ->
            Terminus.run(
                a,
                x -> {
                  System.out.print("partial line");
                  if (x[1].equals("halt")) {
                    Exit.halt(2);
                  }
                  throw Exit.now(2);
                }));
    scenario(
        "worker-exit",
        a ->
            Terminus.run(
                a,
                x -> {
                  Thread worker =
                      new Thread(
                          () -> {
                            try {
                              say("worker requests exit");
                              throw Exit.now(7);
                            } finally {
                              say("worker finally");
                            }
                          },
                          "worker");
                  try {
                    worker.start();
                    Thread.sleep(600_000);
                    say("main slept: must not happen");
                  } catch (InterruptedException e) {
                    say("main interrupted");
                  } finally {
                    say("main finally");
                  }
                }));
    // --- the seed's banking failure: a swallowed exit ---
    scenario(
        "swallowed-checkpoint",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    throw Exit.now(3);
                  } catch (Throwable t) {
                    say("framework swallowed " + t.getClass().getSimpleName());
                  }
                  try {
                    Exit.checkpoint();
                    say("committed: must not happen");
                  } finally {
                    say("checkpoint finally");
                  }
                }));
    scenario(
        "swallowed-forever",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("cleanup");
                  for (long i = 0; ; i++) {
                    try {
                      if (i == 0) {
                        throw Exit.now(3);
                      }
                      if (i == 1) {
                        say("swallowing");
                      }
                    } catch (Throwable t) {
                      // the framework swallows everything
                    }
                  }
                }));
    scenario(
        "withdrawn",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    throw Exit.now(3);
                  } catch (ExitException e) {
                    e.withdraw();
                    say("withdrawn; requested: " + Exit.requested());
                  }
                  Exit.checkpoint();
                  say("carried on");
                }));
    scenario(
        "many-threads",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("cleanup");
                  int n = 50;
                  CountDownLatch go = new CountDownLatch(1);
                  List<Thread> threads = new ArrayList<>();
                  for (int k = 1; k <= n; k++) {
                    int status = k;
                    Thread t =
                        new Thread(
                            () -> {
                              try {
                                go.await();
                              } catch (InterruptedException e) {
                                return;
                              }
                              throw Exit.now(status, "request " + status);
                            });
                    t.start();
                    threads.add(t);
                  }
                  go.countDown();
                  for (Thread t : threads) {
                    t.join();
                  }
                }));
    // --- issue 9: signals ---
    scenario(
        "sigint",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("first");
                  task("second");
                  try {
                    say("ready");
                    Thread.sleep(600_000);
                  } finally {
                    say("finally ran");
                  }
                }));
    scenario(
        "checkpoint-loop",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("cleanup");
                  try {
                    say("ready");
                    while (true) {
                      Exit.checkpoint();
                      Thread.onSpinWait();
                    }
                  } catch (SignalExit e) {
                    say("User interrupted the script");
                    say("signal " + e.signal());
                  }
                }));
    scenario(
        "interactive",
        a ->
            Terminus.run(
                a,
                x -> {
                  for (int command = 1; command <= 2; command++) {
                    try {
                      say("ready " + command);
                      Thread.sleep(600_000);
                    } catch (InterruptedException e) {
                      try {
                        Exit.checkpoint();
                      } catch (SignalExit s) {
                        s.withdraw();
                        say("command " + command + " cancelled");
                      }
                    }
                  }
                  say("prompt ends normally");
                }));
    scenario(
        "hanging-cleanup",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(
                      "hangs",
                      () -> {
                        say("cleanup hangs");
                        new CountDownLatch(1).await();
                      });
                  say("ready");
                  Thread.sleep(600_000);
                }));
    scenario(
        "startup",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("first");
                  task("second");
                  say("ready"); // still starting up: the real work has not begun
                  Thread.sleep(600_000);
                  task("never");
                }));
    scenario(
        "busy-loop",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("cleanup");
                  say("ready");
                  long spins = 0;
                  while (spins >= 0) { // neither blocks nor calls Exit.checkpoint()
                    spins++;
                  }
                }));
    scenario(
        "plain-java",
        a -> {
          Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("hook ran")));
          try {
            System.out.println("ready");
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } finally {
            System.out.println("finally ran");
          }
        });
    scenario(
        "loop-run",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.atExit(() -> say("atExit " + x[1]));
                  try {
                    say("ready " + x[1]);
                    Thread.sleep(600_000);
                  } finally {
                    say("finally " + x[1]);
                  }
                }));
    scenario(
        "plain-loop-run",
        a -> {
          try {
            System.out.println("ready " + a[1]);
            Thread.sleep(600_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    scenario(
        "library-hook",
        a ->
            Terminus.run(
                a,
                x -> {
                  Runtime.getRuntime()
                      .addShutdownHook(
                          new Thread(
                              () -> {
                                try {
                                  Thread.sleep(
                                      300); // a library flushing something slow in its own hook
                                } catch (InterruptedException e) {
                                  Thread.currentThread().interrupt();
                                }
                                System.out.println("library hook ran");
                              }));
                  say("ready");
                  Thread.sleep(600_000);
                }));
    // --- critical sections ---
    scenario(
        "critical-refused",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    throw Exit.now(3);
                  } catch (Throwable t) {
                    say("framework swallowed the exit");
                  }
                  try (var section = Terminus.critical("commit")) {
                    say("committed: must not happen");
                  }
                }));
    scenario(
        "critical-drain",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("close database");
                  CountDownLatch entered = new CountDownLatch(1);
                  Thread worker =
                      new Thread(
                          () -> {
                            try (var section = Terminus.critical("transfer")) {
                              say("entered " + section.name());
                              entered.countDown();
                              long until = System.nanoTime() + 300_000_000L;
                              while (System.nanoTime() < until) {
                                Thread.onSpinWait(); // a commit that ignores interrupts
                              }
                              say("committed");
                            }
                          },
                          "worker");
                  worker.setDaemon(true);
                  worker.start();
                  entered.await();
                  throw Exit.now(0);
                }));
    scenario(
        "critical-second-signal",
        a ->
            Terminus.run(
                a,
                x -> {
                  task("close database");
                  try (var section = Terminus.critical("commit")) {
                    say("ready");
                    while (!Exit.requested()) {
                      Thread.onSpinWait();
                    }
                    say("first signal seen");
                    long until = System.nanoTime() + 1_000_000_000L;
                    while (System.nanoTime() < until) {
                      Thread.onSpinWait(); // the rest of the commit
                    }
                    say("commit done");
                  }
                }));
    scenario("deadline-config", a -> Terminus.run(a, x -> say("body ran")));
  }

  public static void main(String[] args) {
    ALL.run(args);
  }
}
