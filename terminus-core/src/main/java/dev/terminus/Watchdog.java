package dev.terminus;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Enforces a runner's deadline without depending on any other thread making progress.
 *
 * <p>Design: one daemon thread, started when the watchdog is first armed and gone when it is
 * disarmed. {@code due} is the earliest {@link System#nanoTime()} at which the process must have
 * ended; 0 means disarmed. The thread waits on this object's monitor until {@code due} or a change,
 * then calls {@link Session#deadlinePassed()} outside the lock.
 */
final class Watchdog implements Runnable {
  private final Session session;
  private long due; // guarded by this
  private Thread thread; // guarded by this

  Watchdog(Session session) {
    this.session = session;
  }

  /** Arms the watchdog to fire {@code after} from now, unless it is due earlier already. */
  synchronized void arm(Duration after) {
    long at = System.nanoTime() + after.toNanos();
    if (due == 0 || at - due < 0) {
      due = at == 0 ? 1 : at;
    }
    if (thread == null) {
      thread = new Thread(this, "terminus-watchdog");
      thread.setDaemon(true);
      thread.start();
    } else {
      notifyAll();
    }
  }

  synchronized void disarm() {
    due = 0;
    notifyAll();
  }

  @Override
  public void run() {
    synchronized (this) {
      while (true) {
        if (due == 0) {
          thread = null;
          return;
        }
        long left = due - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break; // nobody interrupts the watchdog but the JVM's end; fire rather than hang
        }
      }
    }
    session.deadlinePassed();
  }
}
