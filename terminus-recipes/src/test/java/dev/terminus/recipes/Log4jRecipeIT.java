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
 * Log4j 2, logging last (docs/logging.md). Each test runs {@link Log4jScenario} in its own JVM,
 * logging through an Async appender in front of a buffered File appender, and reads the file.
 */
class Log4jRecipeIT {
  private static final String BODY = "body: working";
  private static final String CLEANUP = "cleanup: store closed";
  private static final String LAST = "logging: last line";

  /** Lets the cleanup wait until Log4j's hook has stopped the context: the race, made certain. */
  private static final String WAIT_FOR_THE_HOOK = "-Dterminus.recipes.wait-ms=20000";

  @TempDir Path dir;

  /**
   * The problem, reproduced deterministically: on a third party's System.exit, Log4j's own JVM
   * shutdown hook stops its LoggerContext while Terminus's hook runs the cleanup; every line logged
   * after that is dropped, even the LOGGING phase's.
   */
  @Test
  void withoutTheRecipeSystemExitLosesTheCleanupLines() throws Exception {
    ChildResult r = run("log4j2-default.xml", List.of(WAIT_FOR_THE_HOOK), "system-exit", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("log4j stopped before cleanup: true");
    assertThat(log()).as("%s", r).contains(BODY).doesNotContain(CLEANUP).doesNotContain(LAST);
  }

  /**
   * Terminus's own exit path needs no recipe for the lines to be kept: the whole stop, LOGGING
   * phase included, runs before System.exit starts any shutdown hook; Log4j's hook then flushes.
   */
  @Test
  void withoutTheRecipeTerminusOwnExitKeepsTheLines() throws Exception {
    ChildResult r = run("log4j2-default.xml", List.of(), "own", "none");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("log4j stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The recipe (shutdownHook="disable" + LogManager.shutdown() in LOGGING), Terminus's exit. */
  @Test
  void recipeKeepsTheLinesOnTerminusOwnExit() throws Exception {
    ChildResult r = run("log4j2-recipe.xml", List.of(), "own", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("log4j stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The recipe (shutdownHook="disable" + LogManager.shutdown() in LOGGING), System.exit. */
  @Test
  void recipeKeepsTheLinesOnThirdPartySystemExit() throws Exception {
    ChildResult r = run("log4j2-recipe.xml", List.of(), "system-exit", "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("log4j stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The recipe with the hook disabled by -Dlog4j2.shutdownHookEnabled=false instead of XML. */
  @Test
  void recipeWithTheSystemPropertyKeepsTheLinesOnThirdPartySystemExit() throws Exception {
    ChildResult r =
        run(
            "log4j2-default.xml",
            List.of("-Dlog4j2.shutdownHookEnabled=false"),
            "system-exit",
            "recipe");

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout()).as("%s", r).contains("log4j stopped before cleanup: false");
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  /** The program docs/logging.md shows, with the recipe's configuration. */
  @Test
  void theDocumentedProgramKeepsEveryLine() throws Exception {
    ChildResult r =
        ChildProcess.java(Log4jRecipeProgram.class)
            .classpath(Backends.classpath("log4j"))
            .jvmOptions(
                "-Dlog4j2.configurationFile=recipes/log4j2-recipe.xml",
                "-Dterminus.recipes.logfile=" + dir.resolve("app.log"))
            .run();

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(lines()).as("%s", r).containsExactly(BODY, CLEANUP, LAST);
  }

  private ChildResult run(String config, List<String> options, String... args) throws Exception {
    List<String> jvm = new ArrayList<>(options);
    jvm.add("-Dlog4j2.configurationFile=recipes/" + config);
    jvm.add("-Dterminus.recipes.logfile=" + dir.resolve("app.log"));
    return ChildProcess.java(Log4jScenario.class)
        .classpath(Backends.classpath("log4j"))
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
