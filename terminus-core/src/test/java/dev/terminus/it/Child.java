package dev.terminus.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real child JVM running one scenario class: captures stdout, stderr and the exit status, sends
 * signals with {@code kill}, and kills the child if it outlives a generous guard.
 */
public final class Child implements AutoCloseable {
  /** Seconds a child may live before the helper kills it; the tests never rely on it. */
  static final long GUARD_SECONDS = Long.getLong("terminus.test.guard", 120);

  private final Process process;
  private final CompletableFuture<String> stdout;
  private final CompletableFuture<String> stderr;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private Child(Process process) {
    this.process = process;
    this.stdout = pump(process.getInputStream(), lines);
    this.stderr = pump(process.getErrorStream(), null);
  }

  /** The result of a finished child. */
  public record Result(int status, String stdout, String stderr) {}

  /** Starts {@code java [jvmOptions] -cp <classes> scenario args}. */
  public static Child start(Class<?> scenario, List<String> jvmOptions, Map<String, String> env, String... args) {
    List<String> cmd = new ArrayList<>(command(scenario, jvmOptions));
    cmd.addAll(List.of(args));
    return exec(cmd, env, null);
  }

  public static Child start(Class<?> scenario, String... args) {
    return start(scenario, List.of(), Map.of(), args);
  }

  /** The command line that runs {@code scenario}: for tests that wrap it in a shell. */
  public static List<String> command(Class<?> scenario, List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(scenario.getName());
    return cmd;
  }

  /** Starts any command, with signals INT, TERM and HUP at their defaults as in a terminal. */
  public static Child exec(List<String> command, Map<String, String> env, Path dir) {
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/env").canExecute()) {
      cmd.add("/usr/bin/env");
      cmd.add("--default-signal=INT,TERM,HUP");
    }
    cmd.addAll(command);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("TERMINUS_")); // only what a test sets
    pb.environment().putAll(env);
    if (dir != null) {
      pb.directory(dir.toFile());
    }
    try {
      return new Child(pb.start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + cmd, e);
    }
  }

  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  public static String classpath() {
    String cp = System.getProperty("terminus.test.classpath");
    return cp != null ? cp : System.getProperty("java.class.path");
  }

  public long pid() {
    return process.pid();
  }

  /** Waits for a line of stdout equal to {@code line}; fails if the child ends first. */
  public Child awaitLine(String line) {
    awaitLine(l -> l.equals(line), "'" + line + "'");
    return this;
  }

  /** Waits for a line of stdout that {@code test} accepts and returns it. */
  public String awaitLine(java.util.function.Predicate<String> test, String what) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    try {
      while (System.nanoTime() < until) {
        String next = lines.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          if (!process.isAlive() && stdout.isDone() && lines.isEmpty()) {
            throw new AssertionError("child ended before printing " + what + ": " + finish());
          }
          continue;
        }
        if (test.test(next)) {
          return next;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    throw new AssertionError("no line " + what + " within the guard");
  }

  /** Sends {@code signal} (such as {@code INT}) to the child with {@code kill}. */
  public Child signal(String signal) {
    kill(signal, process.pid());
    return this;
  }

  static void kill(String signal, long pid) {
    try {
      int s = new ProcessBuilder("kill", "-s", signal, "--", Long.toString(pid)).inheritIO().start().waitFor();
      if (s != 0) {
        throw new AssertionError("kill -" + signal + " " + pid + " exited " + s);
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Waits for the child to end (killing it after the guard) and returns what it did. */
  public Result finish() {
    try {
      if (!process.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "child outlived the " + GUARD_SECONDS + " s guard and was killed; stdout: "
                + stdout.getNow("") + " stderr: " + stderr.getNow(""));
      }
      return new Result(process.exitValue(), stdout.get(GUARD_SECONDS, TimeUnit.SECONDS),
          stderr.get(GUARD_SECONDS, TimeUnit.SECONDS));
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new AssertionError(e);
    }
  }

  /** Runs {@code scenario} to its end. */
  public static Result run(Class<?> scenario, String... args) {
    try (Child c = start(scenario, args)) {
      return c.finish();
    }
  }

  public static Result run(Class<?> scenario, List<String> jvmOptions, Map<String, String> env, String... args) {
    try (Child c = start(scenario, jvmOptions, env, args)) {
      return c.finish();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static CompletableFuture<String> pump(InputStream in, LinkedBlockingQueue<String> lines) {
    CompletableFuture<String> all = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      StringBuilder sb = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        int c;
        StringBuilder line = new StringBuilder();
        while ((c = r.read()) != -1) {
          sb.append((char) c);
          if (c == '\n') {
            if (lines != null) {
              lines.add(line.toString());
            }
            line.setLength(0);
          } else {
            line.append((char) c);
          }
        }
        all.complete(sb.toString());
      } catch (IOException e) {
        all.complete(sb.toString());
      }
    }, "child-pump");
    t.setDaemon(true);
    t.start();
    return all;
  }
}
