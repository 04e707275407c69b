package dev.terminus;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A critical section: a stretch of work, such as a database commit, that must either not start or
 * be allowed to finish once an exit is requested. Made by {@link Terminus#critical(String)}; use it
 * with try-with-resources.
 *
 * <pre>{@code
 * try (var section = Terminus.critical("transfer")) {
 *   debit(from, amount);
 *   credit(to, amount);
 *   connection.commit();
 * }
 * }</pre>
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Entering is refused once an exit has been requested, even if that request was caught and
 *       swallowed: {@link Terminus#critical(String)} throws the pending {@link ExitException}, so
 *       nothing after an exit request starts a commit.
 *   <li>A section entered before the request may finish: the stop waits for every open section to
 *       close before the cleanup tasks run (closing the connection, say), bounded by the deadline.
 *   <li>A second Ctrl+C (or SIGTERM, SIGHUP) while a section is open waits for it to close, still
 *       bounded by the deadline, instead of halting in the middle of the commit.
 * </ul>
 *
 * <p>What it cannot do: nothing survives SIGKILL or a power cut. There, the database's own
 * atomicity (a transaction that was not committed is rolled back on the next open) is what keeps
 * the data whole; a critical section only makes sure no new transaction commits after an exit is
 * requested, and that the ones in flight are not cut off by a graceful stop.
 *
 * <p>{@code javac -Xlint:try} warns that such a resource is never referenced in the body; {@code
 * @SuppressWarnings("try")} on the enclosing method says that is intended.
 *
 * <p>Entering and leaving cost an atomic increment and an atomic decrement and two volatile reads.
 *
 * <p>Not safe for concurrent use: a section belongs to the thread that entered it. Sections may
 * nest and may be open on many threads at once.
 */
public final class Critical implements AutoCloseable {
  /** Open sections in this JVM. */
  private static final AtomicInteger OPEN = new AtomicInteger();
  /** Whether a thread waits for the sections to close; keeps close() free of locks otherwise. */
  private static volatile boolean awaited;

  private static final Object CLOSED = new Object();

  private final String name;
  private boolean closed;

  private Critical(String name) {
    this.name = name;
  }

  static Critical enter(String name) {
    // Count first, then look: a request made meanwhile either sees this section in OPEN (and the
    // stop waits for it) or is seen here (and entry is refused). Both fields are volatile.
    OPEN.incrementAndGet();
    ExitException p = Requests.pending();
    if (p != null) {
      leave();
      throw p.again();
    }
    return new Critical(name);
  }

  /**
   * Returns the name given when the section was entered.
   *
   * @return the section's name
   */
  public String name() {
    return name;
  }

  /** Leaves the section. Idempotent; throws nothing. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      leave();
    }
  }

  private static void leave() {
    if (OPEN.decrementAndGet() == 0 && awaited) {
      synchronized (CLOSED) {
        CLOSED.notifyAll();
      }
    }
  }

  static int open() {
    return OPEN.get();
  }

  /**
   * Waits until no section is open or {@code nanos} have passed; returns whether none is open.
   * Restores the interrupt flag if interrupted.
   */
  static boolean awaitClosed(long nanos) {
    if (OPEN.get() == 0) {
      return true;
    }
    long until = System.nanoTime() + nanos;
    boolean interrupted = false;
    synchronized (CLOSED) {
      awaited = true;
      try {
        while (OPEN.get() > 0) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          try {
            TimeUnit.NANOSECONDS.timedWait(CLOSED, left);
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

  @Override
  public String toString() {
    return "Critical[" + name + (closed ? ", closed]" : "]");
  }
}
