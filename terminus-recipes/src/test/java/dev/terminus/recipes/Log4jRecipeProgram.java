package dev.terminus.recipes;

import dev.terminus.Exit;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** The Log4j recipe as docs/logging.md shows it, verbatim. Run by {@link Log4jRecipeIT}. */
public final class Log4jRecipeProgram {
  private Log4jRecipeProgram() {}

  public static void main(String[] args) {
    Terminus.run(args, a -> {
      Terminus.shutdown().add(Phase.LOGGING, "log4j", () -> LogManager.shutdown()); // the recipe, first
      Logger log = LogManager.getLogger("scenario");
      Terminus.atExit("store", () -> log.info("cleanup: store closed"));
      Terminus.shutdown().add(Phase.LOGGING, "last-words", () -> log.info("logging: last line"));
      log.info("body: working");
      throw Exit.now(0);        // or a third party's System.exit(0)
    });
  }
}
