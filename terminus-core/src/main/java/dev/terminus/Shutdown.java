package dev.terminus;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The process-wide coordinated stop: ordered {@linkplain Phase phases} of named tasks, each with an
 * optional timeout, all under one deadline. Get it with {@link Terminus#shutdown()}.
 *
 * <pre>{@code
 * Terminus.shutdown()
 *     .add(Phase.ANNOUNCE, "readiness", () -> health.markDown())
 *     .stop(Phase.STOP_SERVICES, "workers", Duration.ofSeconds(5), workers)
 *     .add(Phase.FLUSH, "offsets", Duration.ofSeconds(2), consumer::commitSync);
 * }</pre>
 *
 * <p>How the stop runs, once, whatever started it ({@code main} returning, {@link Exit#now}, an
 * uncaught exception, a signal, or a third party's {@code System.exit}):
 *
 * <ul>
 *   <li>Phases run in dependency order. Within a phase, tasks run last registered first, or all at
 *       once when the phase is {@linkplain Phase#concurrent() concurrent}. {@link #stop} and {@link
 *       Terminus#atExit} register tasks too.
 *   <li>A task that throws is reported on stderr with its name and the exception; the rest still
 *       run. A task that overruns its timeout is interrupted, reported with the stack of the thread
 *       that runs it, and the plan moves on without it.
 *   <li>The deadline ({@code terminus.deadline}, 30 s by default) bounds the whole stop, enforced
 *       by a watchdog thread that depends on no task making progress: when it passes, the report is
 *       written and the process halts with the requested status if it was non-zero, else with 124.
 *   <li>Registration that makes the declared timeouts add up past the deadline draws a warning
 *       naming both numbers.
 *   <li>With nothing in flight the stop takes no time: there are no fixed sleeps anywhere.
 * </ul>
 *
 * <p>Safe for concurrent use.
 */
public final class Shutdown {
  static final Shutdown INSTANCE = new Shutdown();

  /** How long {@link #stop} waits for threads that survived {@code shutdownNow()}. */
  private static final Duration GRACE = Duration.ofMillis(500);

  private Shutdown() {}

  /**
   * Registers a phase. Its dependencies must be registered already.
   *
   * @param phase the phase
   * @return this
   * @throws IllegalArgumentException if the phase is registered already, depends on a phase that is
   *     not registered (the message names it), or would close a dependency cycle (the message names
   *     the phases in it)
   * @throws NullPointerException if {@code phase} is null
   */
  public Shutdown addPhase(Phase phase) {
    Plan.addPhase(Objects.requireNonNull(phase, "phase"));
    return this;
  }

  /**
   * Returns the registered phases in the order they run.
   *
   * @return a new list
   */
  public List<Phase> phases() {
    return Plan.order();
  }

  /**
   * Registers a task in {@code phase}, bounded by the phase's timeout if it has one, else by the
   * deadline only.
   *
   * @param phase a registered phase
   * @param name the task's name, for reports
   * @param task the task; its {@code close()} is called
   * @return this
   * @throws IllegalArgumentException if {@code phase} is not registered
   * @throws NullPointerException if an argument is null
   */
  public Shutdown add(Phase phase, String name, AutoCloseable task) {
    Run.register(
        Objects.requireNonNull(phase, "phase"),
        Objects.requireNonNull(name, "name"),
        null,
        Objects.requireNonNull(task, "task"));
    return this;
  }

  /**
   * Registers a task in {@code phase} with its own timeout.
   *
   * @param phase a registered phase
   * @param name the task's name, for reports
   * @param timeout how long the task may run before it is interrupted and left behind
   * @param task the task; its {@code close()} is called
   * @return this
   * @throws IllegalArgumentException if {@code phase} is not registered or {@code timeout} is not
   *     positive
   * @throws NullPointerException if an argument is null
   */
  public Shutdown add(Phase phase, String name, Duration timeout, AutoCloseable task) {
    Run.register(
        Objects.requireNonNull(phase, "phase"),
        Objects.requireNonNull(name, "name"),
        Phase.positive(timeout, "timeout"),
        Objects.requireNonNull(task, "task"));
    return this;
  }

  /**
   * Registers an executor to be stopped in {@code phase}: it stops accepting work, its running
   * tasks get up to {@code timeout} to finish, then {@code shutdownNow()} interrupts them, and
   * after a short grace the threads that survived are reported by name. The names are exact for a
   * {@link java.util.concurrent.ThreadPoolExecutor} registered before it starts its threads;
   * otherwise they are the pool threads found still busy.
   *
   * @param phase a registered phase, usually {@link Phase#STOP_SERVICES}
   * @param name the executor's name, for reports
   * @param timeout how long running tasks may take to finish
   * @param executor the executor
   * @return this
   * @throws IllegalArgumentException if {@code phase} is not registered or {@code timeout} is not
   *     positive
   * @throws NullPointerException if an argument is null
   */
  public Shutdown stop(Phase phase, String name, Duration timeout, ExecutorService executor) {
    Objects.requireNonNull(executor, "executor");
    Phase.positive(timeout, "timeout");
    ExecutorStop stop = new ExecutorStop(name, timeout, executor);
    // The task's own timeout leaves room for shutdownNow() and the grace.
    return add(phase, name, timeout.plus(GRACE).plus(GRACE), stop);
  }

  /**
   * Registers an executor to be stopped in {@code phase}, giving its running tasks up to 10 s.
   *
   * @param phase a registered phase, usually {@link Phase#STOP_SERVICES}
   * @param name the executor's name, for reports
   * @param executor the executor
   * @return this
   * @throws IllegalArgumentException if {@code phase} is not registered
   * @throws NullPointerException if an argument is null
   */
  public Shutdown stop(Phase phase, String name, ExecutorService executor) {
    return stop(phase, name, Duration.ofSeconds(10), executor);
  }

  /**
   * Stops one executor; reports the threads that outlived it. A stop task, run by the stop and
   * never in try-with-resources: its {@code close()} lets an interrupt (the deadline) end the wait.
   */
  @SuppressWarnings("try") // close() throws InterruptedException on purpose: see above
  static final class ExecutorStop implements AutoCloseable {
    private final String name;
    private final Duration timeout;
    private final ExecutorService executor;

    /** The threads the executor created since it was registered, when it lets us see them. */
    private final java.util.Set<Thread> threads =
        java.util.Collections.newSetFromMap(new java.util.concurrent.ConcurrentHashMap<>());

    ExecutorStop(String name, Duration timeout, ExecutorService executor) {
      this.name = name;
      this.timeout = timeout;
      this.executor = executor;
      if (executor instanceof java.util.concurrent.ThreadPoolExecutor) {
        java.util.concurrent.ThreadPoolExecutor pool =
            (java.util.concurrent.ThreadPoolExecutor) executor;
        java.util.concurrent.ThreadFactory factory = pool.getThreadFactory();
        pool.setThreadFactory(
            r -> {
              Thread t = factory.newThread(r);
              if (t != null) {
                threads.add(t);
              }
              return t;
            });
      }
    }

    /** The executor's threads, when it lets us see them (a {@code ThreadPoolExecutor}). */
    java.util.Set<Thread> threads() {
      return threads;
    }

    @Override
    public void close() throws InterruptedException {
      java.util.Set<Thread> before = Run.liveThreads();
      executor.shutdown();
      if (executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        return;
      }
      executor.shutdownNow();
      if (executor.awaitTermination(GRACE.toNanos(), TimeUnit.NANOSECONDS)) {
        throw new IllegalStateException(
            "executor '"
                + name
                + "' did not finish within "
                + Durations.format(timeout)
                + "; its running tasks were interrupted");
      }
      StringBuilder survivors = new StringBuilder();
      boolean known = !threads.isEmpty();
      for (Thread t : known ? threads : Run.liveThreads()) {
        if (t.isAlive() && (known || before.contains(t) && busyPoolWorker(t))) {
          survivors
              .append(survivors.length() == 0 ? "" : ", ")
              .append('\'')
              .append(t.getName())
              .append('\'');
        }
      }
      throw new IllegalStateException(
          "executor '"
              + name
              + "' did not stop: threads still running after shutdownNow(): "
              + (survivors.length() == 0 ? "(none found)" : survivors));
    }

    /**
     * A pool thread still running a task: its stack passes through a pool's worker loop and it is
     * not idle waiting for work. (The executor does not expose its threads; this names the pool
     * threads that are busy, which after shutdownNow() are this executor's survivors, or another
     * pool's busy threads.)
     */
    private static boolean busyPoolWorker(Thread t) {
      boolean worker = false;
      for (StackTraceElement e : t.getStackTrace()) {
        String c = e.getClassName();
        if (c.equals("java.util.concurrent.ThreadPoolExecutor")
                && e.getMethodName().equals("getTask")
            || c.equals("java.util.concurrent.ForkJoinPool")
                && e.getMethodName().equals("awaitWork")) {
          return false;
        }
        if (c.equals("java.util.concurrent.ThreadPoolExecutor$Worker")
            || c.equals("java.util.concurrent.ForkJoinWorkerThread")) {
          worker = true;
        }
      }
      return worker;
    }
  }
}
