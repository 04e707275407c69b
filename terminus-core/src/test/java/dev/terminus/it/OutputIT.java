package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.it.Child.Result;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** System.out under Terminus.run on a pipe whose reader leaves, and on a real terminal. */
@Timeout(300)
class OutputIT {
  /** How long a prompt may take to show once the JVM has started; only a failing test waits it. */
  private static final long PROMPT_SECONDS = 30;

  private static String shellCommand(String scenario, String... jvm) {
    return Child.command(OutputScenarios.class, List.of(jvm)).stream()
        .map(s -> "'" + s + "'").collect(Collectors.joining(" ")) + " " + scenario;
  }

  /** Pipes the scenario into {@code head -n 1}, which exits after the first line. */
  private static Result intoHead(String... jvm) {
    String pipeline = shellCommand("yes", jvm) + " | head -n 1";
    try (Child c = Child.exec(List.of("bash", "-c", pipeline), Map.of(), null)) {
      return c.finish();
    }
  }

  @Test
  void checkErrorTurnsTrueOnceTheReaderOfThePipeIsGone() {
    Result r = intoHead();
    assertThat(r.stdout()).isEqualTo("y\n");
    assertThat(r.stderr()).isEqualTo("checkError true" + System.lineSeparator());
  }

  @Test
  void theJdksOwnStreamDoesTheSame() {
    Result r = intoHead("-Dterminus.stdout=jdk");
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

  private static void assertPromptShowsThenGreets(String scenario) throws Exception {
    assertThat(Files.isExecutable(Path.of("/usr/bin/script")))
        .as("script is required (util-linux; Debian's essential bsdutils)").isTrue();
    try (Terminal t = new Terminal(shellCommand(scenario))) {
      assertThat(t.await("Name? ", PROMPT_SECONDS))
          .as("the prompt shows before anything is typed").isTrue();
      t.type("Ada\n");
      assertThat(t.await("Hello, Ada", Child.GUARD_SECONDS)).as(t.seen()).isTrue();
      assertThat(t.finish()).isZero();
    }
  }

  /**
   * A command run by {@code script} on a new pseudo-terminal: its stdin, stdout and stderr are
   * the terminal; what it shows arrives here, and what is typed goes to it.
   */
  private static final class Terminal implements AutoCloseable {
    private final Process process;
    private final StringBuilder seen = new StringBuilder(); // guarded by seen

    Terminal(String command) throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder("script", "-q", "-e", "-f", "-c", command, "/dev/null");
      pb.environment().keySet().removeIf(k -> k.startsWith("TERMINUS_"));
      pb.redirectErrorStream(true);
      process = pb.start();
      Thread pump = new Thread(() -> pump(process.getInputStream()), "terminal-pump");
      pump.setDaemon(true);
      pump.start();
    }

    private void pump(InputStream in) {
      byte[] buf = new byte[4096];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          synchronized (seen) {
            seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            seen.notifyAll();
          }
        }
      } catch (IOException e) {
        // the terminal closed; what was seen stays
      }
    }

    /** Waits until the screen has shown {@code text}; false if it has not within the time. */
    boolean await(String text, long seconds) throws InterruptedException {
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      synchronized (seen) {
        while (seen.indexOf(text) < 0) {
          long left = until - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          TimeUnit.NANOSECONDS.timedWait(seen, left);
        }
        return true;
      }
    }

    String seen() {
      synchronized (seen) {
        return seen.toString();
      }
    }

    void type(String keys) throws IOException {
      OutputStream keyboard = process.getOutputStream();
      keyboard.write(keys.getBytes(StandardCharsets.UTF_8));
      keyboard.flush();
    }

    int finish() throws InterruptedException {
      if (!process.waitFor(Child.GUARD_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("the terminal's command outlived the guard; it showed: " + seen());
      }
      return process.exitValue();
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }
}
