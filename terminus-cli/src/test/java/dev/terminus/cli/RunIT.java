package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code terminus run} supervising real children: python3 scripts, shells, a process tree. */
class RunIT extends CliProcessTest {
  @Test
  void timeoutStopsAPythonScriptWhoseFinallyRuns() throws Exception {
    Path marker = dir.resolve("finally.marker");
    Path py =
        TerminusJar.script(
            dir,
            "job.py",
            "import signal, time\n"
                + "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
                + "try:\n"
                + "    print('working', flush=True)\n"
                + "    while True:\n"
                + "        time.sleep(0.1)\n"
                + "finally:\n"
                + "    open('"
                + marker
                + "', 'w').write('cleaned up')\n");
    ChildProcess t = terminus("run", "--timeout", "1s", "--", "python3", py.toString());
    int status = t.await().status();
    assertThat(status).as(t.stderrSoFar()).isEqualTo(124);
    assertThat(marker).hasContent("cleaned up");
    assertThat(t.stderrSoFar()).contains("KeyboardInterrupt"); // the traceback Python printed
  }

  @Test
  void aScriptIgnoringIntAndTermIsKilledAtTheKillStepAndTheReportSaysSo() throws Exception {
    Path py =
        TerminusJar.script(
            dir,
            "stubborn.py",
            "import signal, time\n"
                + "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                + "print('ready', flush=True)\n"
                + "while True:\n"
                + "    time.sleep(0.1)\n");
    Path report = dir.resolve("report.json");
    ChildProcess t =
        terminus(
            "run",
            "-v",
            "--timeout",
            "1s",
            "--ladder",
            "INT:500ms,TERM:500ms,KILL",
            "--report",
            report.toString(),
            "--",
            "python3",
            py.toString());
    t.awaitLineContaining("ready");
    int status = t.await().status();
    assertThat(status).as(t.stderrSoFar()).isEqualTo(124);
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"timedOut\": true")
        .contains("\"endedByStep\": {\"step\": 3, \"signal\": \"KILL\"}")
        .contains("\"signal\": \"KILL\"")
        .contains("\"status\": 124");
    assertThat(t.stderrSoFar())
        .contains("step 3 SIGKILL")
        .contains("ended by ladder step 3 (KILL)");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void noDescendantSurvivesNotEvenASetsidEscapee() throws Exception {
    Path sh =
        TerminusJar.script(
            dir,
            "tree.sh",
            "#!/bin/sh\n"
                + "trap '' TERM\n"
                + "sh -c 'echo $$ > gc.pid; exec sleep 1000' &\n"
                + "setsid sh -c 'echo $$ > esc.pid; exec sleep 1000' &\n"
                + "while [ ! -s gc.pid ] || [ ! -s esc.pid ]; do sleep 0.05; done\n"
                + "echo \"ready $$\"\n"
                + "wait\n");
    Path report = dir.resolve("tree.json");
    ChildProcess t =
        terminus(
            "run",
            "--timeout",
            "1s",
            "--ladder",
            "TERM:1s,KILL",
            "--report",
            report.toString(),
            "--",
            sh.toString());
    String ready = t.awaitLineContaining("ready");
    List<Long> pids = new ArrayList<>();
    pids.add(Long.parseLong(ready.substring("ready ".length()).trim()));
    pids.add(Long.parseLong(Files.readString(dir.resolve("gc.pid")).trim()));
    pids.add(Long.parseLong(Files.readString(dir.resolve("esc.pid")).trim()));
    int status = t.await().status();
    assertThat(status).as(t.stderrSoFar()).isEqualTo(124);
    for (long pid : pids) {
      assertThat(Processes.isAlive(pid)).as("pid " + pid + " alive after terminus ended").isFalse();
    }
    assertThat(Files.readString(report)).contains("\"survivors\": []");
  }

  @Test
  void sigintToTerminusReachesAPythonChildAsKeyboardInterrupt() throws Exception {
    Path py =
        TerminusJar.script(
            dir,
            "ctrlc.py",
            "import signal, time\n"
                + "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
                + "try:\n"
                + "    print('ready', flush=True)\n"
                + "    while True:\n"
                + "        time.sleep(0.1)\n"
                + "except KeyboardInterrupt:\n"
                + "    print('caught KeyboardInterrupt', flush=True)\n");
    ChildProcess t = terminus("run", "--", "python3", py.toString());
    t.awaitLineContaining("ready");
    Processes.signal("INT", t.pid());
    t.awaitLineContaining("caught KeyboardInterrupt");
    assertThat(t.await().status()).as(t.stderrSoFar()).isZero();
  }

