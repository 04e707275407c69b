package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exit status of {@code terminus run} equals that of coreutils {@code timeout} on the same
 * command: both are run, both statuses compared, and each checked against the expected value.
 */
class ParityIT extends CliProcessTest {
  private Path notExecutable;

  @BeforeEach
  void files() throws Exception {
    notExecutable = dir.resolve("not-executable.sh");
    Files.writeString(notExecutable, "#!/bin/sh\necho never\n");
    assertThat(notExecutable.toFile().setExecutable(false)).isTrue();
  }

  private void parity(String timeout, String duration, int expected, String... command)
      throws Exception {
    List<String> coreutils = new ArrayList<>(List.of("timeout", timeout));
    coreutils.addAll(List.of(command));
    ChildProcess c = start(coreutils);
    List<String> args = new ArrayList<>(List.of("run", "--timeout", duration, "--"));
    args.addAll(List.of(command));
    ChildProcess t = terminus(args.toArray(new String[0]));
    int cs = c.await().status();
    int ts = t.await().status();
    assertThat(cs).as("coreutils timeout " + String.join(" ", command)).isEqualTo(expected);
    assertThat(ts)
        .as("terminus run " + String.join(" ", command) + "; stderr " + t.stderrSoFar())
        .isEqualTo(cs);
  }

  @Test
  void success() throws Exception {
    parity("30", "30s", 0, "true");
  }

  @Test
  void ownStatus() throws Exception {
    parity("30", "30s", 3, "sh", "-c", "exit 3");
  }

  @Test
  void deathBySigsegv() throws Exception {
    parity("30", "30s", 139, "sh", "-c", "ulimit -c 0; kill -SEGV $$");
  }

  @Test
  void timedOut() throws Exception {
    parity("1", "1s", 124, "sleep", "60");
  }

  @Test
  void commandNotFound() throws Exception {
    parity("30", "30s", 127, "no-such-command-terminus-test");
  }

  @Test
  void commandNotExecutable() throws Exception {
    parity("30", "30s", 126, notExecutable.toString());
  }
}
