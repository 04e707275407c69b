package dev.terminus.bench.proc;

import dev.terminus.Phase;
import dev.terminus.Terminus;

/**
 * The program under {@link Terminus#run}: {@code atExit} tasks, or a concurrent phase of slow
 * tasks. On SIGTERM the main thread's sleep is interrupted and the process ends by the signal (or
 * with status 143 under {@code -Dterminus.signal-exit=status}).
 */
public final class TerminusApp {
  private TerminusApp() {}

  public static void main(String[] args) {
    Terminus.run(
        args,
        a -> {
          String scenario = Work.scenario(a);
          switch (scenario) {
            case "exit":
              Work.small();
              atExit(Work.EXIT_TASKS);
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
              atExit(Work.MANY_TASKS);
              break;
            default:
              break;
          }
          Work.ready();
          Work.waitForSignal();
        });
  }

  private static void atExit(int n) {
    for (int i = 0; i < n; i++) {
      Terminus.atExit("task" + i, Work::trivialTask);
    }
  }
}
