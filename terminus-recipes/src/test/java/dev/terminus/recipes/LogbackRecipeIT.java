package dev.terminus.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logback, logging last (docs/logging.md). Each test runs {@link LogbackScenario} in its own JVM,
 * logging through an AsyncAppender in front of a FileAppender with immediateFlush=false, and reads
 * the file.
 */
class LogbackRecipeIT {
  private static final String BODY = "body: working";
  private static final String CLEANUP = "cleanup: store closed";
  private static final String LAST = "logging: last line";

  /** Lets the cleanup wait until Logback's hook has stopped the context: the race, made certain. */
  private static final String WAIT_FOR_THE_HOOK = "-Dterminus.recipes.wait-ms=20000";

  @TempDir Path dir;

  /**
   * The problem, on Terminus's own exit path: Logback has no shutdown hook by default, so nobody
   * stops it; the async queue and the file buffer die with the JVM.
   */
  @Test
  void withoutTheRecipeTerminusOwnExitLosesTheLines() throws Exception {
    ChildResult r = run("logback-recipe.xml", List.of(), "own", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    // The appender created the file at startup (the configuration was loaded), and nothing ever
    // flushed it: even the body's line is lost.
    assertThat(dir.resolve("app.log")).as("%s", r).exists().isEmptyFile();
  }

  /** The same on a third party's System.exit. */
  @Test
  void withoutTheRecipeSystemExitLosesTheLines() throws Exception {
    ChildResult r = run("logback-recipe.xml", List.of(), "system-exit", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    // The appender created the file at startup (the configuration was loaded), and nothing ever
    // flushed it: even the body's line is lost.
    assertThat(dir.resolve("app.log")).as("%s", r).exists().isEmptyFile();
  }

  /**
   * Why the recipe does not use Logback's {@code <shutdownHook/>}: on System.exit that hook stops
   * the context concurrently with Terminus's hook, and the cleanup lines logged after it are
   * dropped (reproduced deterministically: the cleanup logs after the context stopped).
   */
  @Test
  void logbacksOwnShutdownHookLosesTheCleanupLinesOnSystemExit() throws Exception {
    ChildResult r = run("logback-hook.xml", List.of(WAIT_FOR_THE_HOOK), "system-exit", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: true");
    assertThat(log()).as("%s", r).contains(BODY).doesNotContain(CLEANUP).doesNotContain(LAST);
  }

  /** The recipe (LoggerContext.stop() in LOGGING, no shutdownHook), Terminus's own exit. */
  @Test
  void recipeKeepsTheLinesOnTerminusOwnExit() throws Exception {
    ChildResult r = run("logback-recipe.xml", List.of(), "own", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The recipe (LoggerContext.stop() in LOGGING, no shutdownHook), a third party's System.exit. */
  @Test
  void recipeKeepsTheLinesOnThirdPartySystemExit() throws Exception {
    ChildResult r = run("logback-recipe.xml", List.of(), "system-exit", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  private ChildResult run(String config, List<String> options, String... args) throws Exception {
    List<String> jvm = new ArrayList<>(options);
    jvm.add("-Dlogback.configurationFile=recipes/" + config);
    jvm.add("-Dterminus.recipes.logfile=" + dir.resolve("app.log"));
    return ChildProcess.java(LogbackScenario.class)
        .classpath(Backends.classpath("logback"))
        .jvmOptions(jvm)
        .args(args)
        .run();
  }

  private String log() throws Exception {
    return Backends.read(dir.resolve("app.log"));
  }

  private List<String> lines() throws Exception {
    return log().lines().toList();
  }
}
