package dev.terminus;

/**
 * An exit requested by a signal: SIGINT (Ctrl+C), SIGTERM or SIGHUP, received while {@link
 * Terminus#run(String[], MainBody)} handles signals.
 *
 * <p>It behaves as Python's {@code KeyboardInterrupt} does: the main thread is interrupted (unless
 * it is inside a {@linkplain Critical critical section}, which runs to its end first), {@link
 * Exit#checkpoint()} throws it, {@code finally} blocks and cleanup tasks run, and the process then
 * ends by the signal itself (the shell shows {@link StopSignal#exitStatus()}: 130, 143, 129).
 * Catching it does not cancel the exit; {@link #withdraw()} does, for an interactive prompt where
 * Ctrl+C cancels only the current command.
 *
 * <pre>{@code
 * try {
 *   while (true) { Exit.checkpoint(); work(); }
 * } catch (SignalExit e) {
 *   System.out.println("User interrupted the script");
 * }
 * }</pre>
 *
 * <p>Safe for concurrent use.
 */
public final class SignalExit extends ExitException {
  private static final long serialVersionUID = 1L;

  private final StopSignal signal;

  SignalExit(StopSignal signal, int status, SignalExit request) {
    super(status, null, request);
    this.signal = signal;
  }

  /**
   * Returns the signal that requested the exit.
   *
   * @return the signal
   */
  public StopSignal signal() {
    return signal;
  }

  /**
   * Returns the signal's number: 2 for INT, 15 for TERM, 1 for HUP.
   *
   * @return the signal number
   */
  public int number() {
    return signal.number();
  }

  @Override
  public String getMessage() {
    return signal.fullName() + " received; exit status " + status();
  }

  @Override
  SignalExit again() {
    return new SignalExit(signal, status(), (SignalExit) request());
  }
}
