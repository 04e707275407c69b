package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Processes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl+C, SIGTERM and SIGHUP under Terminus.run, with real signals sent by kill. */
@Timeout(300)
class SignalIT {
  private static final String NL = System.lineSeparator();

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  private static ChildResult signalled(String signal, List<String> jvm, String scenario) {
    try (ChildProcess c =
        ChildProcess.java(Scenarios.class).jvmOptions(jvm).args(scenario).start()) {
      c.awaitLine("ready").signal(signal);
      return c.await();
    }
  }

  @Test
  void sigintUnwindsMainRunsCleanupAndExits130() {
    ChildResult r = signalled("INT", List.of(), "sigint");
    assertThat(r.stdout())
        .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
    assertThat(r.stderr()).isEqualTo(lines("Scenarios: interrupted (SIGINT)"));
    assertThat(r.status()).isEqualTo(130);
  }

  @Test
  void checkpointThrowsSignalExitAndTheSeedsHandlerPrintsItsLine() {
    ChildResult r = signalled("INT", List.of(), "checkpoint-loop");
    assertThat(r.stdout())
        .isEqualTo(lines("ready", "User interrupted the script", "signal INT", "atExit cleanup"));
    assertThat(r.status()).as("the parent still learns of the interrupt").isEqualTo(130);
  }

