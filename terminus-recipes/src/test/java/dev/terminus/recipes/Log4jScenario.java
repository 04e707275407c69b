package dev.terminus.recipes;

import dev.terminus.Exit;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A program that logs through Log4j 2 from its cleanup: from an {@code atExit} task and from a
 * {@link Phase#LOGGING} task. Run in a child JVM by {@link Log4jRecipeIT}.
 *
 * <p>Arguments: the exit path, {@code own} ({@code throw Exit.now(0)}) or {@code system-exit} (a
 * third party's {@code System.exit(0)} from the body); then {@code recipe} (stop Log4j in {@link
 * Phase#LOGGING}) or {@code none}. The configuration ({@code log4j2.configurationFile}) and the log
 * file ({@code terminus.recipes.logfile}) come as system properties.
 *
 * <p>The {@code atExit} task is slow: it waits up to {@link #SLOW_MS} (300 ms by default) for
 * Log4j's context to stop, and prints whether it did. That makes the race with Log4j's own shutdown
 * hook deterministic: when the hook runs, the task logs only after the context has stopped.
 */
public final class Log4jScenario {
  /**
   * How long the {@code atExit} task waits for the logging context to stop: {@code
   * terminus.recipes.wait-ms}, 300 ms by default. The wait ends early when the context stops, so
   * the tests that reproduce the loss set it long, and stay deterministic on a loaded machine.
   */
  static final long SLOW_MS = Long.getLong("terminus.recipes.wait-ms", 300);

  private Log4jScenario() {}

  public static void main(String[] args) {
    String exitPath = args[0];
    boolean recipe = args[1].equals("recipe");
    Terminus.run(
        args,
        a -> {
          if (recipe) {
            // The recipe. Registered first, so it runs after every other LOGGING task (last
            // registered first): Log4j stops after the last cleanup line, flushing its appenders.
            Terminus.shutdown().add(Phase.LOGGING, "log4j", () -> LogManager.shutdown());
          }
          Logger log = LogManager.getLogger("scenario");
          CountDownLatch log4jStopped = new CountDownLatch(1);
          ((org.apache.logging.log4j.core.LoggerContext) LogManager.getContext(false))
              .addShutdownListener(context -> log4jStopped.countDown());

          Terminus.atExit(
              "store",
              () -> {
                boolean stoppedFirst = log4jStopped.await(SLOW_MS, TimeUnit.MILLISECONDS);
                System.out.println("log4j stopped before cleanup: " + stoppedFirst);
                log.info("cleanup: store closed");
              });
          Terminus.shutdown()
              .add(Phase.LOGGING, "last-words", () -> log.info("logging: last line"));

          log.info("body: working");
          if (exitPath.equals("own")) {
            throw Exit.now(0);
          }
          System.exit(0); // a third party's exit
        });
  }
}
