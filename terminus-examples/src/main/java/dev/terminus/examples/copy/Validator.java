package dev.terminus.examples.copy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Stands for a third-party library that ends the JVM itself when it dislikes its input. */
final class Validator {
  private Validator() {}

  static void check(Path source) throws IOException {
    if (Files.isRegularFile(source) && Files.size(source) == 0) {
      System.err.println("validator: " + source + " is empty");
      System.exit(65);
    }
  }
}
