package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A real child process for the *IT tests: its stdout lines arrive in a queue (so a test waits on
 * a line, an event), stderr is collected, every wait is bounded by a generous guard.
 *
 * <p>Every child starts with every signal at its default disposition, whatever this JVM inherited
 * (a build started with {@code nohup ... &} hands the test JVM SIGINT ignored, and a child would
 * inherit that). When a wait runs out, or the test ends (see {@link Procs}), the child and every
 * process of its tree, {@code setsid} escapees included, are killed with SIGKILL.
 */
final class Proc {
  static final long GUARD = Long.getLong("terminus.test.guard", 120);

  final Process process;
  private final ProcessTree tree;
  /** Guarded by itself; notified at each line and at the end of stdout. */
  private final List<String> outLines = new ArrayList<>();
  private final Set<Integer> returned = new HashSet<>();
  private boolean outEnded;
  private final StringBuffer stderr = new StringBuffer();
  private final Thread outReader;
  private final Thread errReader;

  private Proc(Process p) {
    this.process = p;
    this.tree = new ProcessTree(p.toHandle());
    outReader =
        pump(
            p.getInputStream(),
            line -> {
              synchronized (outLines) {
                outLines.add(line);
                outLines.notifyAll();
              }
            });
    errReader = pump(p.getErrorStream(), line -> stderr.append(line).append('\n'));
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
   * Starts any command in {@code dir}, stdin closed, every signal at its default disposition
   * ({@code env --default-signal}, coreutils 8.31 or later).
   */
  static Proc start(Path dir, List<String> cmd) throws IOException {
    List<String> full = new ArrayList<>(List.of("env", "--default-signal", "--"));
    full.addAll(cmd);
    Process p = new ProcessBuilder(full).directory(dir.toFile()).start();
    p.getOutputStream().close();
    return new Proc(p);
  }

  /**
   * Waits for the first stdout line containing {@code text} that no earlier call returned, and
   * returns it; kills the tree if none comes.
   */
  String awaitLine(String text) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD);
    synchronized (outLines) {
      while (true) {
        for (int i = 0; i < outLines.size(); i++) {
          if (!returned.contains(i) && outLines.get(i).contains(text)) {
            returned.add(i);
            return outLines.get(i);
          }
        }
        long left = end - System.nanoTime();
        if (outEnded || left <= 0) {
          break;
        }
        TimeUnit.NANOSECONDS.timedWait(outLines, left);
      }
    }
    kill();
    throw new AssertionError(
        "no stdout line containing '" + text + "' (stdout " + out() + ", stderr " + err() + ")");
  }

  /**
   * Waits for the process to end (guarded) and its streams to drain; returns the status. If it
   * does not end in time, its whole tree is killed and the test fails.
   */
  int waitFor() throws InterruptedException {
    if (!process.waitFor(GUARD, TimeUnit.SECONDS)) {
      kill();
      throw new AssertionError("still running after " + GUARD + "s; stderr: " + err());
    }
    outReader.join(TimeUnit.SECONDS.toMillis(GUARD));
    errReader.join(TimeUnit.SECONDS.toMillis(GUARD));
    return process.exitValue();
  }

  /** Kills the process and every live member of its tree with SIGKILL; idempotent. */
  void kill() {
    List<Long> pids = tree.snapshot();
    for (long pid : pids) {
      tree.handle(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    process.destroyForcibly();
  }

  /** Adds a pid the test learned of (an escapee) to the tree killed at the end. */
  void adopt(long pid) {
    tree.adopt(pid);
  }

  String out() {
    synchronized (outLines) {
      return String.join("\n", outLines);
    }
  }

  String err() {
    return stderr.toString();
  }

  /** Sends a signal with the kill command and waits for kill to finish. */
  static void kill(String signal, long pid) throws IOException, InterruptedException {
    killCommand(signal, Long.toString(pid));
  }

  /** Sends a signal to every process of a process group, as a terminal's Ctrl+C does. */
  static void killGroup(String signal, long pgid) throws IOException, InterruptedException {
    killCommand(signal, "-" + pgid);
  }

  private static void killCommand(String signal, String target)
      throws IOException, InterruptedException {
    Process k =
        new ProcessBuilder("kill", "-s", signal, "--", target).redirectErrorStream(true).start();
    assertThat(k.waitFor(GUARD, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as("kill -s " + signal + " -- " + target).isZero();
  }

  /** Whether a pid is a live process (a zombie counts as ended). */
  static boolean alive(long pid) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    try {
      String s = Files.readString(stat);
      char state = s.substring(s.lastIndexOf(')') + 1).trim().charAt(0);
      return state != 'Z' && state != 'X';
    } catch (IOException e) {
      return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
  }

  /** Writes an executable script. */
  static Path script(Path dir, String name, String text) throws IOException {
    Path p = dir.resolve(name);
    Files.writeString(p, text);
    assertThat(p.toFile().setExecutable(true)).isTrue();
    return p;
  }

  private interface LineSink {
    void accept(String line);
  }

  private Thread pump(InputStream in, LineSink sink) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // the process is gone
              } finally {
                if (in == process.getInputStream()) {
                  synchronized (outLines) {
                    outEnded = true;
                    outLines.notifyAll();
                  }
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
