package dev.terminus.bench.proc;

import java.util.concurrent.atomic.AtomicLong;

/** What every program does: a little work, trivial tasks, a slow task, the wait for a signal. */
final class Work {
  /** Ten trivial tasks in the exit scenario. */
  static final int EXIT_TASKS = 10;

  /** Tasks in {@code signal slow}. */
  static final int SLOW_TASKS = 10;

  /** How long each slow task takes. */
  static final long SLOW_MILLIS = 100;

  /** Tasks in {@code signal many}. */
  static final int MANY_TASKS = 1000;

  /** Trivial tasks touch this, so they are not empty. */
  static final AtomicLong SINK = new AtomicLong();

  private Work() {}

  /** A little work, the same for every program: hash some strings, print one line. */
  static void small() {
    long h = 0;
    for (int i = 0; i < 10_000; i++) {
      h = 31 * h + Integer.toString(i).hashCode();
    }
    System.out.println("result " + h);
  }

  static void trivialTask() {
    SINK.incrementAndGet();
  }

  static void slowTask() {
    try {
      Thread.sleep(SLOW_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    SINK.incrementAndGet();
  }

  /** Tells the harness that setup is done. */
  static void ready() {
    System.out.println("ready");
    System.out.flush();
  }

  /** Blocks until the process ends (the signal). */
  static void waitForSignal() throws InterruptedException {
    Thread.sleep(Long.MAX_VALUE);
  }

  /** Returns the scenario, from {@code exit} or {@code signal none|slow|many}. */
  static String scenario(String[] args) {
    if (args.length == 1 && args[0].equals("exit")) {
      return "exit";
    }
    if (args.length == 2 && args[0].equals("signal")) {
      switch (args[1]) {
        case "none":
        case "slow":
        case "many":
          return args[1];
        default:
          break;
      }
    }
    throw new IllegalArgumentException("usage: exit | signal none|slow|many");
  }
}
