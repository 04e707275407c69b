package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code terminus run} ends and how it passes signals on, read with a real {@code waitpid} (see
 * {@link Procs#how}): it dies by the signal that killed its command, and it never sends a command a
 * signal that the command's process group already got from a terminal.
 */
class SignalsIT {
  @TempDir Path dir;
  @RegisterExtension final Procs procs = new Procs();

  private String ended(String... command) throws Exception {
    List<String> cmd = Proc.terminusCommand("run");
    cmd.add("--");
    cmd.addAll(List.of(command));
    return Procs.howEnded(procs.how(dir, false, cmd));
  }

  @Test
  void aCommandKilledBySigintEndsTerminusBySigint() throws Exception {
    assertThat(ended("python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGINT)"))
        .isEqualTo("killed by SIGINT");
  }

  @Test
  void aCommandKilledBySigtermEndsTerminusBySigterm() throws Exception {
    assertThat(ended("sh", "-c", "kill -TERM $$")).isEqualTo("killed by SIGTERM");
  }

  @Test
  void aCommandKilledBySigkillEndsTerminusBySigkill() throws Exception {
    assertThat(ended("sh", "-c", "kill -KILL $$")).isEqualTo("killed by SIGKILL");
  }

  @Test
  void aPlainExitStaysAPlainExit() throws Exception {
    assertThat(ended("sh", "-c", "exit 3")).isEqualTo("exited 3");
  }

  @Test
  void aSignalThatDumpsCoreBecomesAnExitWith128PlusN() throws Exception {
    assertThat(ended("sh", "-c", "ulimit -c 0; kill -SEGV $$")).isEqualTo("exited 139");
  }

  @Test
  void aTimeoutIsAnExitWith124EvenWhenTheLadderKilledTheCommand() throws Exception {
    List<String> cmd = Proc.terminusCommand("run", "--timeout", "200ms", "--", "sleep", "60");
    assertThat(Procs.howEnded(procs.how(dir, false, cmd))).isEqualTo("exited 124");
  }

  @Test
  void asPid1TerminusExitsWith128PlusNInstead() throws Exception {
    Proc probe = procs.start(dir, List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.waitFor() == 0, "unshare --pid needs privileges here: " + probe.err());
    List<String> cmd = List.of("unshare", "--pid", "--fork", "--mount-proc");
    cmd = new java.util.ArrayList<>(cmd);
    cmd.addAll(Proc.terminusCommand("run", "--", "sh", "-c", "kill -TERM $$"));
    // unshare --fork passes on its child's end: a signal death as a signal death.
    assertThat(Procs.howEnded(procs.how(dir, false, cmd))).isEqualTo("exited 143");
  }

  /** A Python job whose finally block appends one line to a file, slowly enough to be hit. */
  private Path pythonJobWithFinally(Path lines) throws Exception {
    return Proc.script(
        dir,
        "job.py",
        "import time\n"
            + "try:\n"
            + "    print('ready', flush=True)\n"
            + "    while True:\n"
            + "        time.sleep(0.05)\n"
            + "finally:\n"
            + "    time.sleep(0.5)\n" // a second SIGINT here would abort the finally block
            + "    with open('"
            + lines
            + "', 'a') as f:\n"
            + "        f.write('finally\\n')\n");
  }

  @Test
  void ctrlCInTheForegroundGroupReachesAPythonChildOnceAndItsFinallyRunsOnce() throws Exception {
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobWithFinally(lines);
    Path report = dir.resolve("fg.json");
    Proc how =
        procs.how(
            dir,
            true,
            Proc.terminusCommand(
                "run", "-v", "--report", report.toString(), "--", "python3", job.toString()));
    long pgid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.killGroup("INT", pgid); // what a terminal does on Ctrl+C
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
    assertThat(how.err()).contains("already got it from the process group");
    assertThat(Files.readString(report))
        .contains("\"trigger\": \"SIGINT received\"")
        .containsPattern("\"pids\": \\[\\], \"fromGroup\": \\[\\d+\\]")
        .contains("\"endsBySignal\": \"INT\"");
  }

  @Test
  void sigintToTerminusAloneIsPassedOnOnce() throws Exception {
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobWithFinally(lines);
    Proc how =
        procs.how(dir, true, Proc.terminusCommand("run", "-v", "--", "python3", job.toString()));
    long pid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.kill("INT", pid); // to terminus's pid only: the child did not get it
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
    assertThat(how.err()).contains("step 1 SIGINT -> 1 process");
  }

  @Test
  void ctrlCDoesNotForceATerminusChildWhoseSecondCtrlCForces() throws Exception {
    String cp = Proc.jar() + File.pathSeparator + testClasses();
    Proc how =
        procs.how(
            dir,
            true,
            Proc.terminusCommand(
                "run", "--", Proc.java(), "-cp", cp, SlowCleanup.class.getName(), "300"));
    long pgid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.killGroup("INT", pgid);
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(how.out()).contains("cleanup done");
    assertThat(how.err()).doesNotContain("exit forced");
  }

  @Test
  void aShellLoopOverTerminusStopsAtCtrlC() throws Exception {
    Path job =
        Proc.script(dir, "sleeper.py", "import time\nprint('ready', flush=True)\ntime.sleep(60)\n");
    String terminus = String.join(" ", Proc.terminusCommand("run", "--"));
    Proc how =
        procs.how(
            dir,
            true,
            List.of(
                "bash",
                "-c",
                "for i in 1 2 3; do "
                    + terminus
                    + " python3 "
                    + job
                    + "; echo \"after $i\"; done; echo LOOP-END"));
    long pgid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.killGroup("INT", pgid);
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(how.out()).doesNotContain("after 1").doesNotContain("LOOP-END");
  }

  /** A Python job that says whether KeyboardInterrupt reached it, then runs its finally. */
  private Path pythonJobReportingInterrupts(Path lines, boolean ignoreInt) throws Exception {
    return Proc.script(
        dir,
        "docker.py",
        "import signal, time\n"
            + (ignoreInt ? "signal.signal(signal.SIGINT, signal.SIG_IGN)\n" : "")
            + "try:\n"
            + "    print('ready', flush=True)\n"
            + "    while True:\n"
            + "        time.sleep(0.05)\n"
            + "except KeyboardInterrupt:\n"
            + "    print('KeyboardInterrupt', flush=True)\n"
            + "    raise\n"
            + "finally:\n"
            + "    with open('"
            + lines
            + "', 'a') as f:\n"
            + "        f.write('finally\\n')\n");
  }

  @Test
  void sigtermToTerminusStartsTheLaddersFirstStepSoAPythonChildGetsSigintFirst() throws Exception {
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobReportingInterrupts(lines, false);
    Path report = dir.resolve("docker.json");
    Proc how =
        procs.how(
            dir,
            false,
            Proc.terminusCommand(
                "run",
                "--ladder",
                "INT:8s,KILL",
                "--report",
                report.toString(),
                "--",
                "python3",
                job.toString()));
    long pid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.kill("TERM", pid); // docker stop
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGINT");
    assertThat(how.out()).contains("KeyboardInterrupt");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
    assertThat(Files.readString(report))
        .contains("\"trigger\": \"SIGTERM received\"")
        .containsPattern("\"steps\": \\[\\s*\\{\"step\": 1, \"signal\": \"INT\"")
        .doesNotContain("\"signal\": \"TERM\"")
        .contains("\"endedByStep\": {\"step\": 1, \"signal\": \"INT\"}");
  }

  @Test
  void sigtermToTerminusClimbsTheWholeLadderForAChildThatIgnoresSigint() throws Exception {
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobReportingInterrupts(lines, true);
    Path report = dir.resolve("stubborn.json");
    Proc how =
        procs.how(
            dir,
            false,
            Proc.terminusCommand(
                "run",
                "--ladder",
                "INT:300ms,KILL",
                "--report",
                report.toString(),
                "--",
                "python3",
                job.toString()));
    long pid = Procs.pidOf(how);
    how.awaitLine("ready");
    Proc.kill("TERM", pid);
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("killed by SIGKILL");
    assertThat(lines).doesNotExist();
    assertThat(Files.readString(report))
        .contains("\"endedByStep\": {\"step\": 2, \"signal\": \"KILL\"}")
        .doesNotContain("\"signal\": \"TERM\"");
  }

  @Test
  void asPid1SigtermStartsTheLadderAndTerminusExitsWithTheChildsStatus() throws Exception {
    Proc probe = procs.start(dir, List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.waitFor() == 0, "unshare --pid needs privileges here: " + probe.err());
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobReportingInterrupts(lines, false);
    List<String> cmd =
        new java.util.ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
    cmd.addAll(
        Proc.terminusCommand("run", "--ladder", "INT:8s,KILL", "--", "python3", job.toString()));
    Proc how = procs.how(dir, false, cmd);
    long unshare = Procs.pidOf(how);
    how.awaitLine("ready");
    long terminus =
        ProcessHandle.of(unshare).orElseThrow().children().findFirst().orElseThrow().pid();
    Proc.kill("TERM", terminus); // docker stop: SIGTERM to the container's PID 1
    assertThat(Procs.howEnded(how)).as(how.err()).isEqualTo("exited 130");
    assertThat(how.out()).contains("KeyboardInterrupt");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
  }

  private static String testClasses() {
    String cp = System.getProperty("terminus.test.classpath");
    assertThat(cp).as("system property terminus.test.classpath (set by failsafe)").isNotNull();
    return cp;
  }
}
