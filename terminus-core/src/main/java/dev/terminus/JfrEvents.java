package dev.terminus;

import jdk.jfr.Category;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Timespan;

/** The JFR event types; loaded only when {@link Events} finds a recording running. */
final class JfrEvents {
  private JfrEvents() {}

  @Name("dev.terminus.ExitRequested")
  @Label("Exit Requested")
  @Category("Terminus")
  static final class ExitRequested extends Event {
    @Label("Status")
    int status;

    @Label("Cause")
    String cause;

    @Label("Thread")
    String thread;
  }

  @Name("dev.terminus.TaskFinished")
  @Label("Shutdown Task Finished")
  @Category("Terminus")
  static final class TaskFinished extends Event {
    @Label("Phase")
    String phase;

    @Label("Task")
    String task;

    @Label("Outcome")
    String outcome;

    @Label("Duration")
    @Timespan(Timespan.NANOSECONDS)
    long nanos;
  }

  @Name("dev.terminus.DeadlineExceeded")
  @Label("Shutdown Deadline Exceeded")
  @Category("Terminus")
  static final class DeadlineExceeded extends Event {
    @Label("Status")
    int status;

    @Label("Deadline")
    @Timespan(Timespan.MILLISECONDS)
    long deadline;
  }

  static void exitRequested(int status, String cause, String thread) {
    ExitRequested e = new ExitRequested();
    e.status = status;
    e.cause = cause;
    e.thread = thread;
    e.commit();
  }

  static void taskFinished(String phase, String task, String outcome, long start, long end) {
    TaskFinished e = new TaskFinished();
    e.phase = phase;
    e.task = task;
    e.outcome = outcome;
    e.nanos = end - start;
    e.commit();
  }

  static void deadlineExceeded(int status, long deadlineMillis) {
    DeadlineExceeded e = new DeadlineExceeded();
    e.status = status;
    e.deadline = deadlineMillis;
    e.commit();
  }
}
