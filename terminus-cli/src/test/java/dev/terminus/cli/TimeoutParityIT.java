package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Processes;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code terminus timeout} against coreutils {@code timeout}, side by side: the same arguments,
 * both run at once under a waitpid parent, and both ends compared ({@code exited N} or {@code
 * killed by SIGNAME}), each also checked against the value coreutils documents.
 */
class TimeoutParityIT extends CliProcessTest {
  /** How a child ended, waiting for it: {@code exited N} or {@code killed by SIGNAME}. */
  private static String howEnded(ChildProcess child) {
    ChildResult r = child.await();
    switch (r.ending()) {
      case EXITED:
        return "exited " + r.exitCode();
      case SIGNALED:
        return "killed by SIG" + r.signal().orElseThrow();
      default:
        throw new AssertionError("the kit could not tell how it ended: " + r);
    }
  }

  /**
   * The timeout for a child that must ignore SIGTERM: long enough for python3 to install its
   * handler first, even on a loaded machine, or the TERM would kill it before it could ignore it.
   */
  private static final String START = "2";

  private Path ignoresTerm;
  private Path interruptible;

  @BeforeEach
  void scripts() throws Exception {
    ignoresTerm =
        TerminusJar.script(
            dir,
            "noterm.py",
            "import signal, time\n"
                + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                + "print('ready', flush=True)\n"
                + "time.sleep(float(__import__('sys').argv[1]))\n");
    interruptible =
        TerminusJar.script(
            dir,
            "kbi.py",
            "import time\n"
                + "try:\n"
                + "    print('ready', flush=True)\n"
                + "    time.sleep(60)\n"
                + "except KeyboardInterrupt:\n"
                + "    print('KeyboardInterrupt', flush=True)\n"
                + "    raise\n");
  }

  /** Both tools on the same arguments; returns {coreutils, terminus} once both ended. */
  private ChildProcess[] both(String... args) throws Exception {
    List<String> c = new ArrayList<>(List.of("timeout"));
    c.addAll(List.of(args));
    List<String> t = TerminusJar.command("timeout");
    t.addAll(List.of(args));
    return new ChildProcess[] {start(c), start(t)};
  }

  private void parity(String expected, String... args) throws Exception {
    ChildProcess[] p = both(args);
    String c = howEnded(p[0]);
    String t = howEnded(p[1]);
    String what = "timeout " + String.join(" ", args);
    assertThat(c).as("coreutils " + what).isEqualTo(expected);
    assertThat(t).as("terminus " + what + "; stderr " + p[1].stderrSoFar()).isEqualTo(c);
  }

  @Test
  void aTimeoutGives124() throws Exception {
    parity("exited 124", "0.3", "sleep", "30");
  }

  @Test
  void aTimeoutWithAnotherSignalGives124() throws Exception {
    parity("exited 124", "-s", "INT", "0.3", "sleep", "30");
    parity("exited 124", "--signal=hup", "0.3", "sleep", "30");
  }

  @Test
  void preserveStatusGivesTheCommandsStatus() throws Exception {
    parity("exited 143", "--preserve-status", "0.3", "sleep", "30");
  }

  @Test
  void aChildIgnoringTheSignalRunsToItsEndAndTheStatusIsStill124() throws Exception {
    parity("exited 124", "0.3", "python3", ignoresTerm.toString(), "1");
  }

  @Test
  void killAfterKillsAChildThatIgnoresTheSignalAndDiesBySigkillItself() throws Exception {
    parity("killed by SIGKILL", "-k", "0.3", START, "python3", ignoresTerm.toString(), "30");
  }

  @Test
  void killAfterInTheForegroundGives137() throws Exception {
    parity(
        "exited 137", "--foreground", "-k", "0.3", START, "python3", ignoresTerm.toString(), "30");
  }

  @Test
  void aKillSignalOnTimeoutKillsTheToolToo() throws Exception {
    parity("killed by SIGKILL", "-s", "KILL", "0.3", "sleep", "30");
  }

  @Test
  void theCommandsOwnStatusAndSignalDeath() throws Exception {
    parity("exited 3", "30", "sh", "-c", "exit 3");
    parity("killed by SIGTERM", "30", "sh", "-c", "kill -TERM $$");
  }

  @Test
  void zeroDisablesTheTimeout() throws Exception {
    parity("exited 4", "0", "sh", "-c", "exit 4");
  }

  @Test
  void durationsTakeFractionsAndSuffixes() throws Exception {
    for (String d : List.of("1.5", ".5m", "0.01h", "0.001d", "1e1", "2s", "3.")) {
      parity("exited 5", d, "sh", "-c", "exit 5");
    }
  }

  @Test
  void missingAndNonExecutableCommands() throws Exception {
    parity("exited 127", "30", "no-such-command-terminus-test");
    parity("exited 126", "30", dir.toString());
  }

  @Test
  void usageErrorsGive125() throws Exception {
    parity("exited 125", "1x", "true");
    parity("exited 125", "-s", "NOPE", "1", "true");
    parity("exited 125", "-k", "-1", "1", "true");
    parity("exited 125", "5");
  }

  @Test
  void aSigintSentToTheToolReachesThePythonCommand() throws Exception {
    ChildProcess[] p = both("30", "python3", interruptible.toString());
    for (ChildProcess how : p) {
      long pid = how.pid();
      how.awaitLineContaining("ready");
      Processes.signal("INT", pid);
    }
    assertThat(howEnded(p[0])).isEqualTo("killed by SIGINT");
    assertThat(howEnded(p[1])).as(p[1].stderrSoFar()).isEqualTo("killed by SIGINT");
    assertThat(p[1].stdoutSoFar()).contains("KeyboardInterrupt");
  }

  @Test
  void verboseSaysEachSignalSent() throws Exception {
    ChildProcess[] p = both("-v", "-k", "0.3", START, "python3", ignoresTerm.toString(), "30");
    assertThat(howEnded(p[1])).isEqualTo(howEnded(p[0]));
    assertThat(p[0].stderrSoFar())
        .contains("sending signal TERM to command")
        .contains("sending signal KILL");
    assertThat(p[1].stderrSoFar())
        .contains("terminus timeout: sending signal TERM to command 'python3'")
        .contains("terminus timeout: sending signal KILL to command 'python3'");
  }

  @Test
  void aCoreDumpingSignalIsTheOneDocumentedDifference() throws Exception {
    // coreutils re-raises SIGSEGV with core dumps disabled; a JVM cannot, and exits 139
    // (docs/cli.md).
    ChildProcess[] p = both("30", "sh", "-c", "ulimit -c 0; kill -SEGV $$");
    assertThat(howEnded(p[0])).isEqualTo("killed by SIGSEGV");
    assertThat(howEnded(p[1])).isEqualTo("exited 139");
  }
}
