package dev.terminus.cli;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Processes;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How {@code terminus run} ends and how it passes signals on, read with a real {@code waitpid} (see
 * terminus-test's {@code ChildProcess}, whose reaper calls {@code waitpid}): it dies by the signal
 * that killed its command, and it never sends a command a signal that the command's process group
 * already got from a terminal.
 */
class SignalsIT extends CliProcessTest {
  private ChildResult ended(String... command) throws Exception {
    List<String> cmd = TerminusJar.command("run");
    cmd.add("--");
    cmd.addAll(List.of(command));
    return start(cmd).await();
  }

  @Test
  void aCommandKilledBySigintEndsTerminusBySigint() throws Exception {
    assertThat(ended("python3", "-c", "import os, signal; os.kill(os.getpid(), signal.SIGINT)"))
        .diedBy("INT");
  }

  @Test
  void aCommandKilledBySigtermEndsTerminusBySigterm() throws Exception {
    assertThat(ended("sh", "-c", "kill -TERM $$")).diedBy("TERM");
  }

  @Test
  void aCommandKilledBySigkillEndsTerminusBySigkill() throws Exception {
    assertThat(ended("sh", "-c", "kill -KILL $$")).diedBy("KILL");
  }

  @Test
  void aPlainExitStaysAPlainExit() throws Exception {
    assertThat(ended("sh", "-c", "exit 3")).exitedWith(3);
  }

  @Test
  void aSignalThatDumpsCoreBecomesAnExitWith128PlusN() throws Exception {
    assertThat(ended("sh", "-c", "ulimit -c 0; kill -SEGV $$")).exitedWith(139);
  }

  @Test
  void aTimeoutIsAnExitWith124EvenWhenTheLadderKilledTheCommand() throws Exception {
    List<String> cmd = TerminusJar.command("run", "--timeout", "200ms", "--", "sleep", "60");
    assertThat(start(cmd).await()).exitedWith(124);
  }

  @Test
  void asPid1TerminusExitsWith128PlusNInstead() throws Exception {
    ChildProcess probe = start(List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.await().status() == 0, "unshare --pid needs privileges here: " + probe.stderrSoFar());
    List<String> cmd = List.of("unshare", "--pid", "--fork", "--mount-proc");
    cmd = new java.util.ArrayList<>(cmd);
    cmd.addAll(TerminusJar.command("run", "--", "sh", "-c", "kill -TERM $$"));
    // unshare --fork passes on its child's end: a signal death as a signal death.
    assertThat(start(cmd).await()).exitedWith(143);
  }

  /** A Python job whose finally block appends one line to a file, slowly enough to be hit. */
  private Path pythonJobWithFinally(Path lines) throws Exception {
    return TerminusJar.script(
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
    ChildProcess how =
        start(
            TerminusJar.command(
                "run", "-v", "--report", report.toString(), "--", "python3", job.toString()));
    long pgid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signalGroup("INT", pgid); // what a terminal does on Ctrl+C
    assertThat(how.await()).diedBy("INT");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
    assertThat(how.stderrSoFar()).contains("already got it from the process group");
    assertThat(Files.readString(report))
        .contains("\"trigger\": \"SIGINT received\"")
        .containsPattern("\"pids\": \\[\\], \"fromGroup\": \\[\\d+\\]")
        .contains("\"endsBySignal\": \"INT\"");
  }

  @Test
  void sigintToTerminusAloneIsPassedOnOnce() throws Exception {
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobWithFinally(lines);
    ChildProcess how = start(TerminusJar.command("run", "-v", "--", "python3", job.toString()));
    long pid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signal("INT", pid); // to terminus's pid only: the child did not get it
    assertThat(how.await()).diedBy("INT");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
    assertThat(how.stderrSoFar()).contains("step 1 SIGINT -> 1 process");
  }

  @Test
  void ctrlCDoesNotForceATerminusChildWhoseSecondCtrlCForces() throws Exception {
    String cp = TerminusJar.path() + File.pathSeparator + testClasses();
    ChildProcess how =
        start(
            TerminusJar.command(
                "run",
                "--",
                ChildProcess.javaExecutable(),
                "-cp",
                cp,
                SlowCleanup.class.getName(),
                "300"));
    long pgid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signalGroup("INT", pgid);
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar()).contains("cleanup done");
    assertThat(how.stderrSoFar()).doesNotContain("exit forced");
  }

  @Test
  void aShellLoopOverTerminusStopsAtCtrlC() throws Exception {
    Path job =
        TerminusJar.script(
            dir, "sleeper.py", "import time\nprint('ready', flush=True)\ntime.sleep(60)\n");
    String terminus = String.join(" ", TerminusJar.command("run", "--"));
    ChildProcess how =
        start(
            List.of(
                "bash",
                "-c",
                "for i in 1 2 3; do "
                    + terminus
                    + " python3 "
                    + job
                    + "; echo \"after $i\"; done; echo LOOP-END"));
    long pgid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signalGroup("INT", pgid);
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar()).doesNotContain("after 1").doesNotContain("LOOP-END");
  }

  /** A Python job that says whether KeyboardInterrupt reached it, then runs its finally. */
  private Path pythonJobReportingInterrupts(Path lines, boolean ignoreInt) throws Exception {
    return TerminusJar.script(
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
    ChildProcess how =
        start(
            TerminusJar.command(
                "run",
                "--ladder",
                "INT:8s,KILL",
                "--report",
                report.toString(),
                "--",
                "python3",
                job.toString()));
    long pid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signal("TERM", pid); // docker stop
    assertThat(how.await()).diedBy("INT");
    assertThat(how.stdoutSoFar()).contains("KeyboardInterrupt");
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
    ChildProcess how =
        start(
            TerminusJar.command(
                "run",
                "--ladder",
                "INT:300ms,KILL",
                "--report",
                report.toString(),
                "--",
                "python3",
                job.toString()));
    long pid = how.pid();
    how.awaitLineContaining("ready");
    Processes.signal("TERM", pid);
    assertThat(how.await()).diedBy("KILL");
    assertThat(lines).doesNotExist();
    assertThat(Files.readString(report))
        .contains("\"endedByStep\": {\"step\": 2, \"signal\": \"KILL\"}")
        .doesNotContain("\"signal\": \"TERM\"");
  }

  @Test
  void asPid1SigtermStartsTheLadderAndTerminusExitsWithTheChildsStatus() throws Exception {
    ChildProcess probe = start(List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.await().status() == 0, "unshare --pid needs privileges here: " + probe.stderrSoFar());
    Path lines = dir.resolve("finally.txt");
    Path job = pythonJobReportingInterrupts(lines, false);
    List<String> cmd =
        new java.util.ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
    cmd.addAll(
        TerminusJar.command("run", "--ladder", "INT:8s,KILL", "--", "python3", job.toString()));
    ChildProcess how = start(cmd);
    long unshare = how.pid();
    how.awaitLineContaining("ready");
    List<Long> underUnshare = Processes.children(unshare);
    assertThat(underUnshare).as("the processes unshare started").hasSize(1);
    long terminus = underUnshare.get(0);
    Processes.signal("TERM", terminus); // docker stop: SIGTERM to the container's PID 1
    assertThat(how.await()).exitedWith(130);
    assertThat(how.stdoutSoFar()).contains("KeyboardInterrupt");
    assertThat(Files.readAllLines(lines)).containsExactly("finally");
  }

  private static String testClasses() {
    String cp = System.getProperty("terminus.test.classpath");
    assertThat(cp).as("system property terminus.test.classpath (set by failsafe)").isNotNull();
    return cp;
  }
}
