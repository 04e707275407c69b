package dev.terminus.it;

import dev.terminus.Exit;
import dev.terminus.Terminus;

/** A plain main that uses Exit and atExit without Terminus.run. */
public final class Standalone {
  public static void main(String[] args) throws Exception {
    Terminus.atExit("cleanup", () -> System.out.println("atExit cleanup"));
    if (args[0].equals("worker")) {
      Thread worker =
          new Thread(
              () -> {
                throw Exit.now(6, "worker says bye");
              });
      worker.start();
      worker.join();
      Thread.sleep(600_000);
    }
    try {
      throw Exit.now(5, "bye");
    } finally {
      System.out.println("finally ran");
    }
  }
}
