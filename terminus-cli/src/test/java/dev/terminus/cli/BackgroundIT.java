package dev.terminus.cli;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code terminus run} started the way scripts start it, with signals ignored: as a background job
 * ({@code cmd &}: SIGINT ignored) and under {@code nohup} (SIGHUP too). Side by side with coreutils
 * {@code timeout} in the same place, in both forms: {@code bin/terminus} (the launcher resets the
 * signals) and {@code java -jar terminus.jar} (the JVM resets them on JDK 22 or later; on JDK 17 it
 * cannot, and says so).
 */
class BackgroundIT extends CliProcessTest {
  /**
   * Starts {@code cmd} as a shell script's background job starts it: SIGINT and SIGQUIT ignored,
   * and SIGHUP too with the prefix {@code nohup}.
   */
  private ChildProcess startInBackground(String prefix, List<String> cmd) {
    List<String> ignored = new ArrayList<>(List.of("INT", "QUIT"));
    if (prefix.strip().equals("nohup")) {
      ignored.add("HUP");
    } else if (!prefix.isBlank()) {
      throw new IllegalArgumentException("unknown prefix '" + prefix + "'");
    }
    return children.command(cmd).directory(dir).ignoring(ignored.toArray(String[]::new)).start();
  }

  private Path job;

  @BeforeEach
  void job() throws Exception {
    job =
        TerminusJar.script(
            dir,
            "job.py",
            "import signal, time\n"
                + "ign = lambda s: 'ignored' if signal.getsignal(s) == signal.SIG_IGN else 'default'\n"
                + "print('child INT', ign(signal.SIGINT), 'HUP', ign(signal.SIGHUP), flush=True)\n"
                + "try:\n"
                + "    print('ready', flush=True)\n"
                + "    while True:\n"
                + "        time.sleep(0.05)\n"
                + "except KeyboardInterrupt:\n"
                + "    print('KeyboardInterrupt', flush=True)\n"
                + "    raise\n"
                + "finally:\n"
                + "    print('finally', flush=True)\n");
  }

  private static boolean jvmCanResetSignals() {
    return Runtime.version().feature() >= 22;
  }

  private static List<String> binTerminus(String... args) {
    Path repo = Path.of(TerminusJar.path()).toAbsolutePath().getParent().getParent().getParent();
    Path launcher = repo.resolve("bin").resolve("terminus");
    assertThat(launcher).isExecutable();
    List<String> cmd =
        new ArrayList<>(
            List.of("env", "JAVA_HOME=" + System.getProperty("java.home"), launcher.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private List<String> with(List<String> launcher) {
    List<String> cmd = new ArrayList<>(launcher);
    cmd.add("python3");
    cmd.add(job.toString());
    return cmd;
  }

  /** Starts it in the background, sends {@code signal} to the launcher, returns how it ended. */
  private ChildProcess background(String prefix, List<String> cmd, String signal) throws Exception {
    ChildProcess how = startInBackground(prefix, cmd);
    long pid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signal(signal, pid);
    return how;
  }

  @Test
  void inABackgroundJobSigintReachesThePythonChildUnderCoreutilsTimeout() throws Exception {
    ChildProcess how = background("", with(List.of("timeout", "60")), "INT");
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar())
        .contains("child INT default")
        .contains("KeyboardInterrupt")
        .contains("finally");
  }

  @Test
  void inABackgroundJobSigintReachesThePythonChildUnderBinTerminus() throws Exception {
    ChildProcess how = background("", with(binTerminus("run", "--")), "INT");
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar())
        .contains("child INT default")
        .contains("KeyboardInterrupt")
        .contains("finally");
    assertThat(how.stderrSoFar()).doesNotContain("warning");
  }

  @Test
  void inABackgroundJobJavaJarHandlesSigintOnJdk22OrSaysItCannot() throws Exception {
    List<String> cmd = with(TerminusJar.command("run", "--"));
    if (jvmCanResetSignals()) {
      ChildProcess how = background("", cmd, "INT");
      assertThat(how.await()).diedBy("INT");
      assertThat(how.stdoutSoFar())
          .contains("child INT default")
          .contains("KeyboardInterrupt")
          .contains("finally");
      assertThat(how.stderrSoFar()).doesNotContain("warning");
    } else {
      // JDK 17: SIGINT stays ignored by terminus, which says so; the command still starts with
      // SIGINT at its default, so the ladder that SIGTERM starts gives it KeyboardInterrupt.
      ChildProcess how = background("", cmd, "TERM");
      assertThat(how.await()).exitedWith(130);
      assertThat(how.stdoutSoFar())
          .contains("child INT default")
          .contains("KeyboardInterrupt")
          .contains("finally");
      assertThat(how.stderrSoFar())
          .contains(
              "terminus: warning: SIGINT was ignored when terminus started (a background job,"
                  + " nohup) and this JVM cannot handle it");
    }
  }

  @Test
  void underNohupCoreutilsTimeoutPassesSighupOn() throws Exception {
    ChildProcess how = background("nohup", with(List.of("timeout", "60")), "HUP");
    assertThat(how.await()).diedBy("HUP");
    assertThat(how.stdoutSoFar())
        .contains("child INT default HUP default")
        .doesNotContain("finally");
  }

  @Test
  void underNohupSighupStartsTheLadderUnderBinTerminus() throws Exception {
    ChildProcess how = background("nohup", with(binTerminus("run", "--")), "HUP");
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar())
        .contains("child INT default HUP default")
        .contains("KeyboardInterrupt")
        .contains("finally");
  }

