package dev.terminus;

import java.util.logging.LogManager;

/**
 * A {@code java.util.logging} manager that keeps logging alive until the Terminus stop has run its
 * last phase, so lines logged by cleanup tasks are not lost.
 *
 * <p>The JDK's {@code LogManager} resets itself (closing every handler) from its own JVM shutdown
 * hook, which runs at the same time as every other hook. When a stop runs from a shutdown hook — a
 * third party's {@code System.exit}, or a signal Terminus does not handle — lines that cleanup
 * tasks log after that reset are dropped. This manager makes the reset wait for the stop to finish
 * (bounded by the deadline). Under {@link Terminus#run} with its own exit paths the stop runs
 * before any shutdown hook, so plain {@code LogManager} already keeps every line.
 *
 * <p>Install it at startup: {@code java -Djava.util.logging.manager=dev.terminus.TerminusLogManager
 * ...}.
 *
 * <p>Safe for concurrent use.
 */
public class TerminusLogManager extends LogManager {
  /** Creates the manager; the JDK calls this when the system property names this class. */
  public TerminusLogManager() {}

  /**
   * Resets the logging configuration; during the JVM's shutdown it first waits for a Terminus stop
   * in progress to finish.
   */
  @Override
  public void reset() {
    if (Run.jvmShutdownStarted() || inShutdownHook()) {
      Run.awaitStop(Settings.configuredDeadline().toNanos());
    }
    super.reset();
  }

  /**
   * When this manager is installed, sets up the root handlers now: the JDK refuses to set them up
   * once its own shutdown hook has started, so a program whose first log line comes from a cleanup
   * task would otherwise log nothing.
   */
  static void prepare() {
    if (TerminusLogManager.class
        .getName()
        .equals(System.getProperty("java.util.logging.manager"))) {
      java.util.logging.Logger.getLogger("").getHandlers();
    }
  }

  private static boolean inShutdownHook() {
    for (StackTraceElement e : Thread.currentThread().getStackTrace()) {
      if (e.getClassName().startsWith("java.util.logging.LogManager$Cleaner")) {
        return true;
      }
    }
    return false;
  }
}
