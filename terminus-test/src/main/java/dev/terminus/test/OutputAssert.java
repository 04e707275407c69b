package dev.terminus.test;

import java.util.Arrays;
import java.util.List;

/**
 * Assertions on a program's stdout and stderr, shared by {@link ChildResultAssert} and {@link
 * CallResultAssert}.
 *
 * @param <S> the concrete assertion type, returned for chaining
 */
public abstract class OutputAssert<S extends OutputAssert<S>> {
  OutputAssert() {}

  abstract String stdout();

  abstract String stderr();

  abstract AssertionError failure(String message);

  @SuppressWarnings("unchecked")
  final S self() {
    return (S) this;
  }

  /**
   * Stdout is exactly {@code text}.
   *
   * @param text the expected text, newlines included
   * @return this
   */
  public S stdoutIs(String text) {
    if (!stdout().equals(text)) {
      throw failure("expected stdout to be\n" + text + "\n(end)");
    }
    return self();
  }

  /**
   * Stdout consists of exactly these lines, each ended by a newline.
   *
   * @param lines the lines, without newlines
   * @return this
   */
  public S stdoutHasLines(String... lines) {
    return stdoutIs(joinLines(lines));
  }

  /**
   * Stdout contains each of {@code texts}.
   *
   * @param texts the texts
   * @return this
   */
  public S stdoutContains(String... texts) {
    for (String t : texts) {
      if (!stdout().contains(t)) {
        throw failure("expected stdout to contain '" + t + "'");
      }
    }
    return self();
  }

  /**
   * Stdout contains none of {@code texts}.
   *
   * @param texts the texts
   * @return this
   */
  public S stdoutDoesNotContain(String... texts) {
    for (String t : texts) {
      if (stdout().contains(t)) {
        throw failure("expected stdout not to contain '" + t + "'");
      }
    }
    return self();
  }

  /**
   * Stderr is exactly {@code text}.
   *
   * @param text the expected text, newlines included
   * @return this
   */
  public S stderrIs(String text) {
    if (!stderr().equals(text)) {
      throw failure("expected stderr to be\n" + text + "\n(end)");
    }
    return self();
  }

  /**
   * Stderr consists of exactly these lines, each ended by a newline.
   *
   * @param lines the lines, without newlines
   * @return this
   */
  public S stderrHasLines(String... lines) {
    return stderrIs(joinLines(lines));
  }

  /**
   * Nothing was written to stderr.
   *
   * @return this
   */
  public S stderrIsEmpty() {
    return stderrIs("");
  }

  /**
   * Stderr contains each of {@code texts}.
   *
   * @param texts the texts
   * @return this
   */
  public S stderrContains(String... texts) {
    for (String t : texts) {
      if (!stderr().contains(t)) {
        throw failure("expected stderr to contain '" + t + "'");
      }
    }
    return self();
  }

  /**
   * Stderr contains none of {@code texts}.
   *
   * @param texts the texts
   * @return this
   */
  public S stderrDoesNotContain(String... texts) {
    for (String t : texts) {
      if (stderr().contains(t)) {
        throw failure("expected stderr not to contain '" + t + "'");
      }
    }
    return self();
  }

  static String joinLines(String... lines) {
    List<String> l = Arrays.asList(lines);
    return l.isEmpty() ? "" : String.join("\n", l) + "\n";
  }
}
