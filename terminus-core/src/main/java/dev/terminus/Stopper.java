package dev.terminus;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shutdown plan once: phase by phase, each task on a thread of its own so a task that
 * overruns its timeout can be interrupted and left behind while the plan moves on.
 *
 * <p>Design: the calling thread (the runner's main thread, or the JVM shutdown hook's) drives the
 * plan and waits for each task with {@link Thread#join(long)}; the task threads are daemons, so one
 * left behind does not keep the JVM alive. Nothing here sleeps: with no task in flight, the stop
 * costs a pass over the phases.
 */
final class Stopper {
  private final String program;
  private final long mark;
  private final Report report;
  private final PrintStream err;

  Stopper(String program, long mark, Report report, PrintStream err) {
    this.program = program;
    this.mark = mark;
    this.report = report;
    this.err = err;
  }

  void run(Duration deadline) {
    List<Phase> order = Plan.order();
    // Tasks registered during the stop into a phase that already ran get another pass.
    while (Plan.pending(mark) > 0 || order != null) {
      for (Phase phase : order != null ? order : Plan.order()) {
        if (order != null && phase == Phase.DRAIN && Critical.open() > 0) {
          Report.Entry e = report.start(phase.name(), "critical sections");
          boolean closed = Critical.awaitClosed(deadline.toNanos());
          finish(e, closed ? "ok" : "timed out", null, null);
        }
        if (phase.concurrent()) {
          runConcurrently(phase, Plan.takeAll(phase, mark));
        } else {
          for (Plan.Task t = Plan.pollLast(phase, mark); t != null; t = Plan.pollLast(phase, mark)) {
            await(start(t));
          }
        }
      }
      order = null;
    }
  }

  /** Marks what was never run as skipped, for a report written by a halt. */
  static void skipRemaining(Report report, long mark) {
    for (Phase p : Plan.order()) {
      for (Plan.Task t : Plan.takeAll(p, mark)) {
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

  /** A task started on its own thread. */
  private static final class Running {
    final Plan.Task task;
    final Report.Entry entry;
    final Thread thread;
    final long due; // nanoTime; 0 for no timeout
    volatile Throwable failure;

    Running(Plan.Task task, Report.Entry entry, Thread thread, long due) {
      this.task = task;
      this.entry = entry;
      this.thread = thread;
      this.due = due;
    }
  }

  private Running start(Plan.Task t) {
    Report.Entry entry = report.start(t.phase.name(), t.name);
    Duration timeout = t.effectiveTimeout();
    Running[] self = new Running[1];
    Thread thread = new Thread(() -> {
      try {
        t.action.close();
      } catch (ExitException e) {
        // An exit requested while exiting: the first request decides; nothing to report.
      } catch (Throwable e) { // the runner boundary: every task gets its turn
        self[0].failure = e;
      }
    }, "terminus-stop: " + t.name);
    thread.setDaemon(true);
    Running r = new Running(t, entry, thread, timeout == null ? 0 : System.nanoTime() + timeout.toNanos());
    self[0] = r;
    entry.thread = thread;
    thread.start();
    return r;
  }

  private void await(Running r) {
    boolean interrupted = false;
    while (r.thread.isAlive()) {
      try {
        if (r.due == 0) {
          r.thread.join();
        } else {
          long left = r.due - System.nanoTime();
          if (left <= 0) {
            break;
          }
          TimeUnit.NANOSECONDS.timedJoin(r.thread, left);
        }
      } catch (InterruptedException e) {
        interrupted = true; // the stop goes on; the flag is restored below
        if (Session.jvmShutdownStarted && inSystemExit(r.thread)) {
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
    if (r.thread.isAlive()) {
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
