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
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child process for the *IT tests: its stdout lines arrive in a queue (so a test waits on
 * a line, an event), stderr is collected, every wait is bounded by a generous guard.
 */
final class Proc {
  static final long GUARD = Long.getLong("terminus.test.guard", 120);
  private static final String EOF = "\u0000EOF";

  final Process process;
  private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
  private final List<String> outLines = new ArrayList<>();
  private final StringBuffer stderr = new StringBuffer();
  private final Thread outReader;
  private final Thread errReader;

  private Proc(Process p) {
    this.process = p;
    outReader =
        pump(
            p.getInputStream(),
            line -> {
              synchronized (outLines) {
                outLines.add(line);
              }
              stdout.add(line);
            });
    errReader = pump(p.getErrorStream(), line -> stderr.append(line).append('\n'));
  }

  /** The java that runs these tests (JDK 17 or 25), for the terminus child too. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Starts {@code java -jar terminus.jar ARGS} in {@code dir}. */
  static Proc terminus(Path dir, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-jar");
    cmd.add(jar());
    cmd.addAll(List.of(args));
    return start(dir, cmd);
  }

  static String jar() {
    String jar = System.getProperty("terminus.test.jar");
    assertThat(jar).as("system property terminus.test.jar (set by failsafe)").isNotNull();
    assertThat(Path.of(jar)).exists();
    return jar;
  }

  /** Starts any command in {@code dir}, stdin closed. */
  static Proc start(Path dir, List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).start();
    p.getOutputStream().close();
    return new Proc(p);
  }

  /** Waits for a stdout line containing {@code text} and returns it. */
  String awaitLine(String text) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD);
    while (true) {
      long left = end - System.nanoTime();
      String line = left <= 0 ? null : stdout.poll(left, TimeUnit.NANOSECONDS);
      if (line == null || line.equals(EOF)) {
        throw new AssertionError(
            "no stdout line containing '" + text + "' (stdout " + out() + ", stderr " + err() + ")");
      }
      if (line.contains(text)) {
        return line;
      }
    }
  }

  /** Waits for the process to end (guarded) and its streams to drain; returns the status. */
  int waitFor() throws InterruptedException {
    if (!process.waitFor(GUARD, TimeUnit.SECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("still running after " + GUARD + "s; stderr: " + err());
    }
    outReader.join(TimeUnit.SECONDS.toMillis(GUARD));
    errReader.join(TimeUnit.SECONDS.toMillis(GUARD));
    return process.exitValue();
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
    Process k =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    assertThat(k.waitFor(GUARD, TimeUnit.SECONDS)).isTrue();
    assertThat(k.exitValue()).as("kill -" + signal + " " + pid).isZero();
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
                  stdout.add(EOF);
                }
              }
            });
    t.setDaemon(true);
    t.start();
    return t;
  }
}
