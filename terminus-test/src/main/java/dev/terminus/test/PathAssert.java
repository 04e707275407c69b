package dev.terminus.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.stream.Stream;

/** Assertions on a file or directory; made by {@link TerminusAssertions#assertThatPath(Path)}. */
public final class PathAssert {
  private final Path actual;

  PathAssert(Path actual) {
    this.actual = Objects.requireNonNull(actual, "actual");
  }

  private AssertionError failure(String message) {
    return new AssertionError(actual + ": " + message);
  }

  /**
   * The path exists.
   *
   * @return this
   */
  public PathAssert exists() {
    if (!Files.exists(actual)) {
      throw failure("expected it to exist");
    }
    return this;
  }

  /**
   * Nothing exists at the path (no half-written file was left).
   *
   * @return this
   */
  public PathAssert doesNotExist() {
    if (Files.exists(actual)) {
      throw failure("expected nothing there, but it exists");
    }
    return this;
  }

  /**
   * The file's content, read as UTF-8, is exactly {@code text}.
   *
   * @param text the content
   * @return this
   */
  public PathAssert hasContent(String text) {
    String content = read();
    if (!content.equals(text)) {
      throw failure(
          "expected the content\n" + text + "\n(end)\nbut it was\n" + content + "\n(end)");
    }
    return this;
  }

  /**
   * The file's content, read as UTF-8, contains {@code text}.
   *
   * @param text the text
   * @return this
   */
  public PathAssert contentContains(String text) {
    String content = read();
    if (!content.contains(text)) {
      throw failure("expected the content to contain '" + text + "' but it was\n" + content);
    }
    return this;
  }

  /**
   * The path is a directory with nothing in it.
   *
   * @return this
   */
  public PathAssert isEmptyDirectory() {
    if (!Files.isDirectory(actual)) {
      throw failure("expected a directory");
    }
    try (Stream<Path> entries = Files.list(actual)) {
      java.util.List<Path> all = entries.toList();
      if (!all.isEmpty()) {
        throw failure("expected an empty directory, but it holds " + all);
      }
    } catch (IOException e) {
      throw new AssertionError(actual + ": cannot list it", e);
    }
    return this;
  }

  private String read() {
    exists();
    try {
      return Files.readString(actual, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError(actual + ": cannot read it", e);
    }
  }
}
