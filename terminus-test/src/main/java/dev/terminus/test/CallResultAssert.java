package dev.terminus.test;

import java.util.List;
import java.util.Objects;

/**
 * Assertions on a {@link CallResult}; made by {@link TerminusAssertions#assertThat(CallResult)}.
 */
public final class CallResultAssert extends OutputAssert<CallResultAssert> {
  private final CallResult actual;

  CallResultAssert(CallResult actual) {
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
    return new AssertionError(message + "\nbut the call:\n" + actual);
  }

  /**
   * The call's status is {@code status}.
   *
   * @param status the status
   * @return this
   */
  public CallResultAssert hasStatus(int status) {
    if (actual.status() != status) {
      throw failure("expected the status " + status);
    }
    return this;
  }

  /**
   * Exactly these cleanup tasks ran to the end without failing, in this order (the last registered
   * first).
   *
   * @param names the tasks' names
   * @return this
   */
  public CallResultAssert ranCleanup(String... names) {
    if (!actual.cleanupRan().equals(List.of(names))) {
      throw failure("expected exactly these cleanup tasks to run: " + List.of(names));
    }
    return this;
  }

  /**
   * No cleanup task ran (as after {@code Exit.halt}).
   *
   * @return this
   */
  public CallResultAssert ranNoCleanup() {
    return ranCleanup();
  }
}
