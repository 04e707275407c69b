package dev.terminus.picocli;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * A real child JVM under a small {@code python3} parent that reports what {@code waitpid} saw, so a
 * test can tell a death by a signal from an exit with 128 + N. Captures stdout and stderr, feeds
 * stdin, sends signals with {@code kill}, and kills the child and its descendants when a wait
 * outlives the guard or the test ends.
 */
final class ChildJvm implements AutoCloseable {
  /** Seconds any one wait may take before the child's tree is killed; the tests never rely on it. */
  static final long GUARD_SECONDS = Long.getLong("terminus.test.guard", 120);

  private static final String WAITPID =
      "import os, subprocess, sys\n"
          + "p = subprocess.Popen(sys.argv[2:])\n"
          + "open(sys.argv[1] + '.tmp', 'w').write('pid %d' % p.pid)\n"
          + "os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n"
          + "rc = p.wait()\n"
          + "open(sys.argv[1] + '.tmp', 'w').write(('signal %d' % -rc) if rc < 0 else ('exit %d' % rc))\n"
          + "os.rename(sys.argv[1] + '.tmp', sys.argv[1])\n";

  /** What a finished child did. {@code status} is what a shell shows: 128 + N for signal N. */
  record Result(int status, boolean signaled, String stdout, String stderr) {
    @Override
    public String toString() {
      return (signaled ? "killed by signal " + (status - 128) : "exit " + status)
          + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  private final Process parent;
  private final Path waitpidFile;
  private final CompletableFuture<String> stdout;
  private final CompletableFuture<String> stderr;
  private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final LinkedBlockingQueue<String> errLines = new LinkedBlockingQueue<>();
  private final OutputStream stdin;
  private final long javaPid;

  private ChildJvm(Process parent, Path waitpidFile) {
    this.parent = parent;
    this.waitpidFile = waitpidFile;
    this.stdout = pump(parent.getInputStream(), lines);
    this.stderr = pump(parent.getErrorStream(), errLines);
    this.stdin = parent.getOutputStream();
    this.javaPid = awaitJavaPid();
  }

  /**
   * Starts {@code java [jvmOptions] -cp <classes and the module's runtime jars> main args} with
   * SIGINT, SIGTERM and SIGHUP at their defaults, as in a terminal, and no {@code TERMINUS_*}
   * variable but those in {@code env}.
   */
  static ChildJvm start(Class<?> main, List<String> jvmOptions, Map<String, String> env, String... args)
      throws IOException {
    Path file = Files.createTempDirectory("terminus-waitpid").resolve("waitpid.txt");
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", WAITPID, file.toString()));
    if (new File("/usr/bin/env").canExecute()) {
      cmd.add("/usr/bin/env");
      cmd.add("--default-signal=INT,TERM,HUP");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().keySet().removeIf(k -> k.startsWith("TERMINUS_"));
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    pb.environment().remove("JDK_JAVA_OPTIONS");
    pb.environment().putAll(env);
    return new ChildJvm(pb.start(), file);
  }

  /** Runs the child to its end with stdin closed. */
  static Result run(Class<?> main, Map<String, String> env, String... args) throws IOException {
    try (ChildJvm c = start(main, List.of(), env, args)) {
      c.closeStdin();
      return c.finish();
    }
  }

  /** This module's classes and test classes, then its runtime jars as Maven resolved them. */
  static String classpath() throws IOException {
    String classes = System.getProperty("terminus.test.classpath");
    String file = System.getProperty("terminus.child.classpath.file");
    if (classes == null || file == null) {
      throw new IllegalStateException("run with Maven (mvn verify): the child classpath comes from"
          + " failsafe's systemPropertyVariables");
    }
    return classes + File.pathSeparator + Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
  }

  long pid() {
    return javaPid;
  }

  /** Waits for a line of stdout equal to {@code line}; fails if the child ends first. */
  ChildJvm awaitLine(String line) {
    awaitLine(l -> l.equals(line), "'" + line + "'");
    return this;
  }

  /** Waits for a line of stdout that {@code test} accepts and returns it. */
  String awaitLine(Predicate<String> test, String what) {
    return await(lines, stdout, test, what);
  }

  /** Waits for a line of stderr that {@code test} accepts and returns it. */
  String awaitErrLine(Predicate<String> test, String what) {
    return await(errLines, stderr, test, what);
  }

  private String await(LinkedBlockingQueue<String> queue, CompletableFuture<String> stream,
      Predicate<String> test, String what) {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    try {
      while (System.nanoTime() - until < 0) {
        String next = queue.poll(100, TimeUnit.MILLISECONDS);
        if (next == null) {
          if (!parent.isAlive() && stream.isDone() && queue.isEmpty()) {
            throw new AssertionError("child ended before printing " + what + ": " + finish());
          }
        } else if (test.test(next)) {
          return next;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    killTree();
    throw new AssertionError("no line " + what + " within " + GUARD_SECONDS + " s; killed the child");
  }

  /** Writes {@code line} and a newline to the child's stdin. */
  ChildJvm send(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
    return this;
  }

  void closeStdin() throws IOException {
    stdin.close();
  }

  /** Sends {@code signal} (such as {@code TERM}) to the child JVM with {@code kill}. */
  ChildJvm signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, "--", Long.toString(javaPid))
          .redirectErrorStream(true).start();
      if (!kill.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        kill.destroyForcibly();
        throw new AssertionError("kill -s " + signal + " did not return");
      }
      if (kill.exitValue() != 0) {
        throw new AssertionError("kill -s " + signal + " " + javaPid + " exited " + kill.exitValue()
            + ": " + new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return this;
  }

  /** Waits for the child to end (killing its tree after the guard) and returns what it did. */
  Result finish() {
    try {
      if (!parent.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        killTree();
        throw new AssertionError("child outlived the " + GUARD_SECONDS + " s guard and was killed;"
            + " stdout: " + stdout.getNow("") + " stderr: " + stderr.getNow(""));
      }
      String how = Files.readString(waitpidFile, StandardCharsets.UTF_8).strip();
      String out = stdout.get(GUARD_SECONDS, TimeUnit.SECONDS);
      String err = stderr.get(GUARD_SECONDS, TimeUnit.SECONDS);
      if (how.startsWith("signal ")) {
        return new Result(128 + Integer.parseInt(how.substring(7)), true, out, err);
      }
      if (how.startsWith("exit ")) {
        return new Result(Integer.parseInt(how.substring(5)), false, out, err);
      }
      throw new AssertionError("the waitpid parent exited " + parent.exitValue() + " and wrote '"
          + how + "'; stderr: " + err);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      killTree();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    killTree();
    try {
      Files.deleteIfExists(waitpidFile);
      Files.deleteIfExists(waitpidFile.getParent());
    } catch (IOException e) {
      // a temporary file; the system cleans it up
    }
  }

  private void killTree() {
    parent.descendants().forEach(ProcessHandle::destroyForcibly);
    parent.destroyForcibly();
  }

  /** The JVM's pid, once the parent has started it and written it down. */
  private long awaitJavaPid() {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(GUARD_SECONDS);
    while (System.nanoTime() - until < 0) {
      try {
        String pid = Files.exists(waitpidFile) ? Files.readString(waitpidFile, StandardCharsets.UTF_8) : "";
        if (pid.startsWith("pid ")) {
          return Long.parseLong(pid.substring(4).strip());
        }
        if (!pid.isEmpty()) {
          return -1; // the child has ended already; the file says how
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
      if (!parent.isAlive()) {
        throw new AssertionError("the waitpid parent ended before starting the child: "
            + stderr.join());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    killTree();
    throw new AssertionError("the child did not start within " + GUARD_SECONDS + " s");
  }

  private static CompletableFuture<String> pump(InputStream in, LinkedBlockingQueue<String> lines) {
    CompletableFuture<String> all = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      StringBuilder sb = new StringBuilder();
      StringBuilder line = new StringBuilder();
      try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        int c;
        while ((c = r.read()) != -1) {
          sb.append((char) c);
          if (c == '\n') {
            lines.add(line.toString());
            line.setLength(0);
          } else {
            line.append((char) c);
          }
        }
      } catch (IOException e) {
        // the child's end of the pipe went away: what was read is the whole output
      }
      all.complete(sb.toString());
    }, "child-pump");
    t.setDaemon(true);
    t.start();
    return all;
  }
}
