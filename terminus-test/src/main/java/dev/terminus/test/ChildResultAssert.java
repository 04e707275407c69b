package dev.terminus.test;

import java.util.Objects;

/**
 * Assertions on a {@link ChildResult}; made by {@link TerminusAssertions#assertThat(ChildResult)}.
 * A failure kills whatever the child left running and describes the whole result.
 */
public final class ChildResultAssert extends OutputAssert<ChildResultAssert> {
  private final ChildResult actual;

  ChildResultAssert(ChildResult actual) {
    this.actual = Objects.requireNonNull(actual, "actual");
  }

  @Override
  String stdout() {
    return actual.stdout();
  }

  @Override
  String stderr() {
    return actual.stderr();
  }

  @Override
  AssertionError failure(String message) {
    actual.failed();
    return new AssertionError(message + "\nbut the child:\n" + actual);
  }

  /**
   * The process exited (was not killed by a signal) with {@code code}.
   *
   * @param code the exit code
   * @return this
   */
  public ChildResultAssert exitedWith(int code) {
    if (!actual.exited() || actual.exitCode() != code) {
      throw failure("expected an exit with " + code);
    }
    return this;
  }

  /**
   * The process exited with 0.
   *
   * @return this
   */
  public ChildResultAssert succeeded() {
    return exitedWith(0);
  }

  /**
   * A signal killed the process: {@code INT}, {@code SIGTERM} or a number.
   *
   * @param signal the signal
   * @return this
   */
  public ChildResultAssert diedBy(String signal) {
    if (!actual.diedBy(signal)) {
      throw failure("expected a death by " + signal);
    }
    return this;
  }

  /**
   * The status a shell would show is {@code status}, whether by an exit or a signal (130 for both
   * {@code exit 130} and a death by SIGINT).
   *
   * @param status the status
   * @return this
   */
  public ChildResultAssert hasStatus(int status) {
    if (actual.status() != status) {
      throw failure("expected the status " + status);
    }
    return this;
  }
}
