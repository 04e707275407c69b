package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code terminus run} started the way scripts start it, with signals ignored: as a background job
 * ({@code cmd &}: SIGINT ignored) and under {@code nohup} (SIGHUP too). Side by side with coreutils
 * {@code timeout} in the same place, in both forms: {@code bin/terminus} (the launcher resets the
 * signals) and {@code java -jar terminus.jar} (the JVM resets them on JDK 22 or later; on JDK 17 it
 * cannot, and says so).
 */
class BackgroundIT {
  @TempDir Path dir;
  @RegisterExtension final Procs procs = new Procs();
  private Path job;

  @BeforeEach
  void job() throws Exception {
    job =
        Proc.script(
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
    Path repo = Path.of(Proc.jar()).toAbsolutePath().getParent().getParent().getParent();
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
  private Proc background(String prefix, List<String> cmd, String signal) throws Exception {
    Proc how = procs.howInBackground(dir, prefix, cmd);
    long pid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.kill(signal, pid);
    return how;
  }

  @Test
  void inABackgroundJobSigintReachesThePythonChildUnderCoreutilsTimeout() throws Exception {
    Proc how = background("", with(List.of("timeout", "60")), "INT");
    assertThat(Procs.howEnded(how)).isEqualTo("killed by SIGINT");
    assertThat(how.out())
        .contains("child INT default")
        .contains("KeyboardInterrupt")
        .contains("finally");
  }

  @Test
  void inABackgroundJobSigintReachesThePythonChildUnderBinTerminus() throws Exception {
    Proc how = background("", with(binTerminus("run", "--")), "INT");
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(how.out())
        .contains("child INT default")
        .contains("KeyboardInterrupt")
        .contains("finally");
    assertThat(how.err()).doesNotContain("warning");
  }

  @Test
  void inABackgroundJobJavaJarHandlesSigintOnJdk22OrSaysItCannot() throws Exception {
    List<String> cmd = with(Proc.terminusCommand("run", "--"));
    if (jvmCanResetSignals()) {
      Proc how = background("", cmd, "INT");
      assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
      assertThat(how.out())
          .contains("child INT default")
          .contains("KeyboardInterrupt")
          .contains("finally");
      assertThat(how.err()).doesNotContain("warning");
    } else {
      // JDK 17: SIGINT stays ignored by terminus, which says so; the command still starts with
      // SIGINT at its default, so the ladder that SIGTERM starts gives it KeyboardInterrupt.
      Proc how = background("", cmd, "TERM");
      assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("exited 130");
      assertThat(how.out())
          .contains("child INT default")
          .contains("KeyboardInterrupt")
          .contains("finally");
      assertThat(how.err())
          .contains(
              "terminus: warning: SIGINT was ignored when terminus started (a background job,"
                  + " nohup) and this JVM cannot handle it");
    }
  }

  @Test
  void underNohupCoreutilsTimeoutPassesSighupOn() throws Exception {
    Proc how = background("nohup", with(List.of("timeout", "60")), "HUP");
    assertThat(Procs.howEnded(how)).isEqualTo("killed by SIGHUP");
    assertThat(how.out()).contains("child INT default HUP default").doesNotContain("finally");
  }

  @Test
  void underNohupSighupStartsTheLadderUnderBinTerminus() throws Exception {
    Proc how = background("nohup", with(binTerminus("run", "--")), "HUP");
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(how.out())
        .contains("child INT default HUP default")
        .contains("KeyboardInterrupt")
        .contains("finally");
  }

  @Test
  void underNohupJavaJarHandlesSighupOnJdk22OrSaysItCannot() throws Exception {
    List<String> cmd = with(Proc.terminusCommand("run", "--"));
    Proc how = background("nohup", cmd, jvmCanResetSignals() ? "HUP" : "TERM");
    assertThat(Procs.howEnded(how))
        .as(how.err())
        .isEqualTo(jvmCanResetSignals() ? "killed by SIGINT" : "exited 130");
    assertThat(how.out())
        .contains("child INT default HUP default")
        .contains("KeyboardInterrupt")
        .contains("finally");
    if (!jvmCanResetSignals()) {
      assertThat(how.err()).contains("terminus: warning: SIGHUP was ignored");
    }
  }

  @Test
  void theCtrlCDemoWorksInABackgroundJob() throws Exception {
    String line =
        String.join(
            " ",
            Proc.terminusCommand("demo", "ctrl-c").stream()
                .map(BackgroundIT::quote)
                .toArray(String[]::new));
    Proc t = procs.start(dir, List.of("bash", "-c", line + " & wait $!"));
    assertThat(t.waitFor()).as(t.out() + t.err()).isZero();
    assertThat(t.out())
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
        Proc.terminusCommand(
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
    Proc t = procs.start(dir, List.of("bash", "-c", line + " \"$(printf 'lat\\351')\""));
    assertThat(t.waitFor()).as(t.err()).isZero();
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
