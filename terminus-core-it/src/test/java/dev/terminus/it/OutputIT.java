package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** System.out under Terminus.run on a pipe whose reader leaves, and on a real terminal. */
@Timeout(300)
class OutputIT {
  /** How long a prompt may take to show once the JVM has started; only a failing test waits it. */
  private static final long PROMPT_SECONDS = 30;

  private static String shellCommand(String scenario, String... jvm) {
    return ChildProcess.javaCommand(OutputScenarios.class, List.of(jvm)).stream()
            .map(s -> "'" + s + "'")
            .collect(Collectors.joining(" "))
        + " "
        + scenario;
  }

  /** Pipes the scenario into {@code head -n 1}, which exits after the first line. */
  private static ChildResult intoHead(String... jvm) {
    String pipeline = shellCommand("yes", jvm) + " | head -n 1";
    try (ChildProcess c = ChildProcess.command(List.of("bash", "-c", pipeline)).start()) {
      return c.await();
    }
  }

  @Test
  void checkErrorTurnsTrueOnceTheReaderOfThePipeIsGone() {
    ChildResult r = intoHead();
    assertThat(r.stdout()).isEqualTo("y\n");
    assertThat(r.stderr()).isEqualTo("checkError true" + System.lineSeparator());
  }

  @Test
  void theJdksOwnStreamDoesTheSame() {
    ChildResult r = intoHead("-Dterminus.stdout=jdk");
    assertThat(r.stderr()).isEqualTo("checkError true" + System.lineSeparator());
  }

  @Test
  void onATerminalAPromptShowsBeforeAScannerMadeBeforeRunReads() throws Exception {
    assertPromptShowsThenGreets("prompt-early-scanner");
  }

  @Test
  void onATerminalAPromptShowsBeforeConsoleReadLine() throws Exception {
    assertPromptShowsThenGreets("prompt-console");
  }

  private static void assertPromptShowsThenGreets(String scenario) {
    assertThat(Files.isExecutable(Path.of("/usr/bin/script")))
        .as("script is required (util-linux; Debian's essential bsdutils)")
        .isTrue();
    // script runs the command on a new pseudo-terminal: its stdin, stdout and stderr are the
    // terminal; what it shows arrives on script's stdout, and what is typed goes to its stdin.
    try (ChildProcess t =
        ChildProcess.command("script", "-q", "-e", "-f", "-c", shellCommand(scenario), "/dev/null")
            .keepStdinOpen()
            .start()) {
      t.awaitOutput("Name? ", Duration.ofSeconds(PROMPT_SECONDS)); // before anything is typed
      t.writeStdin("Ada\n");
      t.awaitOutput("Hello, Ada");
      assertThat(t.await().status()).isZero();
    }
  }
}
