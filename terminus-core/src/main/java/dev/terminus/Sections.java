package dev.terminus;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bookkeeping of critical sections: how many are open in one run, how deep each thread is,
 * and the interrupts held back until a thread leaves its last section.
 *
 * <p>Design: each run (the process, or one {@link Terminus#call}) counts its open sections in
 * {@link #open}; the stop waits for that count to reach zero. Each thread has one {@link Depth}:
 * its nesting depth in the low bits and a {@link #DEFERRED} bit. {@link #interruptOutside}
 * interrupts a thread at once when its depth is zero and otherwise sets the bit with a
 * compare-and-set, which the thread's last {@code leave} turns into a self-interrupt; both sides
 * change the same atomic word, so an interrupt is never lost and never lands inside a section.
 * A thread that enters a section counts itself first and reads the request after, and a request
 * is published before its interrupt is attempted, so either the entry is refused or the interrupt
 * waits for the section.
 *
 * <p>Safe for concurrent use.
 */
final class Sections {
  /** The bit of a thread's depth word that says an interrupt waits for its last section. */
  static final int DEFERRED = 1 << 30;

  /** A thread's nesting depth, plus {@link #DEFERRED}. */
  static final class Depth extends AtomicInteger {
    private static final long serialVersionUID = 1L;
  }

  private static final Map<Thread, Depth> DEPTHS = new WeakHashMap<>(); // guarded by DEPTHS
  private static final ThreadLocal<Depth> MINE =
      new ThreadLocal<>() {
        @Override
        protected Depth initialValue() {
          Depth d = new Depth();
          synchronized (DEPTHS) {
            DEPTHS.put(Thread.currentThread(), d);
          }
          return d;
        }
      };

  private final AtomicInteger open = new AtomicInteger();
  /** Whether a thread waits for the sections to close; keeps leave() free of locks otherwise. */
  private volatile boolean awaited;

  private final Object closed = new Object();

  /** Counts a section entered by the current thread; returns its depth word for {@link #leave}. */
  Depth enter() {
    Depth d = MINE.get();
    d.incrementAndGet();
    open.incrementAndGet();
    return d;
  }

  /** Leaves a section entered with {@link #enter()} on the current thread. */
  void leave(Depth d) {
    if (open.decrementAndGet() == 0 && awaited) {
      synchronized (closed) {
        closed.notifyAll();
      }
    }
    if (d.decrementAndGet() == DEFERRED && d.compareAndSet(DEFERRED, 0)) {
      Thread.currentThread().interrupt(); // the interrupt that waited for this section
    }
  }

  int open() {
    return open.get();
  }

  /** How many sections {@code t} has open right now. */
  static int depth(Thread t) {
    Depth d;
    synchronized (DEPTHS) {
      d = DEPTHS.get(t);
    }
    return d == null ? 0 : d.get() & ~DEFERRED;
  }

  /**
   * Interrupts {@code t} now if it is in no section, else when it leaves its last one. Returns
   * whether the interrupt was delivered now.
   */
  static boolean interruptOutside(Thread t) {
    Depth d;
    synchronized (DEPTHS) {
      d = DEPTHS.get(t);
    }
    if (d == null) {
      t.interrupt();
      return true;
    }
    while (true) {
      int v = d.get();
      if ((v & ~DEFERRED) == 0) {
        t.interrupt();
        return true;
      }
      if ((v & DEFERRED) != 0 || d.compareAndSet(v, v | DEFERRED)) {
        return false;
      }
    }
  }

  /** Drops an interrupt that still waits for {@code t}'s last section (the request was withdrawn). */
  static void cancelDeferred(Thread t) {
    Depth d;
    synchronized (DEPTHS) {
      d = DEPTHS.get(t);
    }
    if (d == null) {
      return;
    }
    while (true) {
      int v = d.get();
      if ((v & DEFERRED) == 0 || d.compareAndSet(v, v & ~DEFERRED)) {
        return;
      }
    }
  }

  /**
   * Waits until no section is open, not counting those of {@code except} (the thread that called
   * {@code System.exit} from inside a section never leaves it), or until {@code nanos} have
   * passed; returns whether none is open. Restores the interrupt flag if interrupted.
   */
  boolean awaitClosed(long nanos, Thread except) {
    if (openBesides(except) <= 0) {
      return true;
    }
    long until = System.nanoTime() + nanos;
    boolean interrupted = false;
    synchronized (closed) {
      awaited = true;
      try {
        while (openBesides(except) > 0) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            // Bounded slices: leave() notifies only when the count reaches zero, and the sections
            // of the excluded thread keep it above zero.
            TimeUnit.NANOSECONDS.timedWait(closed, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        return true;
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private int openBesides(Thread except) {
    int n = open.get();
    return except == null ? n : n - depth(except);
  }
}
