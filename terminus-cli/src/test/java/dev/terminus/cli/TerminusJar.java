package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shaded jar under test ({@code target/terminus.jar}, built by the package phase) and the
 * command lines and scripts the *IT tests run with terminus-test.
 */
final class TerminusJar {
  private TerminusJar() {}

  /** The jar, named by failsafe's system property {@code terminus.test.jar}. */
  static String path() {
    String jar = System.getProperty("terminus.test.jar");
    assertThat(jar).as("system property terminus.test.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    return jar;
  }

  /** {@code java -jar terminus.jar ARGS}, with the java that runs these tests (JDK 17 or 25). */
  static List<String> command(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ChildProcess.javaExecutable());
    cmd.add("-jar");
    cmd.add(path());
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Writes an executable script. */
  static Path script(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    assertThat(p.toFile().setExecutable(true)).isTrue();
    return p;
  }
}
