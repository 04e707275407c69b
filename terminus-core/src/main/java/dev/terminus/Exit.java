package dev.terminus;

import java.util.Objects;

/**
 * The ways to end a program: {@link #now(int)} exits gracefully, {@link #halt(int)} at once.
 *
 * <p>{@code now} is Python's {@code sys.exit}: it throws an {@link ExitException}, so {@code
 * finally} blocks and try-with-resources run while it unwinds, an outer {@code catch (ExitException
 * e)} may intercept it, and {@link Terminus#run(String[], MainBody)} turns it into the process's
 * exit status after running the cleanup tasks. The request is sticky: once made it stays pending
 * until the process exits or it is {@linkplain ExitException#withdraw() withdrawn}, so {@link
 * #checkpoint()} throws it again and a catch-all handler cannot silently cancel it.
 *
 * <p>{@code halt} is Python's {@code os._exit}: no {@code finally} block, no cleanup task, no
 * shutdown hook, and no flush of {@code System.out}; use it when running anything more would do
 * harm.
 *
 * <p>An exit requested from any thread ends the whole process: when the request does not come from
 * the main thread of {@link Terminus#run}, that thread is interrupted so it unwinds too. The
 * interrupt waits until the main thread has left its last {@linkplain Critical critical section},
 * and, for a request made by another thread, until that thread has had the chance to {@linkplain
 * ExitException#withdraw() withdraw} it: until its exception leaves the thread, a signal arrives,
 * or 50 ms have passed, whichever comes first.
 *
 * <pre>{@code
 * if (args.length == 0) throw Exit.now(2, "usage: tool FILE");
 * }</pre>
 *
 * <p>Safe for concurrent use: when many threads request an exit at once, the first request decides
 * the status and the process exits exactly once.
 */
public final class Exit {
  /**
   * The status 78, {@code EX_CONFIG} from {@code sysexits.h}: a malformed {@code terminus.*} or
   * {@code TERMINUS_*} setting ends the program with it before its body runs.
   */
  public static final int CONFIG_ERROR = 78;

  /**
   * The status 124, as coreutils {@code timeout} uses it: the deadline passed while the requested
   * status was 0 (or nothing was requested), so the process halted with this one instead.
   */
  public static final int DEADLINE_EXCEEDED = 124;

  /**
   * Not a status: what {@link ExitException#status()} returns, and what a stop report says, for an
   * exit begun by a third party's {@code System.exit}, whose status the JDK does not reveal. It is
   * never turned into 0.
   */
  public static final int UNKNOWN_STATUS = -1;

  private Exit() {}

  /**
   * Requests a graceful exit with status 0.
   *
   * @return never returns normally; declared so callers can write {@code throw Exit.now();}
   * @throws ExitException always
   */
  public static ExitException now() {
    throw Run.request(new ExitException(0, null, null));
  }

  /**
   * Requests a graceful exit with the given status.
   *
   * @param status the exit status, in {@code [0, 255]}
   * @return never returns normally; declared so callers can write {@code throw Exit.now(2);}
   * @throws ExitException always, when the status is valid
   * @throws IllegalArgumentException if {@code status} is outside {@code [0, 255]}: the shell would
   *     see it modulo 256, so 256 would read as 0, success
   */
  public static ExitException now(int status) {
    throw Run.request(new ExitException(Statuses.check(status), null, null));
  }

  /**
   * Requests a graceful exit with status 1; {@code message} is printed to stderr when the program
   * exits, as Python's {@code sys.exit("message")} does.
   *
   * @param message the message for stderr
   * @return never returns normally; declared so callers can write {@code throw Exit.now("...");}
   * @throws ExitException always, when the message is not null
   * @throws NullPointerException if {@code message} is null
   */
  public static ExitException now(String message) {
    return now(1, message);
  }

  /**
   * Requests a graceful exit with the given status; {@code message} is printed to stderr when the
   * program exits.
   *
   * @param status the exit status, in {@code [0, 255]}
   * @param message the message for stderr
   * @return never returns normally; declared so callers can write {@code throw Exit.now(2, "...");}
   * @throws ExitException always, when the arguments are valid
   * @throws IllegalArgumentException if {@code status} is outside {@code [0, 255]}
   * @throws NullPointerException if {@code message} is null
   */
  public static ExitException now(int status, String message) {
    Statuses.check(status);
    Objects.requireNonNull(message, "message");
    throw Run.request(new ExitException(status, message, null));
  }

  /**
   * Halts the process at once with the given status, like Python's {@code os._exit}.
   *
   * <p>No {@code finally} block, cleanup task or shutdown hook runs, and nothing buffered in {@code
   * System.out} is flushed: text printed without a newline, or to a pipe, may be lost.
   *
   * <p>Under {@link Terminus#call(String[], MainBody)}, which must not end the JVM it runs in, the
   * halt is simulated: no cleanup task runs, an error that {@code catch (ExitException e)} does not
   * catch unwinds the body, and {@code call} returns {@code status}.
   *
   * @param status the exit status, in {@code [0, 255]}
   * @return never returns; declared so callers can write {@code throw Exit.halt(1);}
   * @throws IllegalArgumentException if {@code status} is outside {@code [0, 255]}
   */
  public static ExitException halt(int status) {
    Statuses.check(status);
    Run.halt(status, null);
    throw new AssertionError("unreachable");
  }

  /**
   * Writes {@code message} and a line break straight to the stderr file descriptor, unbuffered,
   * then halts the process at once with the given status, as {@link #halt(int)} does.
   *
   * @param status the exit status, in {@code [0, 255]}
   * @param message the message for stderr
   * @return never returns; declared so callers can write {@code throw Exit.halt(1, "...");}
   * @throws IllegalArgumentException if {@code status} is outside {@code [0, 255]}
   * @throws NullPointerException if {@code message} is null
   */
  public static ExitException halt(int status, String message) {
    Statuses.check(status);
    Objects.requireNonNull(message, "message");
    Run.halt(status, message);
    throw new AssertionError("unreachable");
  }

  /**
   * Tells whether an exit has been requested and not withdrawn.
   *
   * @return {@code true} while an exit request is pending
   */
  public static boolean requested() {
    return Run.pending() != null;
  }

  /**
   * Throws the pending exit request again, if there is one; otherwise returns at once.
   *
   * <p>Call it in loops that neither block nor otherwise notice an interrupt, so a request made by
   * another thread, a signal, or a request that a catch-all handler swallowed, ends the loop. The
   * exception thrown is a fresh one of the same type and status, whose cause is the original
   * request. With nothing pending it costs about a volatile read.
   *
   * @throws ExitException the pending request ({@link SignalExit} for a signal)
   */
  public static void checkpoint() {
    ExitException p = Run.pending();
    if (p != null) {
      throw p.again();
    }
  }
}
