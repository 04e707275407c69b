package dev.terminus.test;

import java.nio.file.Path;

/**
 * Entry points of the kit's fluent assertions, in the style of AssertJ (and usable beside it:
 * {@code assertThat} here takes only the kit's types; files have {@link #assertThatPath}, since
 * AssertJ has its own {@code assertThat(Path)}).
 *
 * <pre>{@code
 * import static dev.terminus.test.TerminusAssertions.assertThat;
 *
 * assertThat(child.await()).diedBy("INT").stderrContains("interrupted (SIGINT)");
 * }</pre>
 *
 * <p>A failed assertion throws {@link AssertionError} with the whole result in its message, and
 * kills whatever the child left running.
 */
public final class TerminusAssertions {
  private TerminusAssertions() {}

  /**
   * Assertions on how a child process ended.
   *
   * @param actual the result
   * @return the assertions
   */
  public static ChildResultAssert assertThat(ChildResult actual) {
    return new ChildResultAssert(actual);
  }

  /**
   * Assertions on an in-JVM call.
   *
   * @param actual the result
   * @return the assertions
   */
  public static CallResultAssert assertThat(CallResult actual) {
    return new CallResultAssert(actual);
  }

  /**
   * Assertions on a file or directory a program left (or did not leave) behind.
   *
   * @param actual the path
   * @return the assertions
   */
  public static PathAssert assertThatPath(Path actual) {
    return new PathAssert(actual);
  }
}
