package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the shutdown plan once: phase by phase, on worker threads other than the caller's, so a task
 * that overruns its timeout can be interrupted and left behind while the plan moves on.
 *
 * <p>Design: in a phase that runs in turn, one worker takes the tasks from the plan itself, last
 * registered first, and runs them one after another with no hand-off per task; the calling thread
 * (the runner's, or the JVM hook's driver) supervises it, waking only at a task's due time. A task
 * that overruns is settled as timed out by the supervisor (the first of the two to settle a task
 * records its outcome), its worker is interrupted and abandoned, and a fresh worker carries on with
 * the tasks still in the plan. A concurrent phase hands each task to a worker of its own. Workers
 * are daemons, reused from phase to phase, and ended by {@link #close()}. Nothing here sleeps.
 */
final class Stopper {
  /**
   * A worker's name while it is idle or runs a task that has not yet run for {@link #NAME_AFTER}.
   */
  static final String WORKER = "terminus-stop";

  /**
   * How long a task runs before its worker takes its name ({@code terminus-stop: <task>}), so that
   * a thread dump taken during a slow or hung task names it. A quick task is never named: renaming
   * a thread is a native call, and it cost 2 µs per task, 2 ms of the 5-7 ms that 1,000 trivial
   * tasks take in a cold JVM.
   */
  static final long NAME_AFTER = TimeUnit.MILLISECONDS.toNanos(100);

  private final String program;
  private final Plan plan;
  private final Sections sections;
  private final Report report;
  private final PrintStream err;

  /** The thread that called System.exit, whose open sections never close; or null. */
  private final Thread exitCaller;

  Stopper(
      String program,
      Plan plan,
      Sections sections,
      Report report,
      PrintStream err,
      Thread exitCaller) {
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
      runInTurn(phase);
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
    List<Worker> running = new ArrayList<>();
    for (Plan.Task t : tasks) {
      Worker w = idle.isEmpty() ? new Worker() : idle.pop();
      w.handOne(t);
      running.add(w);
    }
    for (Worker w : running) {
      supervise(w, null);
    }
  }

  /**
   * Runs a phase's tasks one after another, last registered first, on one worker that takes them
   * from the plan itself: no hand-off per task, and tasks not yet started stay in the plan (a halt
   * reports them as skipped; a task registered meanwhile still runs in this phase). When a task
   * overruns its timeout, its worker is abandoned and a fresh one carries on with the rest.
   */
  private void runInTurn(Phase phase) {
    while (plan.hasTaskIn(phase)) {
      Worker w = idle.isEmpty() ? new Worker() : idle.pop();
      w.handPhase(phase);
      supervise(w, phase);
    }
  }

  /** One task run by a worker: its report entry, its due time, and who settled its outcome. */
  private static final class Running {
    final Plan.Task task;
    final Report.Entry entry;
    final long due; // nanoTime; 0 for no timeout
    boolean named; // guarded by the worker running it (GuardedBy cannot name another object)

    /** Not an AtomicBoolean: its first use initialises the VarHandle machinery, 1 ms cold. */
    @GuardedBy("this")
    private boolean settled;

    Running(Plan.Task task, Report.Entry entry, long due) {
      this.task = task;
      this.entry = entry;
      this.due = due;
    }

    synchronized boolean settled() {
      return settled;
    }

    /** True for the first caller only: the worker's outcome or the supervisor's timeout. */
    synchronized boolean settle() {
      if (settled) {
        return false;
      }
      settled = true;
      return true;
    }
  }

  /**
   * A daemon thread that runs tasks: one handed to it, or a phase's tasks taken from the plan in
   * turn. A worker whose task overruns is abandoned, never reused.
   */
  private final class Worker implements Runnable {
    final Thread thread = new Thread(this, WORKER);

    @GuardedBy("this")
    private Plan.Task one;

    @GuardedBy("this")
    private Phase phase;

    @GuardedBy("this")
    private Running current;

    @GuardedBy("this")
    private boolean busy;

    @GuardedBy("this")
    private boolean abandoned;

    @GuardedBy("this")
    private boolean quit;

    Worker() {
      thread.setDaemon(true);
      thread.start();
    }

    synchronized void handOne(Plan.Task t) {
      one = t;
      busy = true;
      notifyAll();
    }

    synchronized void handPhase(Phase p) {
      phase = p;
      busy = true;
      notifyAll();
    }

    synchronized void quit() {
      quit = true;
      notifyAll();
    }

    @Override
    public void run() {
      while (true) {
        Plan.Task single;
        Phase inTurn;
        synchronized (this) {
          while (!busy && !quit) {
            try {
              wait();
            } catch (InterruptedException e) {
              // An interrupt meant for a task that already finished: keep waiting for work.
            }
          }
          if (!busy) {
            return;
          }
          single = one;
          inTurn = phase;
          one = null;
          phase = null;
        }
        if (single != null) {
          runOne(single);
        } else {
          while (true) {
            Plan.Task t;
            synchronized (this) {
              if (abandoned) {
                return;
              }
              t = plan.pollLast(inTurn);
            }
            if (t == null) {
              break;
            }
            runOne(t);
          }
        }
        synchronized (this) {
          busy = false;
          notifyAll();
          if (abandoned) {
            return;
          }
        }
      }
    }

    private void runOne(Plan.Task t) {
      Thread.interrupted(); // nothing meant for an earlier task reaches this one
      Report.Entry entry = report.start(t.phase.name(), t.name);
      entry.thread = thread;
      Duration timeout = t.effectiveTimeout();
      Running r =
          new Running(t, entry, timeout == null ? 0 : System.nanoTime() + Watchdog.nanos(timeout));
      synchronized (this) {
        current = r;
        if (r.due != 0) {
          notifyAll(); // the supervisor waits until this task's due time
        }
      }
      Throwable failure = null;
      try {
        t.action.close();
      } catch (ExitException e) {
        // An exit requested while exiting: the first request decides; nothing to report.
      } catch (Throwable e) { // the runner boundary: every task gets its turn
        failure = e;
      }
      synchronized (this) {
        current = null; // done: nothing of it can overrun now
        if (r.named) {
          thread.setName(WORKER);
        }
      }
      if (r.settle()) {
        if (failure == null) {
          finish(entry, "ok", null, null);
        } else {
          finish(entry, "failed", failure.toString(), failure.getStackTrace());
          err.println(program + ": cleanup task '" + t.name + "' failed: " + failure);
        }
      }
    }
  }

  private final Deque<Worker> idle = new ArrayDeque<>();

  /**
   * Waits for {@code w} to finish what it was handed, ending the wait for a task that overruns its
   * timeout (the worker is interrupted and abandoned) or that called {@code System.exit}.
   */
  private void supervise(Worker w, Phase phase) {
    boolean interrupted = false;
    Running overrun = null;
    boolean exited = false;
    synchronized (w) {
      while (w.busy) {
        Running cur = w.current;
        long now = System.nanoTime();
        // The worker does not say when a task without a timeout starts or ends (a wake-up per
        // task would cost more than the rename it saves): look again at least every NAME_AFTER.
        long wait = NAME_AFTER;
        if (cur != null && !cur.named) {
          long nameIn = cur.entry.start + NAME_AFTER - now;
          if (nameIn <= 0) {
            cur.named = true; // a thread dump taken from now on names the task
            w.thread.setName(WORKER + ": " + cur.task.name);
          } else {
            wait = nameIn;
          }
        }
        if (cur != null && cur.due != 0 && !cur.settled()) {
          long due = cur.due - now;
          if (due <= 0) {
            overrun = cur;
            break;
          }
          wait = Math.min(wait, due);
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(w, wait);
        } catch (InterruptedException e) {
          interrupted = true; // the stop goes on; the flag is restored below
          if (Run.jvmShutdownStarted() && inSystemExit(w.thread)) {
            // The task called System.exit: it never returns, and the stop must not wait for it.
            overrun = w.current;
            exited = true;
            break;
          }
        }
      }
      if (overrun != null) {
        w.abandoned = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (overrun == null) {
      idle.push(w);
      return;
    }
    if (!overrun.settle()) {
      return; // it finished just now; the worker still ends, as abandoned
    }
    if (exited) {
      finish(overrun.entry, "ok", "called System.exit", null);
      return;
    }
    StackTraceElement[] stack = w.thread.getStackTrace();
    w.thread.interrupt();
    Plan.Task t = overrun.task;
    finish(
        overrun.entry,
        "timed out",
        "timed out after " + Durations.format(t.effectiveTimeout()),
        stack);
    StringBuilder b = new StringBuilder();
    b.append(program)
        .append(": cleanup task '")
        .append(t.name)
        .append("' in phase ")
        .append(t.phase.name())
        .append(" timed out after ")
        .append(Durations.format(t.effectiveTimeout()))
        .append("; interrupted it at:");
    for (StackTraceElement s : stack) {
      b.append(System.lineSeparator()).append("\tat ").append(s);
    }
    err.println(b);
  }

  private static boolean inSystemExit(Thread t) {
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals("java.lang.Shutdown")) {
        return true;
      }
    }
    return false;
  }

  private static void finish(
      Report.Entry e, String outcome, String error, StackTraceElement[] stack) {
    e.error = error;
    e.stack = stack;
    e.end = System.nanoTime();
    e.outcome = outcome;
    Events.taskFinished(e);
  }
}
