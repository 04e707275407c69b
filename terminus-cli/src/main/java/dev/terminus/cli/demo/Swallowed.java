package dev.terminus.cli.demo;

import dev.terminus.Exit;
import dev.terminus.Terminus;

/**
 * Demo {@code swallowed}: the seeds' banking failure. A "framework" catches {@code Throwable}
 * around a job that asks to exit with status 3, then commits. With argument {@code plain}, the exit
 * is a plain exception (what {@code SystemExit} is to Python): it is swallowed, the commit happens
 * and the status is 0. With {@code terminus}, the job calls {@code Exit.now(3)}; the request is
 * sticky, so {@code Exit.checkpoint()} before the commit rethrows it: nothing commits, status 3.
 */
public final class Swallowed {
  private Swallowed() {}

  /** Plain Java's stand-in for an exit request: an ordinary exception. */
  static final class PlainExit extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PlainExit(int status) {
      super("exit requested with status " + status);
    }
  }

  /**
   * Runs the scenario.
   *
   * @param args {@code plain} or {@code terminus}
   */
  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("plain")) {
      framework(
          () -> {
            System.out.println("job: double spend detected; exiting with 3");
            throw new PlainExit(3);
          });
      System.out.println("COMMITTED the corrupted transaction");
      return;
    }
    Terminus.builder()
        .name("swallowed")
        .build()
        .run(
            args,
            a -> {
              framework(
                  () -> {
                    System.out.println("job: double spend detected; exiting with 3");
                    throw Exit.now(3);
                  });
              Exit.checkpoint(); // the commit path checks for a pending exit first
              System.out.println("COMMITTED the corrupted transaction");
            });
  }

  /** A framework that keeps its container alive whatever the job throws. */
  private static void framework(Runnable job) {
    try {
      job.run();
    } catch (Throwable t) { // the seed's "catch BaseException"
      System.out.println("framework: caught " + t.getClass().getSimpleName() + "; carrying on");
    }
  }
}
