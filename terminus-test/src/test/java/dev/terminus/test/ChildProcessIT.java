package dev.terminus.test;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static dev.terminus.test.TerminusAssertions.assertThatPath;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildProcessIT {
  private static final String NL = System.lineSeparator();

  @Test
  void anExitGivesItsCodeAndBothStreams() {
    ChildResult r = ChildProcess.command("sh", "-c", "echo out; echo err >&2; exit 3").run();

    assertThat(r.ending()).isEqualTo(ChildResult.Ending.EXITED);
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(r).exitedWith(3).stdoutHasLines("out").stderrHasLines("err");
  }

  @Test
  void aDeathBySigintIsToldApartFromExit130() {
    ChildResult died = ChildProcess.command("sh", "-c", "kill -s INT $$; sleep 60").run();
    ChildResult exited = ChildProcess.command("sh", "-c", "exit 130").run();

    assertThat(died.status()).isEqualTo(130);
    assertThat(exited.status()).isEqualTo(130);
    assertThat(died.signal()).contains("INT");
    assertThat(died.signalNumber()).contains(2);
    assertThat(exited.signal()).isEmpty();
    assertThat(died).diedBy("INT").diedBy("SIGINT").diedBy("2").hasStatus(130);
    assertThat(exited).exitedWith(130).hasStatus(130);
    assertThatThrownBy(() -> assertThat(exited).diedBy("INT"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected a death by INT")
        .hasMessageContaining("exited 130");
  }

  @Test
  void aSignalToTheChildReachesItAlone() {
    try (ChildProcess c =
        ChildProcess.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!; wait; echo never")
            .start()) {
      long sleeper = Long.parseLong(c.awaitLine(l -> l.matches("\\d+"), "the sleeper's pid"));
      c.signal("TERM");
      ChildResult r = c.await();
      assertThat(r).diedBy("TERM").stdoutDoesNotContain("never");
      assertThat(Processes.isAlive(sleeper)).as("the sleeper got no signal").isTrue();
    }
  }

  @Test
  void aGroupSignalReachesEveryProcessTheChildStarted() {
    try (ChildProcess c = ChildProcess.command("sh", "-c", "sleep 600 & echo $!; wait").start()) {
      long sleeper = Long.parseLong(c.awaitLine(l -> l.matches("\\d+"), "the sleeper's pid"));
      c.signalGroup("TERM");
      assertThat(c.await()).diedBy("TERM");
      awaitGone(sleeper); // it got SIGTERM too: it ends, whenever the kernel gets to it
      assertThat(Processes.groupMembers(c.pid())).isEmpty();
    }
  }

  @Test
  void theChildLeadsItsOwnProcessGroupOutsideTheTestJvms() {
    try (ChildProcess c = ChildProcess.command("sh", "-c", "echo ready; exec sleep 600").start()) {
      c.awaitLine("ready");
      Processes.Stat stat = Processes.stat(c.pid()).orElseThrow();
      Processes.Stat mine = Processes.stat(ProcessHandle.current().pid()).orElseThrow();
      assertThat(stat.pgrp).isEqualTo(c.pid());
      assertThat(stat.pgrp).isNotEqualTo(mine.pgrp);
    }
  }

  @Test
  void signalsAreAtTheirDefaultsEvenWhenTheTestJvmIgnoresThem() {
    // A JVM started with SIGINT and SIGHUP ignored (as under nohup) uses the kit to start grep.
    List<String> java = ChildProcess.javaCommand(Programs.class, List.of());
    String inner = String.join(" ", java.stream().map(w -> "'" + w + "'").toList());
    ChildResult r =
        ChildProcess.command("sh", "-c", "trap '' INT HUP; exec " + inner + " sigign").run();

    assertThat(r).succeeded();
    List<String> lines = r.stdoutLines();
    assertThat(lines).hasSize(2);
    long child = Long.parseLong(lines.get(0).replaceAll("\\s", "").substring(7), 16);
    long parent = Long.parseLong(lines.get(1).replaceAll("\\s", "").substring(7), 16);
    long intAndHup = (1L << (2 - 1)) | (1L << (1 - 1));
    assertThat(parent & intAndHup)
        .as("the JVM that started it ignores INT and HUP")
        .isEqualTo(intAndHup);
    assertThat(child & intAndHup).as("the child ignores neither").isZero();
  }

  @Test
  void withoutPython3AnExitIsKnownButAStatusAbove128IsNot() {
    ChildResult exited = ChildProcess.command("sh", "-c", "exit 3").withoutReaper().run();
    ChildResult died =
        ChildProcess.command("sh", "-c", "kill -s INT $$; sleep 60").withoutReaper().run();

    assertThat(exited).exitedWith(3);
    assertThat(died.ending()).isEqualTo(ChildResult.Ending.UNKNOWN);
    assertThat(died).hasStatus(130);
    assertThatThrownBy(() -> assertThat(died).diedBy("INT"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("exit or signal unknown: started without python3");
  }

  @Test
  void withoutPython3TheChildStillLeadsItsOwnGroupUnderSetsid() {
    try (ChildProcess c =
        ChildProcess.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!; wait")
            .withoutReaper()
            .start()) {
      long sleeper = Long.parseLong(c.awaitLine(l -> l.matches("\\d+"), "the sleeper's pid"));
      assertThat(Processes.stat(c.pid()).orElseThrow().pgrp).isEqualTo(c.pid());
      c.signalGroup("TERM");
      assertThat(c.await()).hasStatus(143);
      awaitGone(sleeper); // it got SIGTERM too: it ends, whenever the kernel gets to it
    }
  }

  @Test
  void aChildCanStartWithSignalsIgnoredAsABackgroundJobDoes() {
    ChildResult r =
        ChildProcess.command("grep", "^SigIgn", "/proc/self/status")
            .ignoring("INT", "SIGHUP")
            .run();
    long ignored = Long.parseLong(r.stdout().replaceAll("\\s", "").substring(7), 16);
    assertThat(ignored & 0b11).as("INT and HUP ignored").isEqualTo(0b11);
    assertThat(ignored & (1L << (15 - 1))).as("TERM at its default").isZero();
  }

  @Test
  void awaitLinesWaitsForAConditionOnEveryLineSoFar() {
    try (ChildProcess c =
        ChildProcess.command("sh", "-c", "echo b; echo a; exec sleep 600").start()) {
      assertThat(c.awaitLines(l -> l.contains("a") && l.contains("b"), "a and b"))
          .containsExactly("b", "a");
      assertThat(c.stdoutSoFar()).isEqualTo("b\na\n");
    }
  }

  @Test
  void theEnvironmentHasNoTerminusVariableUnlessTheTestSetsOne() {
    assertThat(System.getenv("TERMINUS_LEAKED"))
        .as("set for this JVM by failsafe, to prove the kit removes it")
        .isEqualTo("from the build");
    ChildResult r =
        ChildProcess.command("env").env("TERMINUS_DEADLINE", "5s").env("OTHER", "kept").run();

    assertThat(r.stdoutLines()).contains("TERMINUS_DEADLINE=5s", "OTHER=kept");
    assertThat(r.stdoutLines()).noneMatch(l -> l.startsWith("TERMINUS_LEAKED="));
  }

  @Test
  void aJavaChildGetsItsOwnTempDirWhichCloseDeletes() {
    Path tmp;
    try (ChildProcess c = ChildProcess.java(Programs.class).args("tmpdir").start()) {
      tmp = c.tempDir();
      ChildResult r = c.await();
      assertThat(r).succeeded().stdoutHasLines(tmp.toString(), tmp.toString(), tmp.toString());
      try (var files = Files.list(tmp)) {
        assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("left-"));
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
    assertThatPath(tmp).doesNotExist();
  }

  @Test
  void aMainClassGetsItsArgumentsAndTheStatusItExitsWith() {
    assertThat(ChildProcess.java(Programs.class).args("exit", "7").run())
        .exitedWith(7)
        .stdoutHasLines("exiting 7");
  }

  @Test
  void aJarRunsItsMainClass(@TempDir Path dir) throws IOException {
    Path jar = dir.resolve("programs.jar");
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, Programs.class.getName());
    m.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", classpathUrls()));
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
      out.putNextEntry(new JarEntry("empty"));
    }
    assertThat(ChildProcess.jar(jar).args("exit", "4").run()).exitedWith(4);
  }

  private static List<String> classpathUrls() {
    List<String> urls = new ArrayList<>();
    for (String e : ChildProcess.defaultClasspath().split(java.io.File.pathSeparator)) {
      urls.add(Path.of(e).toUri().toString());
    }
    return urls;
  }

  @Test
  void aCommandThatCannotBeFoundEndsWith127LikeAShell() {
    ChildResult r = ChildProcess.command("no-such-command-terminus").run();
    assertThat(r).exitedWith(127).stderrContains("no-such-command-terminus");
  }

  @Test
  void stdinGetsTheGivenTextThenEndOfFile() {
    assertThat(ChildProcess.command("cat").stdin("a\nb\n").run()).succeeded().stdoutIs("a\nb\n");
    assertThat(ChildProcess.command("cat").run()).succeeded().stdoutIs("");
  }

  @Test
  void aWaitThatTimesOutKillsTheChildAndEveryDescendant() {
    ChildProcess c =
        ChildProcess.command("sh", "-c", "sleep 600 & echo $!; wait")
            .timeout(Duration.ofMillis(300))
            .start();
    long sleeper = Long.parseLong(pidLine(c));

    assertThatThrownBy(() -> c.awaitLine("never printed"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not print 'never printed' on stdout within 300 ms")
        .hasMessageContaining("killed it and its descendants");
    assertThat(Processes.isAlive(c.pid())).isFalse();
    assertThat(Processes.isAlive(sleeper)).isFalse();
    assertThat(c.liveProcesses()).isEmpty();
    c.close();
  }

  @Test
  void aWaitForALineTheChildNeverPrintsFailsWhenItEnds() {
    try (ChildProcess c = ChildProcess.command("sh", "-c", "echo other; exit 2").start()) {
      assertThatThrownBy(() -> c.awaitLine("ready"))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("ended before printing 'ready' on stdout")
          .hasMessageContaining("exited 2")
          .hasMessageContaining("other");
    }
  }

  @Test
  void closeKillsTheChildAndEveryDescendant() {
    ChildProcess c = ChildProcess.command("sh", "-c", "sleep 600 & echo $!; wait").start();
    long sleeper = Long.parseLong(c.awaitLine(l -> l.matches("\\d+"), "the sleeper's pid"));
    c.close();
    assertThat(Processes.isAlive(c.pid())).isFalse();
    assertThat(Processes.isAlive(sleeper)).isFalse();
    assertThatPath(c.tempDir()).doesNotExist();
    c.close(); // idempotent
  }

  @Test
  void anOrphanThatLeftTheGroupIsStillFoundAndKilled(@TempDir Path dir) {
    // The orphan starts its own session, so only the reaper (a subreaper) knows it.
    ChildProcess c =
        ChildProcess.command(
                "sh",
                "-c",
                "mkfifo f; setsid -f sh -c 'echo $$ > f; exec sleep 600' </dev/null >/dev/null 2>&1;"
                    + " read p < f; echo $p")
            .directory(dir)
            .start();
    ChildResult r = c.await();
    assertThat(r).succeeded();
    long orphan = Long.parseLong(r.stdout().strip());
    assertThat(Processes.isAlive(orphan)).isTrue();
    assertThat(Processes.stat(orphan).orElseThrow().pgrp).isNotEqualTo(c.pid());
    assertThat(c.liveProcesses()).anyMatch(p -> p.startsWith(orphan + " "));

    c.close();
    assertThat(Processes.isAlive(orphan)).isFalse();
  }

  @Test
  void aFailedAssertionKillsWhatTheChildLeftRunning() {
    ChildProcess c =
        ChildProcess.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start();
    ChildResult r = c.await();
    long sleeper = Long.parseLong(r.stdout().strip());
    assertThat(Processes.isAlive(sleeper)).isTrue();

    assertThatThrownBy(() -> assertThat(r).exitedWith(1))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("expected an exit with 1")
        .hasMessageContaining("exited 0");
    assertThat(Processes.isAlive(sleeper)).isFalse();
    c.close();
  }

  @Test
  void childrenAreTheProcessesAProcessStarted() {
    try (ChildProcess c =
        ChildProcess.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!; wait").start()) {
      long sleeper = Long.parseLong(c.awaitLine(l -> l.matches("\\d+"), "the sleeper's pid"));

      assertThat(Processes.children(c.pid())).containsExactly(sleeper);
      assertThat(Processes.children(sleeper)).isEmpty();
    }
  }

  @Test
  void anOutputHeldOpenByADescendantFailsTheWaitAndKillsIt() {
    ChildProcess c = ChildProcess.command("sh", "-c", "sleep 600 & echo $!").start();
    long sleeper = Long.parseLong(pidLine(c));
    ProcessHandle.of(c.pid())
        .ifPresent(sh -> sh.onExit().orTimeout(2, TimeUnit.MINUTES).join()); // sh has ended

    assertThatThrownBy(() -> c.await(Duration.ofSeconds(5)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ended, but its stdout or stderr was still open")
        .hasMessageContaining(sleeper + " (");
    assertThat(Processes.isAlive(sleeper)).isFalse();
    c.close();
  }

  /** Waits (two minutes at most) for {@code pid} to end, as an event, then checks it has. */
  private static void awaitGone(long pid) {
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().orTimeout(2, TimeUnit.MINUTES).join());
    assertThat(Processes.isAlive(pid)).as("pid %d ended", pid).isFalse();
  }

  /** The first line, a pid, waited for with a generous timeout whatever the child's own. */
  private static String pidLine(ChildProcess c) {
    c.awaitOutput("\n", Duration.ofMinutes(2));
    return c.stdoutSoFar().lines().findFirst().orElseThrow();
  }

  static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }
}
