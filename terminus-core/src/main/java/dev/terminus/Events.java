package dev.terminus;

import java.time.Duration;

/**
 * JFR events, so standard JDK tooling (JDK Mission Control, {@code jfr print}) sees an exit
 * request, each stop task and a deadline that passed. Emitted only while a recording runs; a
 * runtime without {@code jdk.jfr} loses the events and nothing else.
 */
final class Events {
  private static final boolean JFR =
      ModuleLayer.boot().findModule("jdk.jfr").isPresent() || hasClass("jdk.jfr.Event");

  private Events() {}

  private static boolean hasClass(String name) {
    try {
      Class.forName(name, false, Events.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * JFR sets {@code jdk.jfr.repository} once a recording has started (by a flag, {@code jcmd} or an
   * agent); reading it costs nothing, where asking {@code FlightRecorder} would start JFR's
   * classes.
   */
  private static boolean recording() {
    return JFR && System.getProperty("jdk.jfr.repository") != null;
  }

  static void exitRequested(ExitException request) {
    if (recording()) {
      JfrEvents.exitRequested(
          request.status(),
          request instanceof SignalExit ? ((SignalExit) request).signal().fullName() : "exit",
          Thread.currentThread().getName());
    }
  }

  static void taskFinished(Report.Entry e) {
    if (recording()) {
      JfrEvents.taskFinished(e.phase, e.task, e.outcome, e.start, e.end);
    }
  }

  static void deadlineExceeded(int status, Duration deadline) {
    if (recording()) {
      JfrEvents.deadlineExceeded(status, deadline.toMillis());
    }
  }
}
