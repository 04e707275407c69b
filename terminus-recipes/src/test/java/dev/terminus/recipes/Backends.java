package dev.terminus.recipes;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Each recipe's child JVM gets one logging backend's classpath: Log4j 2 and Logback cannot share
 * one JVM as SLF4J backends and shutdown-hook owners.
 */
final class Backends {
  private Backends() {}

  /**
   * The test classes, then the backend's jars and terminus-core, as Maven resolved them.
   *
   * @param backend {@code log4j} or {@code logback}: which classpath file to use
   */
  static String classpath(String backend) throws IOException {
    String classes = System.getProperty("terminus.recipes.classes");
    String file = System.getProperty("terminus.recipes.classpath." + backend);
    if (classes == null || file == null) {
      throw new IllegalStateException(
          "run with Maven (mvn verify): the child classpath for "
              + backend
              + " comes from failsafe's systemPropertyVariables");
    }
    return classes
        + File.pathSeparator
        + Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
  }

  /** The file's text, or "" if it does not exist. */
  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
