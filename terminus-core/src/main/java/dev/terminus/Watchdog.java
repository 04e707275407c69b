package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Enforces a run's deadline without depending on any other thread making progress, and delivers the
 * delayed interrupt of a request made by a worker thread.
 *
 * <p>Design: one daemon thread, started when the watchdog is first armed and gone when nothing is
 * due. {@code due} and {@code nudgeDue} are {@link System#nanoTime()} values; 0 means not set. The
 * thread waits on this object's monitor until the earlier of the two or a change, then calls its
 * {@link Target} outside the lock. Durations too long for {@code long} nanoseconds saturate at
 * about 146 years rather than overflow.
 */
final class Watchdog implements Runnable {
  /** What the watchdog calls. */
  interface Target {
    /** The deadline passed. */
    void deadlinePassed();

    /** The nudge time passed. */
    void nudge();
  }

  private static final long FAR = Long.MAX_VALUE / 2;

  private final Target target;

  @GuardedBy("this")
  private long due;

  @GuardedBy("this")
  private long nudgeDue;

  @GuardedBy("this")
  private Thread thread;

  Watchdog(Target target) {
    this.target = target;
  }

  /** {@code d} in nanoseconds, saturated to about 146 years. */
  static long nanos(Duration d) {
    try {
      return Math.min(d.toNanos(), FAR);
    } catch (ArithmeticException e) {
      return FAR;
    }
  }

  private static long at(long nanos) {
    long at = System.nanoTime() + nanos;
    return at == 0 ? 1 : at;
  }

  /** Arms the deadline to fire {@code after} from now, unless it is due earlier already. */
  synchronized void arm(Duration after) {
    long at = at(nanos(after));
    if (due == 0 || at - due < 0) {
      due = at;
    }
    wake();
  }

  /** Sets the deadline to fire {@code after} from now, even if that is later than before. */
  synchronized void rearm(Duration after) {
    due = at(nanos(after));
    wake();
  }

  /** Calls {@link Target#nudge()} {@code after} from now, unless a nudge is due earlier. */
  synchronized void nudge(Duration after) {
    long at = at(nanos(after));
    if (nudgeDue == 0 || at - nudgeDue < 0) {
      nudgeDue = at;
    }
    wake();
  }

  synchronized void disarm() {
    due = 0;
    nudgeDue = 0;
    notifyAll();
  }

  /** Disarms and waits for the thread to end, so nothing is left behind ({@link Terminus#call}). */
  void awaitIdle() {
    Thread t;
    synchronized (this) {
      due = 0;
      nudgeDue = 0;
      notifyAll();
      t = thread;
    }
    if (t == null || t == Thread.currentThread()) {
      return;
    }
    boolean interrupted = false;
    while (t.isAlive()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  @GuardedBy("this")
  private void wake() {
    if (thread == null) {
      thread = new Thread(this, "terminus-watchdog");
      thread.setDaemon(true);
      thread.start();
    } else {
      notifyAll();
    }
  }

  @Override
  public void run() {
    while (true) {
      boolean fireDeadline = false;
      boolean fireNudge = false;
      synchronized (this) {
        while (true) {
          if (due == 0 && nudgeDue == 0) {
            thread = null;
            return;
          }
          long now = System.nanoTime();
          if (nudgeDue != 0 && nudgeDue - now <= 0) {
            nudgeDue = 0;
            fireNudge = true;
          }
          if (due != 0 && due - now <= 0) {
            due = 0;
            fireDeadline = true;
          }
          if (fireNudge || fireDeadline) {
            break;
          }
          long next =
              due == 0 ? nudgeDue : nudgeDue == 0 ? due : (due - nudgeDue < 0 ? due : nudgeDue);
          try {
            TimeUnit.NANOSECONDS.timedWait(this, next - now);
          } catch (InterruptedException e) {
            // Nobody interrupts the watchdog but the JVM's end: fire rather than hang.
            fireDeadline = due != 0;
            due = 0;
            break;
          }
        }
      }
      if (fireNudge) {
        target.nudge();
      }
      if (fireDeadline) {
        target.deadlinePassed();
      }
    }
  }
}
