package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code terminus run} supervising real children: python3 scripts, shells, a process tree. */
class RunIT {
  @TempDir Path dir;
  @RegisterExtension final Procs procs = new Procs();

  @Test
  void timeoutStopsAPythonScriptWhoseFinallyRuns() throws Exception {
    Path marker = dir.resolve("finally.marker");
    Path py =
        Proc.script(
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
    Proc t = procs.terminus(dir, "run", "--timeout", "1s", "--", "python3", py.toString());
    int status = t.waitFor();
    assertThat(status).as(t.err()).isEqualTo(124);
    assertThat(marker).hasContent("cleaned up");
    assertThat(t.err()).contains("KeyboardInterrupt"); // the traceback Python printed
  }

  @Test
  void aScriptIgnoringIntAndTermIsKilledAtTheKillStepAndTheReportSaysSo() throws Exception {
    Path py =
        Proc.script(
            dir,
            "stubborn.py",
            "import signal, time\n"
                + "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                + "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                + "print('ready', flush=True)\n"
                + "while True:\n"
                + "    time.sleep(0.1)\n");
    Path report = dir.resolve("report.json");
    Proc t =
        procs.terminus(
            dir,
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
    t.awaitLine("ready");
    int status = t.waitFor();
    assertThat(status).as(t.err()).isEqualTo(124);
    String json = Files.readString(report);
    assertThat(json)
        .contains("\"timedOut\": true")
        .contains("\"endedByStep\": {\"step\": 3, \"signal\": \"KILL\"}")
        .contains("\"signal\": \"KILL\"")
        .contains("\"status\": 124");
    assertThat(t.err()).contains("step 3 SIGKILL").contains("ended by ladder step 3 (KILL)");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
    }
  }

  @Test
  void noDescendantSurvivesNotEvenASetsidEscapee() throws Exception {
    Path sh =
        Proc.script(
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
    Proc t =
        procs.terminus(
            dir,
            "run",
            "--timeout",
            "1s",
            "--ladder",
            "TERM:1s,KILL",
            "--report",
            report.toString(),
            "--",
            sh.toString());
    String ready = t.awaitLine("ready");
    List<Long> pids = new ArrayList<>();
    pids.add(Long.parseLong(ready.substring("ready ".length()).trim()));
    pids.add(Long.parseLong(Files.readString(dir.resolve("gc.pid")).trim()));
    pids.add(Long.parseLong(Files.readString(dir.resolve("esc.pid")).trim()));
    int status = t.waitFor();
    assertThat(status).as(t.err()).isEqualTo(124);
    for (long pid : pids) {
      assertThat(Proc.alive(pid)).as("pid " + pid + " alive after terminus ended").isFalse();
    }
    assertThat(Files.readString(report)).contains("\"survivors\": []");
  }

  @Test
  void sigintToTerminusReachesAPythonChildAsKeyboardInterrupt() throws Exception {
    Path py =
        Proc.script(
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
    Proc t = procs.terminus(dir, "run", "--", "python3", py.toString());
    t.awaitLine("ready");
    Proc.kill("INT", t.process.pid());
    t.awaitLine("caught KeyboardInterrupt");
    assertThat(t.waitFor()).as(t.err()).isZero();
  }

  @Test
  void aKillFromOutsideTheLadderIsReportedAsSuch() throws Exception {
    Path py =
        Proc.script(
            dir,
            "victim.py",
            "import os, time\n"
                + "print('ready', os.getpid(), flush=True)\n"
                + "while True:\n"
                + "    time.sleep(0.1)\n");
    Path report = dir.resolve("outside.json");
    Proc t =
        procs.terminus(
            dir, "run", "-v", "--report", report.toString(), "--", "python3", py.toString());
    String ready = t.awaitLine("ready");
    Proc.kill("KILL", Long.parseLong(ready.split(" ")[1]));
    assertThat(t.waitFor()).isEqualTo(137);
    assertThat(Files.readString(report))
        .contains("killed by SIGKILL from outside the ladder")
        .contains("\"endedByStep\": null");
    assertThat(t.err()).contains("killed by SIGKILL from outside the ladder");
  }

  /** The finding's escapee: a double fork, so its parent is gone before any scan sees it. */
  private long escapeeStopped(String escape) throws Exception {
    Path sh =
        Proc.script(
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
    Proc t =
        procs.terminus(
            dir,
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
    t.awaitLine("ready");
    long escapee = Long.parseLong(Files.readString(dir.resolve("esc.pid")).trim());
    t.adopt(escapee); // killed at the end of the test whatever happens
    assertThat(t.waitFor()).as(t.err()).isEqualTo(124);
    assertThat(Files.readString(report)).contains("\"survivors\": []");
    return escapee;
  }

  @Test
  void aDoubleForkedSetsidEscapeeIsStopped() throws Exception {
    long escapee = escapeeStopped("setsid sleep 301");
    assertThat(Proc.alive(escapee)).as("escapee " + escapee + " alive").isFalse();
  }

  @Test
  void anEscapeeThatClearsItsEnvironmentIsStoppedWhereTerminusIsASubreaper() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Runtime.version().feature() >= 22,
        "a child subreaper needs the JDK 22 foreign-function API");
    long escapee = escapeeStopped("setsid env -i sleep 302");
    assertThat(Proc.alive(escapee)).as("escapee " + escapee + " alive").isFalse();
  }

  @Test
  void aDescendantStillAliveAfterTheLastStepIsNamed() throws Exception {
    Path sh =
        Proc.script(
            dir,
            "survivor.sh",
            "#!/bin/sh\n"
                + "trap 'exit 0' TERM\n"
                + "sh -c 'trap \"\" TERM; echo $$ > survivor.pid; exec sleep 1000 >/dev/null 2>&1' &\n"
                + "while [ ! -s survivor.pid ]; do sleep 0.05; done\n"
                + "echo ready\n"
                + "while true; do sleep 0.05; done\n");
    Path report = dir.resolve("survivor.json");
    Proc t =
        procs.terminus(
            dir,
            "run",
            "--timeout",
            "500ms",
            "--ladder",
            "TERM:300ms",
            "--report",
            report.toString(),
            "--",
            sh.toString());
    t.awaitLine("ready");
    long survivor = Long.parseLong(Files.readString(dir.resolve("survivor.pid")).trim());
    t.adopt(survivor);
    assertThat(t.waitFor()).as(t.err()).isEqualTo(124);
    assertThat(Proc.alive(survivor)).isTrue();
    assertThat(Files.readString(report))
        .contains("\"survivors\": [{\"pid\": " + survivor + ", \"name\": \"sleep\"}]");
    assertThat(t.err())
        .contains("terminus: still alive after the ladder, not stopped: " + survivor + " (sleep)");
  }

  /** A command that starts a setsid escapee, says its pid, and exits 3 at once. */
  private Path leavesAnEscapee() throws Exception {
    return Proc.script(
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
    Proc t =
        procs.terminus(
            dir,
            "run",
            "-v",
            "--ladder",
            "TERM:5s,KILL",
            "--report",
            report.toString(),
            "--",
            leavesAnEscapee().toString());
    int status = t.waitFor();
    long left = Long.parseLong(Files.readString(dir.resolve("left.pid")).trim());
    t.adopt(left);
    assertThat(status).as(t.err()).isEqualTo(3); // the command's own status
    assertThat(Proc.alive(left)).as("leftover " + left + " alive").isFalse();
    assertThat(t.err()).contains("the command ended, leaving " + left + " (sleep)");
    assertThat(Files.readString(report))
        .contains("\"trigger\": \"the command ended, leaving 1 process [" + left + "]\"")
        .contains("\"endedBy\": \"exited on its own\"")
        .contains("\"survivors\": []");
  }

  @Test
  void leftoversLeaveKeepsThemRunningAndSaysSo() throws Exception {
    Proc t =
        procs.terminus(
            dir, "run", "-v", "--leftovers", "leave", "--", leavesAnEscapee().toString());
    int status = t.waitFor();
    long left = Long.parseLong(Files.readString(dir.resolve("left.pid")).trim());
    t.adopt(left);
    assertThat(status).as(t.err()).isEqualTo(3);
    assertThat(Proc.alive(left)).isTrue();
    assertThat(t.err()).contains("the command ended; left running: " + left + " (sleep)");
  }

  @Test
  void asPid1TerminusReapsOrphansOrSaysAnInitIsNeeded() throws Exception {
    Proc probe = procs.start(dir, List.of("unshare", "--pid", "--fork", "--mount-proc", "true"));
    org.junit.jupiter.api.Assumptions.assumeTrue(
        probe.waitFor() == 0, "unshare --pid needs privileges here: " + probe.err());
    Path sh =
        Proc.script(
            dir,
            "orphan.sh",
            "#!/bin/sh\n"
                + "( sleep 0.2 & echo $! > orphan.pid )\n" // re-parented to PID 1: terminus
                + "while [ ! -s orphan.pid ]; do sleep 0.05; done\n"
                + "p=$(cat orphan.pid); n=0\n"
                + "while [ -e /proc/$p ] && [ $n -lt 200 ]; do n=$((n+1)); sleep 0.05; done\n"
                + "if [ -e /proc/$p ]; then echo \"orphan not reaped\"; else echo \"orphan reaped\"; fi\n");
    List<String> cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
    cmd.addAll(Proc.terminusCommand("run", "--", sh.toString()));
    boolean reaps = Runtime.version().feature() >= 22;
    if (!reaps) {
      // JDK 17: the warning is the behaviour; the orphan would stay a zombie until the end.
      cmd = new ArrayList<>(List.of("unshare", "--pid", "--fork", "--mount-proc"));
      cmd.addAll(Proc.terminusCommand("run", "--", "true"));
    }
    Proc t = procs.start(dir, cmd);
    assertThat(t.waitFor()).as(t.err()).isZero();
    if (reaps) {
      assertThat(t.out()).isEqualTo("orphan reaped");
      assertThat(t.err()).doesNotContain("PID 1");
    } else {
      assertThat(t.err())
          .contains(
              "terminus: warning: running as PID 1, and this JVM cannot reap orphaned processes");
    }
  }

  @Test
  void preserveStatusGivesTheChildsStatusAfterATimeout() throws Exception {
    Proc t =
        procs.terminus(dir, "run", "--timeout", "500ms", "--preserve-status", "--", "sleep", "60");
    assertThat(t.waitFor()).as(t.err()).isEqualTo(128 + 2); // sleep died of the INT step
  }

  @Test
  void argumentsArePassedVerbatimWithoutAShell() throws Exception {
    Proc t =
        procs.terminus(
            dir, "run", "--", "printf", "%s|", "a b", "$HOME", "*", "@file", "--timeout", "'q'");
    assertThat(t.waitFor()).as(t.err()).isZero();
    assertThat(t.out()).isEqualTo("a b|$HOME|*|@file|--timeout|'q'|");
  }
}
