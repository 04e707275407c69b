package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bookkeeping of critical sections: how deep each thread is, in which run, and the interrupts
 * held back until a thread leaves its last section.
 *
 * <p>Design: each thread has one {@link Depth}: its nesting depth in the low bits of one atomic
 * word, plus a {@link #DEFERRED} bit, and the run ({@code Sections}) its sections belong to. Only
 * the owner changes its depth, so entering and leaving touch no shared counter; a run's open
 * sections are counted, when a stop needs them, by summing the depths of its threads. {@link
 * #interruptOutside} interrupts a thread at once when its depth is zero and otherwise sets the bit
 * with a compare-and-set, which the thread's last {@code leave} turns into a self-interrupt; both
 * sides change the same atomic word, so an interrupt is never lost and never lands inside a
 * section. A thread that enters a section counts itself first and reads the request after, and a
 * request is published before its interrupt is attempted, so either the entry is refused or the
 * interrupt waits for the section.
 *
 * <p>Safe for concurrent use.
 */
final class Sections {
  /** The bit of a thread's depth word that says an interrupt waits for its last section. */
  static final int DEFERRED = 1 << 30;

  /** A thread's nesting depth, plus {@link #DEFERRED}, and the run of its open sections. */
  static final class Depth extends AtomicInteger {
    private static final long serialVersionUID = 1L;

    /** Written by the owner before the increment that opens its first section. */
    transient Sections scope;
  }

  @GuardedBy("DEPTHS")
  private static final Map<Thread, Depth> DEPTHS = new WeakHashMap<>();

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

  /** Whether a thread waits for the sections to close; keeps leave() free of locks otherwise. */
  private volatile boolean awaited;

  private final Object closed = new Object();

  /** Counts a section entered by the current thread; returns its depth word for {@link #leave}. */
  Depth enter() {
    Depth d = MINE.get();
    if ((d.get() & ~DEFERRED) == 0) {
      d.scope = this;
    }
    d.incrementAndGet();
    return d;
  }

  /** Leaves a section entered with {@link #enter()} on the current thread. */
  void leave(Depth d) {
    int v = d.decrementAndGet();
    if ((v & ~DEFERRED) == 0) {
      if (v == DEFERRED && d.compareAndSet(DEFERRED, 0)) {
        Thread.currentThread().interrupt(); // the interrupt that waited for this section
      }
      if (awaited) {
        synchronized (closed) {
          closed.notifyAll();
        }
      }
    }
  }

  /** The sections open in this run, on every thread. */
  int open() {
    return openBesides(null);
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

  /**
   * Drops an interrupt that still waits for {@code t}'s last section (the request was withdrawn).
   */
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
   * Waits until no section of this run is open, not counting those of {@code except} (the thread
   * that called {@code System.exit} from inside a section never leaves it), or until {@code nanos}
   * have passed; returns whether none is open. Restores the interrupt flag if interrupted.
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
            // Bounded slices: a thread that leaves its last section notifies, but one that died
            // inside a section or was never counted would not.
            TimeUnit.NANOSECONDS.timedWait(
                closed, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
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
    int n = 0;
    synchronized (DEPTHS) {
      for (Map.Entry<Thread, Depth> e : DEPTHS.entrySet()) {
        Depth d = e.getValue();
        int depth = d.get() & ~DEFERRED;
        if (depth > 0 && d.scope == this && e.getKey() != except) {
          n += depth;
        }
      }
    }
    return n;
  }
}
