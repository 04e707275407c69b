package dev.terminus;

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
 *   <li>A section entered before the request runs to its end. "Its end" means the thread's {@code
 *       close()} of its outermost section: a thread inside a section is not interrupted, so
 *       interruptible I/O ({@code FileChannel}), {@code Object.wait}, {@code Thread.sleep}, {@code
 *       Future.get()} and locks inside it are not cut short by the request; the interrupt the
 *       request owes that thread (the main thread of {@link Terminus#run}) is delivered when it
 *       closes its last section, so the next blocking call outside the section unwinds.
 *   <li>The stop waits for every open section to close before the cleanup tasks run (closing the
 *       connection, say), bounded by the deadline. This holds on every path, a third party's {@code
 *       System.exit} included: once the JVM's exit has begun, no section is entered, and the open
 *       ones are drained first. A section whose own thread called {@code System.exit} can never
 *       close; the stop does not wait for it.
 *   <li>A second Ctrl+C (or SIGTERM, SIGHUP) while a section is open waits for it to close, still
 *       bounded by the deadline, instead of halting in the middle of the commit.
 *   <li>Under {@link Terminus#call}, a section counts in the call only when the thread that entered
 *       it belongs to the call (the thread that runs it and the threads started from it).
 * </ul>
 *
 * <p>What "runs to its end" does not cover: the deadline still ends a section that never closes,
 * and code inside the section that calls {@link Exit#checkpoint()} itself still gets the request.
 *
 * <p>What it cannot do: nothing survives SIGKILL or a power cut. There, the database's own
 * atomicity (a transaction that was not committed is rolled back on the next open) is what keeps
 * the data whole; a critical section only makes sure no new transaction commits after an exit is
 * requested, and that the ones in flight are not cut off by a graceful stop.
 *
 * <p>{@code javac -Xlint:try} warns that such a resource is never referenced in the body;
 * {@code @SuppressWarnings("try")} on the enclosing method says that is intended.
 *
 * <p>Entering and leaving cost a thread-local lookup, an atomic increment and decrement of the
 * thread's own counter, and a volatile read: about 1.3 times a plain atomic increment and
 * decrement.
 *
 * <p>Not safe for concurrent use: a section belongs to the thread that entered it. Sections may
 * nest and may be open on many threads at once.
 */
public final class Critical implements AutoCloseable {
  private final String name;
  private final Sections sections;
  private final Sections.Depth depth;
  private boolean closed;

  private Critical(String name, Sections sections, Sections.Depth depth) {
    this.name = name;
    this.sections = sections;
    this.depth = depth;
  }

  static Critical enter(String name, Run run) {
    // Count first, then look: a request made meanwhile either sees this section (and the stop
    // waits for it, and the interrupt waits for its close) or is seen here (and entry is refused).
    Sections sections = run.sections();
    Sections.Depth d = sections.enter();
    ExitException p = run.lifecycle.pending();
    if (p != null) {
      sections.leave(d);
      throw p.again();
    }
    return new Critical(name, sections, d);
  }

  /**
   * Returns the name given when the section was entered.
   *
   * @return the section's name
   */
  public String name() {
    return name;
  }

  /**
   * Leaves the section; when it was the thread's last open section and an exit request interrupt
   * was held back for it, the thread is interrupted now. Idempotent; throws nothing.
   */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      sections.leave(depth);
    }
  }

  @Override
  public String toString() {
    return "Critical[" + name + (closed ? ", closed]" : "]");
  }
}
