package dev.terminus.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link ChildProcess#defaultClasspath()} from its three system properties. */
class DefaultClasspathTest {
  private static final String SEP = File.pathSeparator;

  @Test
  void withNeitherPropertyChildrenGetTheTestJvmsClasspath() {
    assertThat(ChildProcess.classpath(null, null, "jvm.jar")).isEqualTo("jvm.jar");
    assertThat(ChildProcess.classpath(" ", "", "jvm.jar")).isEqualTo("jvm.jar");
  }

  @Test
  void theClassesComeFirstThenTheEntriesOfTheFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("cp.txt"), "  a.jar" + SEP + "b.jar\n");

    assertThat(ChildProcess.classpath("classes" + SEP + "test-classes", file.toString(), "jvm.jar"))
        .isEqualTo("classes" + SEP + "test-classes" + SEP + "a.jar" + SEP + "b.jar");
    assertThat(ChildProcess.classpath(null, file.toString(), "jvm.jar"))
        .isEqualTo("a.jar" + SEP + "b.jar");
    assertThat(ChildProcess.classpath("classes", null, "jvm.jar")).isEqualTo("classes");
  }

  @Test
  void anEmptyFileAddsNothing(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("cp.txt"), "\n");

    assertThat(ChildProcess.classpath("classes", file.toString(), "jvm.jar")).isEqualTo("classes");
  }

  @Test
  void aFileThatCannotBeReadIsAnErrorNamingTheProperty(@TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");

    assertThatThrownBy(() -> ChildProcess.classpath("classes", missing.toString(), "jvm.jar"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("terminus.test.classpath.file")
        .hasMessageContaining(missing.toString());
  }
}