  @Test
  void underNohupJavaJarHandlesSighupOnJdk22OrSaysItCannot() throws Exception {
    List<String> cmd = with(TerminusJar.command("run", "--"));
    ChildProcess how = background("nohup", cmd, jvmCanResetSignals() ? "HUP" : "TERM");
    if (jvmCanResetSignals()) {
      assertThat(how.await()).diedBy("INT");
    } else {
      assertThat(how.await()).exitedWith(130);
    }
    assertThat(how.stdoutSoFar())
        .contains("child INT default HUP default")
        .contains("KeyboardInterrupt")
        .contains("finally");
    if (!jvmCanResetSignals()) {
      assertThat(how.stderrSoFar()).contains("terminus: warning: SIGHUP was ignored");
    }
  }

  @Test
  void theCtrlCDemoWorksInABackgroundJob() throws Exception {
    String line =
        String.join(
            " ",
            TerminusJar.command("demo", "ctrl-c").stream()
                .map(BackgroundIT::quote)
                .toArray(String[]::new));
    ChildProcess t = start(List.of("bash", "-c", line + " & wait $!"));
    assertThat(t.await().status()).as(t.stdoutSoFar() + t.stderrSoFar()).isZero();
    assertThat(t.stdoutSoFar())
        .contains("died by SIGINT: 130")
        .contains("Every scenario ended as documented.");
  }

  @Test
  void nonAsciiArgumentsReachTheCommandUnchangedWithNoLocale() throws Exception {
    Path out = dir.resolve("args.txt");
    byte[] latin1 = {'l', 'a', 't', (byte) 0xe9};
    String weird = "h\u00e9llo \u2713\n'$HOME' \\0101 *";
    List<String> cmd =
        new ArrayList<>(List.of("env", "-u", "LANG", "-u", "LC_ALL", "-u", "LC_CTYPE"));
    cmd.addAll(
        TerminusJar.command(
            "run",
            "--",
            "python3",
            "-c",
            "import os, sys; open(sys.argv[1], 'wb').write(b'|'.join(os.fsencode(a) for a in"
                + " sys.argv[2:]))",
            out.toString(),
            weird,
            ""));
    // The latin-1 byte cannot travel in a Java string: hand it over through bash.
    String line = String.join(" ", cmd.stream().map(BackgroundIT::quote).toArray(String[]::new));
    ChildProcess t = start(List.of("bash", "-c", line + " \"$(printf 'lat\\351')\""));
    assertThat(t.await().status()).as(t.stderrSoFar()).isZero();
    byte[] expected =
        concat(
            weird.getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {'|', '|'}, latin1);
    assertThat(Files.readAllBytes(out)).isEqualTo(expected);
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.write(p, 0, p.length);
    }
    return b.toByteArray();
  }
}
