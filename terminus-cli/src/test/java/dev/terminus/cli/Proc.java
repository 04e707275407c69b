package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Processes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One child of the *IT tests, as these tests read it: a {@link ChildProcess} of terminus-test (a
 * clean environment, every signal at its default disposition unless a test asks otherwise, its own
 * process group, a reaper that tells an exit from a death by a signal; every wait bounded, a
 * timeout or the end of the test killing the whole tree), with the few reading habits of the CLI's
 * tests: {@link #awaitLine} finds a line containing a text wherever it is, and {@link #out()} is
 * stdout's lines joined by newlines.
 */
final class Proc {
  /** The child's pid, for {@code t.process.pid()}; known even when the child has already ended. */
  final Pid process;

  /** A pid that outlives its process: a command that fails at once is reaped before we look. */
  record Pid(long pid) {}

  final ChildProcess child;

  @GuardedBy("this")
  private final Set<Integer> returned = new HashSet<>();

  Proc(ChildProcess child) {
    this.child = child;
    this.process = new Pid(child.pid());
  }

  /** The java that runs these tests (JDK 17 or 25), for the terminus child too. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** {@code java -jar terminus.jar ARGS}. */
  static List<String> terminusCommand(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-jar");
    cmd.add(jar());
    cmd.addAll(List.of(args));
    return cmd;
  }

  static String jar() {
    String jar = System.getProperty("terminus.test.jar");
    assertThat(jar).as("system property terminus.test.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    return jar;
  }

  /**
   * Waits for the first stdout line containing {@code text} that no earlier call returned, and
   * returns it; the kit kills the tree if none comes.
   */
  String awaitLine(String text) {
    List<String> lines =
        child.awaitLines(l -> first(l, text) >= 0, "a line containing '" + text + "'");
    synchronized (this) {
      int i = first(lines, text);
      returned.add(i);
      return lines.get(i);
    }
  }

  private synchronized int first(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (!returned.contains(i) && lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  /** Waits for the process to end and its streams to drain (bounded); returns its status. */
  int waitFor() {
    return result().status();
  }

  /** How it ended; waits as {@link #waitFor()} does. */
  ChildResult result() {
    return child.await();
  }

  /** Kills the process and every live member of its tree with SIGKILL; idempotent. */
  void kill() {
    child.kill();
  }

  /** Adds a pid the test learned of (an escapee) to the tree killed at the end. */
  void adopt(long pid) {
    child.alsoKill(pid);
  }

  String out() {
    return String.join("\n", child.stdoutSoFar().lines().toList());
  }

  String err() {
    return child.stderrSoFar();
  }

  /** Sends a signal with {@code kill -s SIG -- PID}. */
  static void kill(String signal, long pid) {
    Processes.signal(signal, pid);
  }

  /** Sends a signal to every process of a process group, as a terminal's Ctrl+C does. */
  static void killGroup(String signal, long pgid) {
    Processes.signalGroup(signal, pgid);
  }

  /** Whether a pid is a live process (a zombie counts as ended). */
  static boolean alive(long pid) {
    return Processes.isAlive(pid);
  }

  /** Writes an executable script. */
  static Path script(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    assertThat(p.toFile().setExecutable(true)).isTrue();
    return p;
  }
}
