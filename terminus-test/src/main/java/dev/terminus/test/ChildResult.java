package dev.terminus.test;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How a {@link ChildProcess} ended: by an exit with a status, or by a signal, told apart as {@code
 * waitpid} tells them; and everything it wrote to stdout and stderr.
 *
 * <p>Immutable. {@link #toString()} describes the whole result (command, ending, output), as
 * failure messages do.
 */
public final class ChildResult {
  /** How the process ended. */
  public enum Ending {
    /** It exited (returned from {@code main}, called {@code exit}): {@link #exitCode()} is set. */
    EXITED,
    /** A signal killed it: {@link #signal()} names it. */
    SIGNALED,
    /**
     * The kit could not tell: it ran without its python3 reaper (see {@link ChildProcess}), and the
     * JDK reports a death by signal N as the status 128 + N, or the reaper itself was killed.
     * {@link #status()} is what the JDK saw.
     */
    UNKNOWN
  }

  private final String command;
  private final Ending ending;
  private final int number;
  private final String signalName;
  private final String stdout;
  private final String stderr;
  private final List<String> stdoutLines;
  private final List<String> stderrLines;
  private final String note;
  private final Runnable onFailure;

  ChildResult(
      String command,
      Ending ending,
      int number,
      String signalName,
      String stdout,
      List<String> stdoutLines,
      String stderr,
      List<String> stderrLines,
      String note,
      Runnable onFailure) {
    this.command = command;
    this.ending = ending;
    this.number = number;
    this.signalName = signalName;
    this.stdout = stdout;
    this.stdoutLines = List.copyOf(stdoutLines);
    this.stderr = stderr;
    this.stderrLines = List.copyOf(stderrLines);
    this.note = note;
    this.onFailure = onFailure;
  }

  /**
   * How the process ended.
   *
   * @return exited, signaled, or unknown
   */
  public Ending ending() {
    return ending;
  }

  /**
   * The status as a shell's {@code $?} shows it: the exit code, or 128 + N after a death by signal
   * N. It cannot tell the two apart: {@link #ending()} can.
   *
   * @return the status, in {@code [0, 255]}
   */
  public int status() {
    return ending == Ending.SIGNALED ? 128 + number : number;
  }

  /**
   * Whether the process exited (rather than being killed by a signal).
   *
   * @return true if {@link #ending()} is {@link Ending#EXITED}
   */
  public boolean exited() {
    return ending == Ending.EXITED;
  }

  /**
   * The exit code of a process that exited.
   *
   * @return the code, in {@code [0, 255]}
   * @throws IllegalStateException if the process did not exit (see {@link #ending()})
   */
  public int exitCode() {
    if (ending != Ending.EXITED) {
      throw new IllegalStateException("the process did not exit: " + describeEnding());
    }
    return number;
  }

  /**
   * Whether a signal killed the process.
   *
   * @return true if {@link #ending()} is {@link Ending#SIGNALED}
   */
  public boolean diedBySignal() {
    return ending == Ending.SIGNALED;
  }

  /**
   * The signal that killed the process, without {@code SIG}: {@code INT}, {@code TERM}, {@code
   * KILL}; empty if it was not killed by a signal, or the kit cannot tell.
   *
   * @return the signal's name
   */
  public Optional<String> signal() {
    return ending == Ending.SIGNALED ? Optional.of(signalName) : Optional.empty();
  }

  /**
   * The signal's number, for a death by signal.
   *
   * @return the number, or empty
   */
  public Optional<Integer> signalNumber() {
    return ending == Ending.SIGNALED ? Optional.of(number) : Optional.empty();
  }

  /**
   * Everything the process (and the processes it started) wrote to stdout, decoded as UTF-8.
   *
   * @return the text, with its newlines
   */
  public String stdout() {
    return stdout;
  }

  /**
   * The lines of stdout, without their {@code \n} (or {@code \r\n}); a last line without a newline
   * is included.
   *
   * @return the lines
   */
  public List<String> stdoutLines() {
    return stdoutLines;
  }

  /**
   * Everything written to stderr, decoded as UTF-8; the kit's own bookkeeping is not included.
   *
   * @return the text, with its newlines
   */
  public String stderr() {
    return stderr;
  }

  /**
   * The lines of stderr, as {@link #stdoutLines()}.
   *
   * @return the lines
   */
  public List<String> stderrLines() {
    return stderrLines;
  }

  /**
   * The command that ran, for messages.
   *
   * @return the command line, words joined by spaces
   */
  public String command() {
    return command;
  }

  /**
   * Whether the process ended by {@code signal}, given as {@code INT}, {@code SIGINT} or a number.
   *
   * @param signal the signal
   * @return true if that signal killed it
   */
  public boolean diedBy(String signal) {
    if (ending != Ending.SIGNALED) {
      return false;
    }
    String s = signal.strip().toUpperCase(Locale.ROOT);
    if (s.startsWith("SIG")) {
      s = s.substring(3);
    }
    return s.equals(signalName) || s.equals(Integer.toString(number));
  }

  /** Kills what the child left behind, for a failed assertion on this result. */
  void failed() {
    onFailure.run();
  }

  String describeEnding() {
    switch (ending) {
      case EXITED:
        return "exited " + number;
      case SIGNALED:
        return "killed by SIG" + signalName + " (status " + status() + ")";
      default:
        return "status " + number + " (exit or signal unknown: " + note + ")";
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(command).append('\n').append("  ").append(describeEnding()).append('\n');
    b.append("--- stdout").append(stdout.isEmpty() ? " (empty)\n" : "\n").append(tail(stdout));
    if (!stdout.isEmpty() && !stdout.endsWith("\n")) {
      b.append("\n");
    }
    b.append("--- stderr").append(stderr.isEmpty() ? " (empty)\n" : "\n").append(tail(stderr));
    if (!stderr.isEmpty() && !stderr.endsWith("\n")) {
      b.append("\n");
    }
    return b.toString();
  }

  /** At most the last 8,000 characters: a soak's output would drown the message. */
  static String tail(String text) {
    return text.length() <= 8000 ? text : "[...]" + text.substring(text.length() - 8000);
  }
}
