package dev.terminus.examples.ledger;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * {@code java -jar target/ledger.jar ARGS} in a real child process: its stdout line by line as it
 * comes, its stderr, its exit status, signals sent with {@code kill}. A child that outlives a
 * generous guard is killed, with every process it started, and the test fails; no test relies on
 * the guard.
 */
final class LedgerChild {
  static final long GUARD_SECONDS = Long.getLong("terminus.test.guard", 120);
  private static final String EOF = new String("<eof>");

  private final Process process;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final CompletableFuture<List<String>> stdout;
  private final CompletableFuture<String> stderr;

  /** How a child ended. */
  record Result(int status, List<String> stdout, String stderr) {
    List<String> stderrLines() {
      return stderr.isEmpty() ? List.of() : List.of(stderr.split("\n"));
    }

    @Override
    public String toString() {
      List<String> tail = stdout.subList(Math.max(0, stdout.size() - 8), stdout.size());
      return "status " + status + ", stderr: [" + stderr.strip() + "], last stdout lines: " + tail;
    }
  }

  private LedgerChild(Process process) {
    this.process = process;
    this.stdout = CompletableFuture.supplyAsync(() -> pump(process.getInputStream(), lines), LedgerChild::thread);
    this.stderr =
        CompletableFuture.supplyAsync(() -> String.join("\n", pump(process.getErrorStream(), null)), LedgerChild::thread)
            .thenApply(s -> s.isEmpty() ? s : s + "\n");
  }

  private static void thread(Runnable r) {
    Thread t = new Thread(r, "ledger-child-pump");
    t.setDaemon(true);
    t.start();
  }

  /** The jar under test: target/ledger.jar, built by the package phase. */
  static Path jar() {
    String jar = System.getProperty("terminus.test.jar");
    if (jar == null) {
      throw new IllegalStateException("run with -Dterminus.test.jar=.../ledger.jar (mvn verify does)");
    }
    return Path.of(jar);
  }

  /** Starts the ledger with {@code jvmOptions} before {@code -jar} and {@code args} after it. */
  static LedgerChild start(List<String> jvmOptions, String... args) {
    return start(List.of(), jvmOptions, args);
  }

  /**
   * Starts the ledger under {@code launcher}, a command that runs the rest of the command line (for
   * example {@code setpriv --reuid=65534 ...}), with {@code jvmOptions} before {@code -jar} and
   * {@code args} after it.
   */
  static LedgerChild start(List<String> launcher, List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>(launcher);
    if (new File("/usr/bin/env").canExecute()) {
      // Signals INT, TERM and HUP at their defaults, as in a terminal, whatever this JVM inherited.
      cmd.add("/usr/bin/env");
      cmd.add("--default-signal=INT,TERM,HUP");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-jar");
    cmd.add(jar().toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    for (String v : List.of("TERMINUS_DEADLINE", "TERMINUS_SIGNALS", "TERMINUS_SIGNAL_EXIT", "TERMINUS_NAME", "TERMINUS_STDOUT")) {
      pb.environment().remove(v);
    }
    try {
      return new LedgerChild(pb.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LedgerChild start(String... args) {
    return start(List.of(), args);
  }

  /** Runs the ledger to the end. */
  static Result run(String... args) {
    return start(args).await();
  }

  /** Runs the ledger to the end under {@code launcher} (see {@link #start(List, List, String...)}). */
  static Result runUnder(List<String> launcher, String... args) {
    return start(launcher, List.of(), args).await();
  }

  long pid() {
    return process.pid();
  }

  /** Waits for the next stdout line that {@code match} accepts; null once stdout has ended. */
  String awaitLine(Predicate<String> match) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (true) {
      String line = lines.poll(Math.max(0, until - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        kill();
        fail("no matching line from the ledger within the " + GUARD_SECONDS + " s guard");
      }
      if (line == EOF) {
        lines.add(EOF);
        return null;
      }
      if (match.test(line)) {
        return line;
      }
    }
  }

  /** Sends {@code signal} (TERM, INT, KILL) with {@code kill -s SIG -- PID}. */
  void signal(String signal) throws IOException, InterruptedException {
    // Always this form, with "--" and a positive pid: procps kill misparses "-TERM -123".
    Process kill = new ProcessBuilder("kill", "-s", signal, "--", Long.toString(pid())).inheritIO().start();
    if (!kill.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
      kill.destroyForcibly();
      fail("kill did not finish");
    }
  }

  /** Waits for the child to end, within the guard. */
  Result await() {
    try {
      if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        kill();
        fail("the ledger did not end within the " + GUARD_SECONDS + " s guard");
      }
      return new Result(
          process.exitValue(),
          stdout.get(GUARD_SECONDS, TimeUnit.SECONDS),
          stderr.get(GUARD_SECONDS, TimeUnit.SECONDS));
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      kill();
      throw new AssertionError("waiting for the ledger failed", e);
    }
  }

  /** Kills the child and every process it started (SIGKILL), descendants first. */
  void kill() {
    // Listed while the parent lives: once it dies, its children are re-parented and not found.
    List<ProcessHandle> descendants = process.descendants().toList();
    descendants.forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private static List<String> pump(InputStream in, LinkedBlockingQueue<String> queue) {
    List<String> all = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line; (line = r.readLine()) != null; ) {
        all.add(line);
        if (queue != null) {
          queue.add(line);
        }
      }
    } catch (IOException e) {
      all.add("<read failed: " + e + ">");
    } finally {
      if (queue != null) {
        queue.add(EOF);
      }
    }
    return all;
  }
}
