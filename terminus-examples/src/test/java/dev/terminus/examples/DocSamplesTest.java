package dev.terminus.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java sample in README.md and docs/*.md is an excerpt of a source file of the build (any
 * module's {@code src/main/java} or {@code src/test/java}), which Maven compiles; the tests beside
 * those files run them. A sample that drifts from the code fails the build.
 *
 * <p>The comparison is line by line, ignoring indentation, runs of spaces and a trailing {@code //}
 * comment, so a sample may drop or add a comment and sit at any depth; its lines must appear
 * consecutively in one file.
 */
class DocSamplesTest {
  private static final Path ROOT = Path.of(System.getProperty("user.dir")).getParent();
  private static final Pattern SAMPLE =
      Pattern.compile("(?m)^([ \\t]*)```java\\n(.*?)^[ \\t]*```", Pattern.DOTALL);

  @Test
  void everyJavaSampleInTheReadmeAndTheDocsIsCompiledCode() throws IOException {
    Map<Path, List<String>> sources = sources();
    Map<String, String> samples = samples();
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> s : samples.entrySet()) {
      List<String> lines = normalize(s.getValue());
      boolean found =
          sources.values().stream().anyMatch(src -> Collections.indexOfSubList(src, lines) >= 0);
      if (!found) {
        missing.add(s.getKey() + ":\n" + s.getValue());
      }
    }

    assertThat(samples)
        .as("Java samples in README.md and docs/*.md")
        .hasSizeGreaterThanOrEqualTo(19);
    assertThat(missing).as("samples found in no source file of the build").isEmpty();
  }

  @Test
  void normalizingIgnoresIndentationSpacesAndTrailingComments() {
    assertThat(normalize("  a(b,  c);   // why\n\n  s = \"x // y\";\n"))
        .containsExactly("a(b, c);", "s = \"x // y\";");
  }

  /** Each sample, keyed by its file and ordinal. */
  private static Map<String, String> samples() throws IOException {
    List<Path> docs = new ArrayList<>();
    docs.add(ROOT.resolve("README.md"));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
    }
    Map<String, String> samples = new LinkedHashMap<>();
    for (Path doc : docs) {
      Matcher m = SAMPLE.matcher(Files.readString(doc));
      for (int i = 1; m.find(); i++) {
        samples.put(ROOT.relativize(doc) + " #" + i, m.group(2));
      }
    }
    return samples;
  }

  private static Map<Path, List<String>> sources() throws IOException {
    try (Stream<Path> all = Files.walk(ROOT)) {
      return all.filter(p -> p.toString().endsWith(".java"))
          .filter(
              p ->
                  p.toString().contains("/src/main/java/")
                      || p.toString().contains("/src/test/java/"))
          .filter(p -> !p.toString().contains("/target/"))
          .collect(Collectors.toMap(p -> p, p -> normalize(read(p))));
    }
  }

  static List<String> normalize(String text) {
    List<String> lines = new ArrayList<>();
    for (String raw : text.split("\n")) {
      String l = stripComment(raw).strip().replaceAll("\\s+", " ");
      if (!l.isEmpty()) {
        lines.add(l);
      }
    }
    return lines;
  }

  /** Drops a {@code //} comment that follows code, unless it is inside a string. */
  private static String stripComment(String line) {
    boolean inString = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        inString = !inString;
      } else if (!inString && c == '/' && i + 1 < line.length() && line.charAt(i + 1) == '/') {
        String code = line.substring(0, i);
        return code.isBlank() ? line : code;
      }
    }
    return line;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
