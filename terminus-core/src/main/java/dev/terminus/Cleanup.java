package dev.terminus;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The process-wide stack of cleanup tasks registered with {@link Terminus#atExit}.
 *
 * <p>Design: a list guarded by the class lock. Tasks are taken off the stack under the lock and run
 * outside it, so each runs at most once even when a runner and a JVM shutdown hook race, and a
 * task may register further tasks (they run next). A mark lets {@link Terminus#call} run and
 * discard only the tasks registered during the call.
 */
final class Cleanup {
  /** A named cleanup task. */
  static final class Task {
    final String name;
    final AutoCloseable action;

    Task(String name, AutoCloseable action) {
      this.name = name;
      this.action = action;
    }
  }

  private static final List<Task> TASKS = new ArrayList<>();
  private static int registered;

  private Cleanup() {}

  static void add(String name, AutoCloseable action) {
    synchronized (Cleanup.class) {
      registered++;
      TASKS.add(new Task(name != null ? name : "task " + registered, action));
    }
  }

  static int mark() {
    synchronized (Cleanup.class) {
      return TASKS.size();
    }
  }

  /** Removes and returns the top task above {@code mark}, or null. */
  private static Task pop(int mark) {
    synchronized (Cleanup.class) {
      int n = TASKS.size();
      return n > mark ? TASKS.remove(n - 1) : null;
    }
  }

  /** Discards the tasks above {@code mark} without running them. */
  static void discard(int mark) {
    synchronized (Cleanup.class) {
      while (TASKS.size() > mark) {
        TASKS.remove(TASKS.size() - 1);
      }
    }
  }

  /**
   * Runs the tasks above {@code mark}, last registered first; a failure is reported on {@code err}
   * with the task's name and the others still run.
   */
  static void run(int mark, String program, PrintStream err) {
    for (Task t = pop(mark); t != null; t = pop(mark)) {
      try {
        t.action.close();
      } catch (ExitException e) {
        // An exit requested while exiting: the first request decides; nothing to report.
      } catch (InterruptedException e) {
        err.println(program + ": cleanup task '" + t.name + "' was interrupted");
        Thread.currentThread().interrupt();
      } catch (Throwable e) { // the runner boundary: every task must get its turn
        err.println(program + ": cleanup task '" + t.name + "' failed: " + e);
      }
    }
  }
}
