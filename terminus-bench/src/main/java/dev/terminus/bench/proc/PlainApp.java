package dev.terminus.bench.proc;

/** The baseline: plain {@code main} with JDK shutdown hooks (which the JDK runs concurrently). */
public final class PlainApp {
  private PlainApp() {}

  public static void main(String[] args) throws InterruptedException {
    String scenario = Work.scenario(args);
    switch (scenario) {
      case "exit":
        Work.small();
        hooks(Work.EXIT_TASKS, false);
        return;
      case "slow":
        hooks(Work.SLOW_TASKS, true);
        break;
      case "many":
        hooks(Work.MANY_TASKS, false);
        break;
      default:
        break;
    }
    Work.ready();
    Work.waitForSignal();
  }

  private static void hooks(int n, boolean slow) {
    for (int i = 0; i < n; i++) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(slow ? Work::slowTask : Work::trivialTask, "task" + i));
    }
  }
}