  @Test
  void withdrawnSignalExitLetsAnInteractiveProgramCarryOn() {
    try (ChildProcess c = ChildProcess.java(Scenarios.class).args("interactive").start()) {
      c.awaitLine("ready 1").signal("INT");
      c.awaitLine("ready 2").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stdout())
          .isEqualTo(
              lines(
                  "ready 1",
                  "command 1 cancelled",
                  "ready 2",
                  "command 2 cancelled",
                  "prompt ends normally"));
      assertThat(r.stderr()).isEmpty();
      assertThat(r.status()).isZero();
    }
  }

  @Test
  void secondSigintWhileCleanupHangsForcesTheExit() {
    try (ChildProcess c = ChildProcess.java(Scenarios.class).args("hanging-cleanup").start()) {
      c.awaitLine("ready").signal("INT");
      c.awaitLine("cleanup hangs").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stderr())
          .isEqualTo(
              lines(
                  "Scenarios: interrupted (SIGINT)",
                  "Scenarios: SIGINT while stopping: exit forced"));
      assertThat(r.status()).isEqualTo(130);
    }
  }

  @Test
  void sigtermTakesTheSamePathWithStatus143() {
    ChildResult r = signalled("TERM", List.of(), "sigint");
    assertThat(r.stdout())
        .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
    assertThat(r.stderr()).isEqualTo(lines("Scenarios: terminated (SIGTERM)"));
    assertThat(r.status()).isEqualTo(143);
  }

  @Test
  void sighupTakesTheSamePathWithStatus129() {
    ChildResult r = signalled("HUP", List.of(), "sigint");
    assertThat(r.stdout())
        .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
    assertThat(r.stderr()).isEqualTo(lines("Scenarios: hung up (SIGHUP)"));
    assertThat(r.status()).isEqualTo(129);
  }

  @Test
  void cleanSigtermCanBeReportedAsZero() {
    ChildResult r = signalled("TERM", List.of("-Dterminus.signals=INT,TERM=0,HUP"), "sigint");
    assertThat(r.stdout())
        .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
    assertThat(r.status()).isZero();
  }

  @Test
  void unhandledSignalIsTheJdksExitWhichUnwindsMainLikeAnyThirdPartyExit() {
    try (ChildProcess c =
        ChildProcess.java(Scenarios.class)
            .env(Map.of("TERMINUS_SIGNALS", "TERM"))
            .args("sigint")
            .start()) {
      c.awaitLine("ready").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stdout())
          .as("the JDK's own handler calls System.exit(130); main unwinds, then the tasks run")
          .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
      assertThat(r.stderr()).as("Terminus did not handle the signal: no line of its own").isEmpty();
      assertThat(r.status()).isEqualTo(130);
    }
  }

  @Test
  void signalDuringStartupRunsTheTasksRegisteredSoFarInReverse() {
    ChildResult r = signalled("INT", List.of(), "startup");
    assertThat(r.stdout()).isEqualTo(lines("ready", "atExit second", "atExit first"));
    assertThat(r.status()).isEqualTo(130);
  }

  @Test
  void busyLoopThatNeverLooksIsEndedByTheDeadlineWithTheSignalsStatus() {
    ChildResult r = signalled("INT", List.of("-Dterminus.deadline=1s"), "busy-loop");
    assertThat(r.stderr())
        .isEqualTo(
            lines(
                "Scenarios: exit requested with status 130 but not finished within the deadline of"
                    + " 1s; halting with status 130"));
    assertThat(r.status()).isEqualTo(130);
  }

  @Test
  void aSignalIgnoredSinceStartStaysIgnoredAndTheStopReportSaysSo() {
    try (ChildProcess c =
        ChildProcess.java(Scenarios.class)
            .ignoring("INT")
            .env("TERMINUS_REPORT", "stderr")
            .args("sigint")
            .start()) {
      c.awaitLine("ready").signal("INT").signal("TERM");
      ChildResult r = c.await();
      assertThat(r.stdout())
          .as("the SIGINT changed nothing: the SIGTERM ran the cleanup")
          .isEqualTo(lines("ready", "finally ran", "atExit second", "atExit first"));
      assertThat(r.stderrLines())
          .contains("  signals ignored since start, left ignored: SIGINT")
          .doesNotContain("Scenarios: interrupted (SIGINT)");
      assertThat(r.diedBy("TERM")).as(r.toString()).isTrue();
    }
  }

  @Test
  void sigintEndsTheProcessBySigintItselfAsWaitpidSeesIt() {
    assertThat(waitpid("INT", List.of())).endsWith("waitpid signal 2" + NL);
  }

  @Test
  void parentSeesDeathBySignal15AfterTheCleanupLines() {
    String out = waitpid("TERM", List.of());
    assertThat(out)
        .isEqualTo(
            lines("ready", "finally ran", "atExit second", "atExit first", "waitpid signal 15"));
  }

  @Test
  void otherLibrariesShutdownHooksFinishBeforeTheSignalEndsTheProcess() {
    try (ChildProcess c = ChildProcess.java(Scenarios.class).args("library-hook").start()) {
      c.awaitLine("ready").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stdout()).isEqualTo(lines("ready", "library hook ran"));
      assertThat(r.status()).isEqualTo(130);
    }
  }

  @Test
  void signalExitSettingStatusGivesAPlainExit() {
    assertThat(waitpid("INT", List.of("-Dterminus.signal-exit=status")))
        .endsWith("waitpid exit 130" + NL);
  }

  /** Runs the sigint scenario under a python3 parent that reports what waitpid saw. */
  private static String waitpid(String signal, List<String> jvm) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "python3",
                "-c",
                "import subprocess, sys\n"
                    + "p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True)\n"
                    + "print(p.stdout.readline(), end='', flush=True)\n"
                    + "print('pid', p.pid, flush=True)\n"
                    + "print(p.stdout.read(), end='', flush=True)\n"
                    + "rc = p.wait()\n"
                    + "print('waitpid', 'signal' if rc < 0 else 'exit', abs(rc), flush=True)\n"));
    cmd.addAll(ChildProcess.javaCommand(Scenarios.class, jvm));
    cmd.add("sigint");
    try (ChildProcess parent = ChildProcess.command(cmd).start()) {
      String pid = parent.awaitLine(l -> l.startsWith("pid "), "the child's pid").substring(4);
      Processes.signal(signal, Long.parseLong(pid));
      ChildResult r = parent.await();
      assertThat(r.status()).isZero();
      return r.stdout().replace("pid " + pid + NL, "");
    }
  }

  @Test
  void ctrlCToAShellLoopStopsTheLoopAfterCleanupLikePython() {
    ChildResult r = shellLoop("loop-run");
    assertThat(r.stdout()).isEqualTo(lines("ready a", "finally a", "atExit a"));
    assertThat(r.status()).as("bash itself died of SIGINT").isEqualTo(130);
  }

  @Test
  void ctrlCToAShellLoopOverPlainJavaKeepsTheLoopGoing() {
    ChildResult r = shellLoop("plain-loop-run");
    assertThat(r.stdout()).as("the loop went on to the next file").contains("ready a", "ready b");
  }

  /**
   * Runs {@code for f in a b c; do java Scenarios NAME $f; done} in its own process group and sends
   * SIGINT to the whole group during the first run, as a terminal does on Ctrl+C.
   */
  private static ChildResult shellLoop(String scenario) {
    String java =
        String.join(
            " ",
            ChildProcess.javaCommand(Scenarios.class, List.of()).stream()
                .map(s -> "'" + s + "'")
                .toList());
    String loop = "for f in a b c; do " + java + " " + scenario + " \"$f\"; done";
    // The kit starts bash in its own process group, as a terminal's job is.
    try (ChildProcess bash = ChildProcess.command(List.of("bash", "-c", loop)).start()) {
      bash.awaitLine("ready a");
      bash.signalGroup("INT");
      if (scenario.startsWith("plain")) {
        bash.awaitLine("ready b");
        bash.signalGroup("KILL");
      }
      return bash.await();
    }
  }

  @Test
  void ctrlCInARealTerminalShowsTheLineRunsFinallyAndTheShellSees130(@TempDir Path dir)
      throws Exception {
    assertThat(Files.isExecutable(Path.of("/usr/bin/tmux")))
        .as("tmux is required; .ci/run installs it")
        .isTrue();
    Path socket = dir.resolve("tmux");
    String java =
        String.join(
            " ",
            ChildProcess.javaCommand(Scenarios.class, List.of()).stream()
                .map(s -> "'" + s + "'")
                .toList());
    // The server runs in the foreground (-D) as a child of the kit, so a timeout, a failed wait or
    // the end of the test kills it and everything in its pane; every other tmux command is a
    // client (-N: it never starts a server of its own), run by the kit within its timeout.
    try (ChildProcess server =
        ChildProcess.command("tmux", "-S", socket.toString(), "-D").start()) {
      awaitSocket(server, socket);
      tmux(socket, "new-session", "-d", "-x", "200", "-y", "50", "bash --norc --noprofile");
      tmux(socket, "send-keys", "-t", "0", java + " sigint", "Enter");
      awaitScreen(socket, "ready");
      tmux(socket, "send-keys", "-t", "0", "C-c");
      awaitScreen(socket, "atExit first");
      // A separate command line: bash drops the rest of a line whose job died of SIGINT.
      tmux(socket, "send-keys", "-t", "0", "echo \"shell sees $?\"", "Enter");
      String screen = awaitScreen(socket, "shell sees ");
      assertThat(screen)
          .contains("^C")
          .contains("Scenarios: interrupted (SIGINT)")
          .contains("finally ran")
          .contains("shell sees 130");
      tmux(socket, "kill-server");
      server.await();
    }
  }

  /** Runs a tmux client command with the kit, within its timeout; returns its stdout. */
  private static String tmux(Path socket, String... args) {
    List<String> cmd = new ArrayList<>(List.of("tmux", "-S", socket.toString(), "-N"));
    cmd.addAll(List.of(args));
    ChildResult r = ChildProcess.command(cmd).run();
    assertThat(r.status()).as("tmux %s: %s", List.of(args), r).isZero();
    return r.stdout();
  }

  /** Waits for the server's socket: a client that came first would start a server of its own. */
  private static void awaitSocket(ChildProcess server, Path socket) throws InterruptedException {
    long until =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(ChildProcess.defaultTimeout().toSeconds());
    while (!Files.exists(socket)) {
      if (!server.isAlive() || System.nanoTime() - until > 0) {
        server.kill();
        throw new AssertionError(
            "the tmux server made no socket " + socket + ": " + server.await());
      }
      TimeUnit.MILLISECONDS.sleep(20); // tmux offers no event for it
    }
  }

  private static String awaitScreen(Path socket, String text) throws Exception {
    long until =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(ChildProcess.defaultTimeout().toSeconds());
    String screen = "";
    while (System.nanoTime() < until) {
      screen = tmux(socket, "capture-pane", "-p", "-t", "0");
      if (screen.lines().anyMatch(l -> l.startsWith(text))) {
        return screen;
      }
      TimeUnit.MILLISECONDS.sleep(50); // polling the screen: tmux offers no event for it
    }
    throw new AssertionError("the screen never showed '" + text + "':\n" + screen);
  }
}
