package dev.terminus;

/**
 * A request to exit the program, thrown by {@link Exit#now(int)} and rethrown by {@link
 * Exit#checkpoint()} and {@link Terminus#critical(String)}.
 *
 * <p>It extends {@link Error}, not {@link Exception}, so {@code catch (Exception e)} does not
 * swallow it: {@code finally} blocks and try-with-resources {@code close()} methods run while it
 * unwinds, and only {@code catch (ExitException e)} (or {@code Throwable}) can stop it.
 *
 * <p>The request is <em>sticky</em>: catching the exception does not cancel it. It stays pending
 * until the process exits; {@link Exit#checkpoint()} throws it again, and a program that never
 * looks is ended once the deadline passes. {@link #withdraw()} is the only way to cancel it.
 *
 * <p>The hierarchy is sealed: an {@code ExitException} is a plain request ({@link Exit#now}), a
 * {@link SignalExit}, or the exit that a third party's {@code System.exit} began, which {@link
 * Exit#checkpoint()} throws so that code still running unwinds; its {@link #status()} is {@link
 * Exit#UNKNOWN_STATUS}. Instances are created by Terminus only; there is no public constructor.
 *
 * <p>Safe for concurrent use.
 */
public sealed class ExitException extends Error permits SignalExit, ExitException.Foreign {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String userMessage;

  /** The request this exception repeats; {@code this} for an original request. */
  private final ExitException request;

  ExitException(int status, String message, ExitException request) {
    super(message != null ? message : "exit requested with status " + status, request);
    this.status = status;
    this.userMessage = message;
    this.request = request != null ? request : this;
  }

  /**
   * Returns the exit status this request asks for.
   *
   * @return a status in {@code [0, 255]}, or {@link Exit#UNKNOWN_STATUS} for the exit that a third
   *     party's {@code System.exit} began, whose status the JDK does not reveal
   */
  public int status() {
    return status;
  }

  /**
   * Returns the message given to {@link Exit#now(String)}, printed to stderr when the program
   * exits, or {@code null} when there is none.
   *
   * @return the message, or {@code null}
   */
  public String message() {
    return userMessage;
  }

  /**
   * Cancels the pending request, for code that deliberately intercepts an exit and carries on.
   *
   * <p>After this call {@link Exit#requested()} is {@code false} (unless another request arrives),
   * {@link Exit#checkpoint()} no longer throws, the deadline no longer applies, and, when the
   * request had interrupted the calling thread, its interrupt flag is cleared. Calling it on an
   * exception thrown by {@link Exit#checkpoint()} withdraws the original request. Withdrawing a
   * request that is no longer pending (already withdrawn, or a later request that lost to an
   * earlier one) does nothing. Idempotent.
   */
  public void withdraw() {
    Run.withdraw(request);
  }

  /** The original request; {@code this} unless this exception was rethrown by a checkpoint. */
  final ExitException request() {
    return request;
  }

  /** A fresh exception of the same type and status, linked to the original request. */
  ExitException again() {
    return new ExitException(status, userMessage, request);
  }

  /** The JVM's own exit, begun by a third party's {@code System.exit}: its status is unknown. */
  static final class Foreign extends ExitException {
    private static final long serialVersionUID = 1L;

    Foreign(Foreign request) {
      super(Exit.UNKNOWN_STATUS, null, request);
    }

    @Override
    public String getMessage() {
      return "the JVM is exiting (System.exit was called); status unknown";
    }

    @Override
    Foreign again() {
      return new Foreign((Foreign) request());
    }
  }
}