  @Test
  void aKillFromOutsideTheLadderIsReportedAsSuch() throws Exception {
    Path py =
        TerminusJar.script(
            dir,
            "victim.py",
            "import os, time\n"
                + "print('ready', os.getpid(), flush=True)\n"
                + "while True:\n"
                + "    time.sleep(0.1)\n");
    Path report = dir.resolve("outside.json");
    ChildProcess t =
        terminus("run", "-v", "--report", report.toString(), "--", "python3", py.toString());
    String ready = t.awaitLineContaining("ready");
    Processes.signal("KILL", Long.parseLong(ready.split(" ")[1]));
    assertThat(t.await().status()).isEqualTo(137);
    assertThat(Files.readString(report))
        .contains("killed by SIGKILL from outside the ladder")
        .contains("\"endedByStep\": null");
    assertThat(t.stderrSoFar()).contains("killed by SIGKILL from outside the ladder");
  }

  /** The finding's escapee: a double fork, so its parent is gone before any scan sees it. */
  private long escapeeStopped(String escape) throws Exception {
    Path sh =
        TerminusJar.script(
            dir,
            "escape.sh",
            "#!/bin/bash\n"
                + "( "
                + escape
                + " & echo $! > esc.pid )\n"
                + "while [ ! -s esc.pid ]; do sleep 0.05; done\n"
                + "echo ready\n"
                + "sleep 300\n");
    Path report = dir.resolve("escape.json");
    ChildProcess t =
        terminus(
            "run",
            "-v",
            "--timeout",
            "1s",
            "--ladder",
            "TERM:1s,KILL",
            "--report",
            report.toString(),
            "--",
            sh.toString());
    t.awaitLineContaining("ready");
    long escapee = Long.parseLong(Files.readString(dir.resolve("esc.pid")).trim());
    t.alsoKill(escapee); // killed at the end of the test whatever happens
    assertThat(t.await().status()).as(t.stderrSoFar()).isEqualTo(124);
    assertThat(Files.readString(report)).contains("\"survivors\": []");
    return escapee;
  }

  @Test
  void aDoubleForkedSetsidEscapeeIsStopped() throws Exception {
    long escapee = escapeeStopped("setsid sleep 301");
    assertThat(Processes.isAlive(escapee)).as("escapee " + escapee + " alive").isFalse();
  }

