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

  /** Tasks registered in {@code register}. */
  static final int REGISTER_TASKS = 100_000;

  /** {@code register} also reports the time taken by this many first registrations. */
  static final int REGISTER_MARK = 10_000;

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

  /**
   * Writes one line for the harness on stderr: a word, then numbers, each preceded by its name.
   * Built with a StringBuilder: a string concatenation of a new shape would bootstrap an
   * invokedynamic call site (milliseconds in a cold JVM) and be counted in the step it ends.
   */
  static void report(String word, Object... namesAndValues) {
    StringBuilder b = new StringBuilder(word);
    for (Object o : namesAndValues) {
      b.append(' ').append(o);
    }
    System.err.println(b);
    System.err.flush();
  }

  /**
   * Returns the scenario: {@code exit}, {@code probe} (exit, with timestamps), {@code register},
   * {@code startpath} (exit, with marker classes around the start path) or {@code signal
   * none|slow|many}.
   */
  static String scenario(String[] args) {
    if (args.length == 1) {
      switch (args[0]) {
        case "exit":
        case "probe":
        case "register":
        case "startpath":
          return args[0];
        default:
          break;
      }
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
    throw new IllegalArgumentException(
        "usage: exit | probe | register | startpath | signal none|slow|many");
  }
}
