package dev.terminus.recipes;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs one scenario in a child JVM with one logging backend's classpath, to its end: the recipes
 * need real JVM exits, real shutdown hooks, and one logging framework per JVM.
 */
final class ChildJvm {
  /** Seconds a child may live before it is killed; the tests never rely on it. */
  static final long GUARD_SECONDS = Long.getLong("terminus.test.guard", 120);

  private ChildJvm() {}

  /** What a finished child did. */
  record Result(int status, String stdout, String stderr) {
    @Override
    public String toString() {
      return "status " + status + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /**
   * Runs {@code java [jvmOptions] -cp <test classes>:<backend's jars> scenario args}, started
   * through {@code env --default-signal} so INT, TERM and HUP are at their defaults as in a
   * terminal.
   *
   * @param backend {@code log4j} or {@code logback}: which classpath file to use
   */
  static Result run(String backend, Class<?> scenario, List<String> jvmOptions, Path dir, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/env").canExecute()) {
      cmd.add("/usr/bin/env");
      cmd.add("--default-signal=INT,TERM,HUP");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xshare:auto");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath(backend));
    cmd.add(scenario.getName());
    cmd.addAll(List.of(args));

    Path out = dir.resolve("stdout.txt");
    Path err = dir.resolve("stderr.txt");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    for (String v : List.of("TERMINUS_DEADLINE", "TERMINUS_SIGNALS", "TERMINUS_SIGNAL_EXIT",
        "TERMINUS_NAME", "TERMINUS_REPORT", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      pb.environment().remove(v);
    }
    Process p = pb.start();
    try {
      if (!p.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor();
        throw new AssertionError("child outlived the " + GUARD_SECONDS + " s guard and was killed:\n"
            + read(out) + read(err));
      }
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
    return new Result(p.exitValue(), read(out), read(err));
  }

  /** The test classes, then the backend's jars and terminus-core, as Maven resolved them. */
  static String classpath(String backend) throws IOException {
    String classes = System.getProperty("terminus.recipes.classes");
    String file = System.getProperty("terminus.recipes.classpath." + backend);
    if (classes == null || file == null) {
      throw new IllegalStateException("run with Maven (mvn verify): the child classpath for "
          + backend + " comes from failsafe's systemPropertyVariables");
    }
    return classes + File.pathSeparator + Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
  }

  /** The file's text, or "" if it does not exist. */
  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