  @Test
  void anEscapeeThatClearsItsEnvironmentIsStoppedWhereTerminusIsASubreaper() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.version().feature() >= 22,
        "a child subreaper needs the JDK 22 foreign-function API");
    long escapee = escapeeStopped("setsid env -i sleep 302");
    assertThat(Processes.isAlive(escapee)).as("escapee " + escapee + " alive").isFalse();
  }

  @Test
  void aDescendantStillAliveAfterTheLastStepIsNamed() throws Exception {
    Path sh =
        TerminusJar.script(
            dir,
            "survivor.sh",
            "#!/bin/sh\n"
                + "trap 'exit 0' TERM\n"
                + "sh -c 'trap \"\" TERM; echo $$ > survivor.pid; exec sleep 1000 >/dev/null 2>&1' &\n"
                + "while [ ! -s survivor.pid ]; do sleep 0.05; done\n"
                + "echo ready\n"
                + "while true; do sleep 0.05; done\n");
    Path report = dir.resolve("survivor.json");
    ChildProcess t =
        terminus(
            "run",
            "--timeout",
            "500ms",
            "--ladder",
            "TERM:300ms",
            "--report",
            report.toString(),
            "--",
            sh.toString());
    t.awaitLineContaining("ready");
    long survivor = Long.parseLong(Files.readString(dir.resolve("survivor.pid")).trim());
    t.alsoKill(survivor);
    assertThat(t.await().status()).as(t.stderrSoFar()).isEqualTo(124);
    assertThat(Processes.isAlive(survivor)).isTrue();
    assertThat(Files.readString(report))
        .contains("\"survivors\": [{\"pid\": " + survivor + ", \"name\": \"sleep\"}]");
    assertThat(t.stderrSoFar())
        .contains("terminus: still alive after the ladder, not stopped: " + survivor + " (sleep)");
    t.kill(); // the survivor, left running on purpose
  }

  /** A command that starts a setsid escapee, says its pid, and exits 3 at once. */
  private Path leavesAnEscapee() throws Exception {
    return TerminusJar.script(
        dir,
        "leaves.sh",
        "#!/bin/sh\n"
            + "setsid sh -c 'echo $$ > left.pid; exec sleep 1000' >/dev/null 2>&1 &\n"
            + "while [ ! -s left.pid ]; do sleep 0.05; done\n"
            + "exit 3\n");
  }

  @Test
  void whatTheCommandLeavesRunningIsStoppedWithTheLadderByDefault() throws Exception {
    Path report = dir.resolve("left.json");
    ChildProcess t =
        terminus(
            "run",
            "-v",
            "--ladder",
            "TERM:5s,KILL",
            "--report",
            report.toString(),
            "--",
            leavesAnEscapee().toString());
    int status = t.await().status();
    long left = Long.parseLong(Files.readString(dir.resolve("left.pid")).trim());
    t.alsoKill(left);
    assertThat(status).as(t.stderrSoFar()).isEqualTo(3); // the command's own status
    assertThat(Processes.isAlive(left)).as("leftover " + left + " alive").isFalse();
    assertThat(t.stderrSoFar()).contains("the command ended, leaving " + left + " (sleep)");
    assertThat(Files.readString(report))
        .contains("\"trigger\": \"the command ended, leaving 1 process [" + left + "]\"")
        .contains("\"endedBy\": \"exited on its own\"")
        .contains("\"survivors\": []");
  }

  @Test
  void leftoversLeaveKeepsThemRunningAndSaysSo() throws Exception {
    ChildProcess t =
        terminus("run", "-v", "--leftovers", "leave", "--", leavesAnEscapee().toString());
    int status = t.await().status();
    long left = Long.parseLong(Files.readString(dir.resolve("left.pid")).trim());
    t.alsoKill(left);
    assertThat(status).as(t.stderrSoFar()).isEqualTo(3);
    assertThat(Processes.isAlive(left)).isTrue();
    assertThat(t.stderrSoFar()).contains("the command ended; left running: " + left + " (sleep)");
    t.kill(); // the leftover, left running on purpose
  }

  @Test
  void asPid1TerminusReapsOrphansOrSaysAnInitIsNeeded() throws Exception {
    ChildProcess probe = start(List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.await().status() == 0, "unshare --pid needs privileges here: " + probe.stderrSoFar());
    Path sh =
        TerminusJar.script(
            dir,
            "orphan.sh",
            "#!/bin/sh\n"
                + "( sleep 0.2 & echo $! > orphan.pid )\n" // re-parented to PID 1: terminus
                + "while [ ! -s orphan.pid ]; do sleep 0.05; done\n"
                + "p=$(cat orphan.pid); n=0\n"
                + "while [ -e /proc/$p ] && [ $n -lt 200 ]; do n=$((n+1)); sleep 0.05; done\n"
                + "if [ -e /proc/$p ]; then echo \"orphan not reaped\"; else echo \"orphan reaped\"; fi\n");
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
    cmd.addAll(TerminusJar.command("run", "--", sh.toString()));
    boolean reaps = Runtime.version().feature() >= 22;
    if (!reaps) {
      // JDK 17: the warning is the behaviour; the orphan would stay a zombie until the end.
      cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
      cmd.addAll(TerminusJar.command("run", "--", "true"));
    }
    ChildProcess t = start(cmd);
    assertThat(t.await().status()).as(t.stderrSoFar()).isZero();
    if (reaps) {
      assertThat(t.stdoutSoFar()).isEqualTo("orphan reaped\n");
      assertThat(t.stderrSoFar()).doesNotContain("PID 1");
    } else {
      assertThat(t.stderrSoFar())
          .contains(
              "terminus: warning: running as PID 1, and this JVM cannot reap orphaned processes");
    }
  }

  @Test
  void preserveStatusGivesTheChildsStatusAfterATimeout() throws Exception {
    ChildProcess t =
        terminus("run", "--timeout", "500ms", "--preserve-status", "--", "sleep", "60");
    assertThat(t.await().status())
        .as(t.stderrSoFar())
        .isEqualTo(128 + 2); // sleep died of the INT step
  }

  @Test
  void argumentsArePassedVerbatimWithoutAShell() throws Exception {
    ChildProcess t =
        terminus("run", "--", "printf", "%s|", "a b", "$HOME", "*", "@file", "--timeout", "'q'");
    assertThat(t.await().status()).as(t.stderrSoFar()).isZero();
    assertThat(t.stdoutSoFar()).isEqualTo("a b|$HOME|*|@file|--timeout|'q'|");
  }
}
