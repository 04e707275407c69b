package dev.terminus.picocli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The classpath of this module's child JVMs: its classes and test classes, then its runtime jars.
 */
final class ChildClasspath {
  private ChildClasspath() {}

  static String get() {
    String classes = System.getProperty("terminus.test.classpath");
    String file = System.getProperty("terminus.child.classpath.file");
    if (classes == null || file == null) {
      throw new IllegalStateException(
          "run with Maven (mvn verify): the child classpath comes from"
              + " failsafe's systemPropertyVariables");
    }
    try {
      return classes
          + File.pathSeparator
          + Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
