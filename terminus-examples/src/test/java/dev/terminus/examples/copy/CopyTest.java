package dev.terminus.examples.copy;

import static dev.terminus.test.TerminusAssertions.assertThat;

import dev.terminus.test.CallResult;
import dev.terminus.test.InJvm;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-JVM examples of docs/testing.md, verbatim. */
class CopyTest {
  @Test
  void aMissingSourceExits66WithOneLineAndCleansUp(@TempDir Path dir) {
    Path missing = dir.resolve("missing.txt");

    CallResult r = InJvm.call(Copy.RUNNER, Copy::copy, missing.toString(), dir + "/target.txt");

    assertThat(r).hasStatus(66).stderrIs("copy: " + missing + "\n").ranCleanup("partial file");
  }

  @Test
  void noArgumentsIsAUsageError() {
    CallResult r = InJvm.call(Copy.RUNNER, Copy::copy);

    assertThat(r)
        .hasStatus(64)
        .stderrIs("usage: copy SOURCE TARGET [--pause-ms N]\n")
        .ranNoCleanup();
  }
}
