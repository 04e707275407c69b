package dev.terminus.recipes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logback, logging last (docs/logging.md). Each test runs {@link LogbackScenario} in its own JVM,
 * logging through an AsyncAppender in front of a FileAppender with immediateFlush=false, and
 * reads the file.
 */
class LogbackRecipeIT {
  private static final String BODY = "body: working";
  private static final String CLEANUP = "cleanup: store closed";
  private static final String LAST = "logging: last line";

  @TempDir Path dir;

  /**
   * The problem, on Terminus's own exit path: Logback has no shutdown hook by default, so nobody
   * stops it; the async queue and the file buffer die with the JVM.
   */
  @Test
  void withoutTheRecipeTerminusOwnExitLosesTheLines() throws Exception {
    ChildJvm.Result r = run("logback-recipe.xml", "own", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(log()).as("%s", r).doesNotContain(CLEANUP).doesNotContain(LAST);
  }

  /** The same on a third party's System.exit. */
  @Test
  void withoutTheRecipeSystemExitLosesTheLines() throws Exception {
    ChildJvm.Result r = run("logback-recipe.xml", "system-exit", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(log()).as("%s", r).doesNotContain(CLEANUP).doesNotContain(LAST);
  }

  /**
   * Why the recipe does not use Logback's {@code <shutdownHook/>}: on System.exit that hook stops
   * the context concurrently with Terminus's hook, and the cleanup lines logged after it are
   * dropped (reproduced deterministically: the cleanup logs after the context stopped).
   */
  @Test
  void logbacksOwnShutdownHookLosesTheCleanupLinesOnSystemExit() throws Exception {
    ChildJvm.Result r = run("logback-hook.xml", "system-exit", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: true");
    assertThat(log()).as("%s", r).contains(BODY).doesNotContain(CLEANUP).doesNotContain(LAST);
  }

  /** The recipe (LoggerContext.stop() in LOGGING, no shutdownHook), Terminus's own exit. */
  @Test
  void recipeKeepsTheLinesOnTerminusOwnExit() throws Exception {
    ChildJvm.Result r = run("logback-recipe.xml", "own", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The recipe (LoggerContext.stop() in LOGGING, no shutdownHook), a third party's System.exit. */
  @Test
  void recipeKeepsTheLinesOnThirdPartySystemExit() throws Exception {
    ChildJvm.Result r = run("logback-recipe.xml", "system-exit", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("logback stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  private ChildJvm.Result run(String config, String... args) throws Exception {
    List<String> jvm = List.of(
        "-Dlogback.configurationFile=recipes/" + config,
        "-Dterminus.recipes.logfile=" + dir.resolve("app.log"));
    return ChildJvm.run("logback", LogbackScenario.class, jvm, dir, args);
  }

  private String log() throws Exception {
    return ChildJvm.read(dir.resolve("app.log"));
  }

  private List<String> lines() throws Exception {
    return log().lines().toList();
  }
}
