package dev.terminus.recipes;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import dev.terminus.Exit;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A program that logs through SLF4J and Logback from its cleanup: from an {@code atExit} task and
 * from a {@link Phase#LOGGING} task. Run in a child JVM by {@link LogbackRecipeIT}.
 *
 * <p>Arguments: the exit path, {@code own} ({@code throw Exit.now(0)}) or {@code system-exit} (a
 * third party's {@code System.exit(0)} from the body); then {@code recipe} (stop Logback in {@link
 * Phase#LOGGING}) or {@code none}. The configuration ({@code logback.configurationFile}) and the
 * log file ({@code terminus.recipes.logfile}) come as system properties.
 *
 * <p>The {@code atExit} task is slow: it waits up to {@link #SLOW_MS} (300 ms by default) for
 * Logback's context to stop, and prints whether it did, so a race with a Logback shutdown hook is
 * deterministic.
 */
public final class LogbackScenario {
  /**
   * How long the {@code atExit} task waits for the logging context to stop: {@code
   * terminus.recipes.wait-ms}, 300 ms by default. The wait ends early when the context stops, so
   * the tests that reproduce the loss set it long, and stay deterministic on a loaded machine.
   */
  static final long SLOW_MS = Long.getLong("terminus.recipes.wait-ms", 300);

  private LogbackScenario() {}

  public static void main(String[] args) {
    String exitPath = args[0];
    boolean recipe = args[1].equals("recipe");
    Terminus.run(
        args,
        a -> {
          if (recipe) {
            // The recipe. Registered first, so it runs after every other LOGGING task (last
            // registered first): stopping the context drains the AsyncAppender and closes the file.
            Terminus.shutdown()
                .add(
                    Phase.LOGGING,
                    "logback",
                    () -> ((LoggerContext) LoggerFactory.getILoggerFactory()).stop());
          }
          Logger log = LoggerFactory.getLogger("scenario");
          CountDownLatch logbackStopped = new CountDownLatch(1);
          ((LoggerContext) LoggerFactory.getILoggerFactory())
              .addListener(new StopListener(logbackStopped));

          Terminus.atExit(
              "store",
              () -> {
                boolean stoppedFirst = logbackStopped.await(SLOW_MS, TimeUnit.MILLISECONDS);
                System.out.println("logback stopped before cleanup: " + stoppedFirst);
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

  /** Counts a latch down when the context stops. */
  private static final class StopListener implements LoggerContextListener {
    private final CountDownLatch stopped;

    StopListener(CountDownLatch stopped) {
      this.stopped = stopped;
    }

    @Override
    public boolean isResetResistant() {
      return true;
    }

    @Override
    public void onStart(LoggerContext context) {}

    @Override
    public void onReset(LoggerContext context) {}

    @Override
    public void onStop(LoggerContext context) {
      stopped.countDown();
    }

    @Override
    public void onLevelChange(ch.qos.logback.classic.Logger logger, Level level) {}
  }
}
