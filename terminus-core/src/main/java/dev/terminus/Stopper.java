package dev.terminus;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shutdown plan once: phase by phase, each task on a worker thread other than the caller's,
 * so a task that overruns its timeout can be interrupted and left behind while the plan moves on.
 *
 * <p>Design: the calling thread (the runner's main thread, or the JVM shutdown hook's) drives the
 * plan and waits for each task's latch with its timeout. Workers are daemons, reused from task to
 * task (a concurrent phase takes one per task); one left behind does not keep the JVM alive. Nothing here sleeps: with no task in flight, the stop
 * costs a pass over the phases.
 */
final class Stopper {
  private final String program;
  private final Plan plan;
  private final Sections sections;
  private final Report report;
  private final PrintStream err;
  /** The thread that called System.exit, whose open sections never close; or null. */
  private final Thread exitCaller;

  Stopper(String program, Plan plan, Sections sections, Report report, PrintStream err, Thread exitCaller) {
    this.program = program;
    this.plan = plan;
    this.sections = sections;
    this.report = report;
    this.err = err;
    this.exitCaller = exitCaller;
  }

  /** Runs every phase, then any task registered meanwhile, then ends its workers. */
  void run(Duration deadline) {
    try {
      List<Phase> order = Plan.order();
      // Tasks registered during the stop into a phase that already ran get another pass.
      while (plan.size() > 0 || order != null) {
        for (Phase phase : order != null ? order : Plan.order()) {
          runPhase(phase, deadline, order != null);
        }
        order = null;
      }
    } finally {
      close();
    }
  }

  /**
   * Runs one phase's tasks; at the start of {@link Phase#DRAIN}, when {@code drainSections}, first
   * waits for the open critical sections.
   */
  void runPhase(Phase phase, Duration deadline, boolean drainSections) {
    if (drainSections && phase == Phase.DRAIN && sections.open() > 0) {
      Report.Entry e = report.start(phase.name(), "critical sections");
      boolean closed = sections.awaitClosed(Watchdog.nanos(deadline), exitCaller);
      finish(e, closed ? "ok" : "timed out", null, null);
    }
    if (phase.concurrent()) {
      runConcurrently(phase, plan.takeAll(phase));
    } else {
      for (Plan.Task t = plan.pollLast(phase); t != null; t = plan.pollLast(phase)) {
        await(start(t));
      }
    }
  }

  /** Ends the idle workers and waits for them, so nothing is left behind. */
  void close() {
    for (Worker w : idle) {
      w.quit();
    }
    boolean interrupted = false;
    for (Worker w : idle) {
      // An idle worker ends at once; waiting for it leaves no thread behind (Terminus.call).
      while (w.thread.isAlive()) {
        try {
          w.thread.join();
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    }
    idle.clear();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Marks what was never run as skipped, for a report written by a halt. */
  static void skipRemaining(Report report, Plan plan) {
    for (Phase p : Plan.order()) {
      for (Plan.Task t : plan.takeAll(p)) {
        report.skipped(p.name(), t.name);
      }
    }
  }

  private void runConcurrently(Phase phase, List<Plan.Task> tasks) {
    List<Running> running = new ArrayList<>();
    for (Plan.Task t : tasks) {
      running.add(start(t));
    }
    for (Running r : running) {
      await(r);
    }
  }

  /** A task handed to a worker. */
  private static final class Running {
    final Plan.Task task;
    final Report.Entry entry;
    final Worker worker;
    final Thread thread;
    final long due; // nanoTime; 0 for no timeout
    final CountDownLatch done = new CountDownLatch(1);
    volatile Throwable failure;

    Running(Plan.Task task, Report.Entry entry, Worker worker, long due) {
      this.task = task;
      this.entry = entry;
      this.worker = worker;
      this.thread = worker.thread;
      this.due = due;
    }
  }

  /**
   * A daemon thread that runs the tasks handed to it one at a time, so a plan of many small tasks
   * does not start a thread for each. A worker whose task overruns is abandoned, never reused.
   */
  private static final class Worker implements Runnable {
    final Thread thread = new Thread(this, "terminus-stop");
    private Running job; // guarded by this
    private boolean quit; // guarded by this

    Worker() {
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void hand(Running r) {
      job = r;
      notifyAll();
    }

    synchronized void quit() {
      quit = true;
      notifyAll();
    }

    @Override
    public void run() {
      while (true) {
        Running r;
        synchronized (this) {
          while (job == null && !quit) {
            try {
              wait();
            } catch (InterruptedException e) {
              // An interrupt meant for a task that already finished: keep waiting for work.
            }
          }
          if (job == null) {
            return;
          }
          r = job;
          job = null;
        }
        Thread.interrupted(); // nothing meant for an earlier task reaches this one
        thread.setName("terminus-stop: " + r.task.name);
        try {
          r.task.action.close();
        } catch (ExitException e) {
          // An exit requested while exiting: the first request decides; nothing to report.
        } catch (Throwable e) { // the runner boundary: every task gets its turn
          r.failure = e;
        }
        r.done.countDown();
      }
    }
  }

  private final Deque<Worker> idle = new ArrayDeque<>();

  private Running start(Plan.Task t) {
    Report.Entry entry = report.start(t.phase.name(), t.name);
    Duration timeout = t.effectiveTimeout();
    Worker w = idle.isEmpty() ? new Worker() : idle.pop();
    Running r = new Running(t, entry, w, timeout == null ? 0 : System.nanoTime() + timeout.toNanos());
    entry.thread = w.thread;
    w.hand(r);
    return r;
  }

  private void await(Running r) {
    boolean interrupted = false;
    while (r.done.getCount() > 0) {
      try {
        if (r.due == 0) {
          r.done.await();
        } else {
          long left = r.due - System.nanoTime();
          if (left <= 0) {
            break;
          }
          r.done.await(left, TimeUnit.NANOSECONDS);
        }
      } catch (InterruptedException e) {
        interrupted = true; // the stop goes on; the flag is restored below
        if (Run.jvmShutdownStarted() && inSystemExit(r.thread)) {
          // The task called System.exit: it never returns, and the stop must not wait for it.
          finish(r.entry, "ok", "called System.exit", null);
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (r.done.getCount() > 0) {
      StackTraceElement[] stack = r.thread.getStackTrace();
      r.thread.interrupt();
      finish(r.entry, "timed out", "timed out after " + Durations.format(r.task.effectiveTimeout()), stack);
      StringBuilder b = new StringBuilder();
      b.append(program).append(": cleanup task '").append(r.task.name).append("' in phase ")
          .append(r.task.phase.name()).append(" timed out after ")
          .append(Durations.format(r.task.effectiveTimeout())).append("; interrupted it at:");
      for (StackTraceElement s : stack) {
        b.append(System.lineSeparator()).append("\tat ").append(s);
      }
      err.println(b);
      return;
    }
    idle.push(r.worker);
    Throwable failure = r.failure;
    if (failure == null) {
      finish(r.entry, "ok", null, null);
    } else {
      finish(r.entry, "failed", failure.toString(), failure.getStackTrace());
      err.println(program + ": cleanup task '" + r.task.name + "' failed: " + failure);
    }
  }

  private static boolean inSystemExit(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals("java.lang.Shutdown")) {
        return true;
      }
    }
    return false;
  }

  private static void finish(Report.Entry e, String outcome, String error, StackTraceElement[] stack) {
    e.error = error;
    e.stack = stack;
    e.end = System.nanoTime();
    e.outcome = outcome;
    Events.taskFinished(e);
  }
}
