package dev.terminus.bench.proc;

import dev.terminus.MainBody;
import dev.terminus.Phase;
import dev.terminus.Terminus;

/**
 * The program under {@link Terminus#run}: {@code atExit} tasks, or a concurrent phase of slow
 * tasks. On SIGTERM the main thread's sleep is interrupted and the process ends by the signal (or
 * with status 143 under {@code -Dterminus.signal-exit=status}).
 *
 * <p>{@code probe} is {@code exit} with {@code System.nanoTime()} (CLOCK_MONOTONIC, the harness's
 * clock) taken at {@code main}, just before {@code Terminus.run}, at the body's start and end, and
 * in the last cleanup task to run, which writes them on stderr. {@code startpath} is {@code exit}
 * with a marker class loaded just before {@code Terminus.run} and another first thing in the body.
 * In {@code signal many} the last task to run writes when the first began and when it ended: the
 * time the 1,000 tasks themselves took inside the stop.
 */
public final class TerminusApp {
  private static long tMain;
  private static long tRun;
  private static long tBody;
  private static long tBodyEnd;
  private static long tFirstOfMany;

  private TerminusApp() {}

  public static void main(String[] args) {
    tMain = System.nanoTime();
    MainBody body = a -> body(a);
    if (args.length == 1 && args[0].equals("startpath")) {
      StartMark.touch();
    }
    tRun = System.nanoTime();
    Terminus.run(args, body);
  }

  private static void body(String[] a) throws InterruptedException {
    String scenario = Work.scenario(a);
    switch (scenario) {
      case "startpath":
        BodyMark.touch();
        Work.small();
        atExit(Work.EXIT_TASKS);
        return;
      case "exit":
        Work.small();
        atExit(Work.EXIT_TASKS);
        return;
      case "probe":
        tBody = System.nanoTime();
        Work.small();
        // Registered first, so it runs last.
        Terminus.atExit("task0", TerminusApp::probeTask);
        for (int i = 1; i < Work.EXIT_TASKS; i++) {
          Terminus.atExit("task" + i, Work::trivialTask);
        }
        tBodyEnd = System.nanoTime();
        return;
      case "register":
        long t0 = System.nanoTime();
        long mark = 0;
        for (int i = 0; i < Work.REGISTER_TASKS; i++) {
          if (i == Work.REGISTER_MARK) {
            mark = System.nanoTime();
          }
          Terminus.atExit("task" + i, Work::trivialTask);
        }
        long t1 = System.nanoTime();
        Work.report("register", Work.REGISTER_MARK, mark - t0, Work.REGISTER_TASKS, t1 - t0);
        return;
      case "slow":
        Phase work =
            Phase.builder("work")
                .after(Phase.STOP_SERVICES)
                .before(Phase.FLUSH)
                .concurrent(true)
                .build();
        Terminus.shutdown().addPhase(work);
        for (int i = 0; i < Work.SLOW_TASKS; i++) {
          Terminus.shutdown().add(work, "task" + i, Work::slowTask);
        }
        break;
      case "many":
        // The first task registered runs last and writes when the first one to run began.
        Terminus.atExit("task0", TerminusApp::lastOfMany);
        for (int i = 1; i < Work.MANY_TASKS - 1; i++) {
          Terminus.atExit("task" + i, Work::trivialTask);
        }
        Terminus.atExit("task" + (Work.MANY_TASKS - 1), TerminusApp::firstOfMany);
        break;
      default:
        break;
    }
    Work.ready();
    Work.waitForSignal();
  }

  private static void probeTask() {
    Work.trivialTask();
    long tasksEnd = System.nanoTime();
    Work.report(
        "probe",
        "main",
        tMain,
        "run",
        tRun,
        "body",
        tBody,
        "bodyEnd",
        tBodyEnd,
        "tasksEnd",
        tasksEnd);
  }

  private static void firstOfMany() {
    tFirstOfMany = System.nanoTime();
    Work.trivialTask();
  }

  private static void lastOfMany() {
    Work.trivialTask();
    long end = System.nanoTime();
    Work.report("tasks", "first", tFirstOfMany, "last", end);
  }

  private static void atExit(int n) {
    for (int i = 0; i < n; i++) {
      Terminus.atExit("task" + i, Work::trivialTask);
    }
  }
}
