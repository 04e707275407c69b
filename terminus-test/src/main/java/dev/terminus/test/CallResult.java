package dev.terminus.test;

import java.util.List;
import java.util.Objects;

/**
 * What a main body did under {@link InJvm#call}: its exit status, what it printed, and the cleanup
 * tasks that ran. Immutable.
 */
public final class CallResult {
  /**
   * One task of the stop, as the stop report names it.
   *
   * @param phase the phase, such as {@code close resources} for {@code Terminus.atExit} tasks
   * @param name the task's name (for an unnamed {@code atExit} task, what the report calls it)
   * @param outcome {@code ok}, {@code failed}, {@code timed out} or {@code skipped}
   * @param error the failure's message, or null
   */
  public record Task(String phase, String name, String outcome, String error) {}

  private final int status;
  private final String stdout;
  private final String stderr;
  private final List<Task> cleanup;

  CallResult(int status, String stdout, String stderr, List<Task> cleanup) {
    this.status = status;
    this.stdout = stdout;
    this.stderr = stderr;
    this.cleanup = cleanup == null ? null : List.copyOf(cleanup);
  }

  /**
   * The exit status the program would have had ({@code Terminus.call}'s result): a signal exit is
   * 128 + N, since nothing dies in-JVM.
   *
   * @return the status, in {@code [0, 255]}
   */
  public int status() {
    return status;
  }

  /**
   * What the call printed to {@code System.out}.
   *
   * @return the text
   */
  public String stdout() {
    return stdout;
  }

  /**
   * What the call printed to {@code System.err}.
   *
   * @return the text
   */
  public String stderr() {
    return stderr;
  }

  /**
   * The tasks the stop ran or skipped, in the order it ran them (the last registered {@code atExit}
   * task first).
   *
   * @return the tasks
   * @throws IllegalStateException if {@code TERMINUS_REPORT} in the environment hid the report
   */
  public List<Task> cleanup() {
    if (cleanup == null) {
      throw new IllegalStateException(
          "TERMINUS_REPORT is set in this JVM's environment and overrides the kit's report: unset it");
    }
    return cleanup;
  }

  /**
   * The names of the tasks that ran to the end without failing, in the order they ran.
   *
   * @return the names
   */
  public List<String> cleanupRan() {
    return cleanup().stream()
        .filter(t -> Objects.equals(t.outcome(), "ok"))
        .map(Task::name)
        .toList();
  }

  @Override
  public String toString() {
    return "status "
        + status
        + "\n--- stdout"
        + (stdout.isEmpty() ? " (empty)\n" : "\n" + ChildResult.tail(stdout))
        + "\n--- stderr"
        + (stderr.isEmpty() ? " (empty)\n" : "\n" + ChildResult.tail(stderr))
        + "\n--- cleanup "
        + (cleanup == null ? "unknown" : cleanup);
  }
}
