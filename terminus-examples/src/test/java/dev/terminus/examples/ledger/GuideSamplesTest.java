package dev.terminus.examples.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in docs/never-commit-after-exit.md is a verbatim excerpt of the example's
 * sources, which compile and are tested: a sample that drifts from the code fails the build.
 */
class GuideSamplesTest {
  private static final Path MODULE = Path.of(System.getProperty("user.dir"));
  private static final Path GUIDE =
      MODULE.resolve("../docs/never-commit-after-exit.md").normalize();

  @Test
  void everyJavaSampleInTheGuideIsCopiedFromTheExample() throws IOException {
    String guide = Files.readString(GUIDE);
    List<String> samples = new ArrayList<>();
    Matcher m = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL).matcher(guide);
    while (m.find()) {
      samples.add(m.group(1));
    }
    String sources;
    try (Stream<Path> files = Files.walk(MODULE.resolve("src/main/java"))) {
      sources =
          files
              .filter(p -> p.toString().endsWith(".java"))
              .map(GuideSamplesTest::read)
              .collect(Collectors.joining("\n"));
    }

    assertThat(samples).hasSizeGreaterThanOrEqualTo(6);
    for (String sample : samples) {
      assertThat(sources).as("a sample in %s", GUIDE).contains(sample);
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
