package dev.terminus.bench.proc;

import java.util.ArrayList;
import java.util.List;

/**
 * The baseline: plain {@code main} with JDK shutdown hooks (which the JDK runs concurrently).
 *
 * <p>{@code register} keeps 100,000 named tasks in a list that one JDK hook runs, last registered
 * first: the floor for a list of tasks (100,000 JDK hooks would start 100,000 threads at exit,
 * about 12 s). {@code probe} is {@code exit} with {@code System.nanoTime()} taken at the start and
 * the end of {@code main}, written on stderr.
 */
public final class PlainApp {
  private PlainApp() {}

  public static void main(String[] args) throws InterruptedException {
    long tMain = System.nanoTime();
    preload(System.getProperty("bench.preload"));
    if (Boolean.getBoolean("bench.fork")) {
      forkAtExit();
    }
    String scenario = Work.scenario(args);
    switch (scenario) {
      case "exit":
      case "startpath":
        Work.small();
        hooks(Work.EXIT_TASKS, false);
        end();
        return;
      case "probe":
        Work.small();
        hooks(Work.EXIT_TASKS, false);
        long tEnd = System.nanoTime();
        Work.report("probe", "main", tMain, "bodyEnd", tEnd);
        end();
        return;
      case "register":
        register();
        return;
      case "slow":
        hooks(Work.SLOW_TASKS, true);
        break;
      case "many":
        hooks(Work.MANY_TASKS, false);
        break;
      default:
        break;
    }
    Work.ready();
    Work.waitForSignal();
  }

  /**
   * The floor of Terminus's start path ({@code plain-loads}): loads and initialises the named
   * classes, Terminus's own on that path, and runs none of their code.
   */
  private static void preload(String names) {
    if (names == null) {
      return;
    }
    int from = 0;
    while (from < names.length()) {
      int comma = names.indexOf(',', from);
      int to = comma < 0 ? names.length() : comma;
      try {
        Class.forName(names.substring(from, to), true, PlainApp.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(e);
      }
      from = to + 1;
    }
  }

  /**
   * Returns, as plain {@code main} does; or, for the floor of a program that must end by {@code
   * System.exit} as {@code Terminus.run} does ({@code plain-exit}), calls {@code System.exit(0)}.
   */
  private static void end() {
    if (Boolean.getBoolean("bench.exit")) {
      System.exit(0);
    }
  }

  /**
   * The floor of a death by a forked {@code kill} ({@code plain-fork}): a JDK hook that does what
   * Terminus's death does before the kernel ends the process, finding its own pid and forking
   * {@code kill} (with signal 0, which only checks), and waits for it.
   */
  private static void forkAtExit() {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    String pid = Long.toString(ProcessHandle.current().pid());
                    new ProcessBuilder("kill", "-0", "--", pid)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor();
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "fork"));
  }

  private static void hooks(int n, boolean slow) {
    for (int i = 0; i < n; i++) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(slow ? Work::slowTask : Work::trivialTask, "task" + i));
    }
  }

  private static void register() {
    List<String> names = new ArrayList<>();
    List<Runnable> tasks = new ArrayList<>();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  for (int i = tasks.size() - 1; i >= 0; i--) {
                    try {
                      tasks.get(i).run();
                    } catch (RuntimeException e) {
                      System.err.println(names.get(i) + ": " + e);
                    }
                  }
                },
                "tasks"));
    long t0 = System.nanoTime();
    long mark = 0;
    for (int i = 0; i < Work.REGISTER_TASKS; i++) {
      if (i == Work.REGISTER_MARK) {
        mark = System.nanoTime();
      }
      names.add("task" + i);
      tasks.add(Work::trivialTask);
    }
    long t1 = System.nanoTime();
    Work.report("register", Work.REGISTER_MARK, mark - t0, Work.REGISTER_TASKS, t1 - t0);
  }
}
