package dev.terminus.cli.demo;

import dev.terminus.Exit;
import dev.terminus.Terminus;

/** Demo {@code graceful}: {@code throw Exit.now(0)} inside try/finally, with an atExit task. */
public final class Graceful {
  private Graceful() {}

  /**
   * Runs the scenario.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Terminus.builder()
        .name("graceful")
        .build()
        .run(
            args,
            a -> {
              Terminus.atExit("temp file", () -> System.out.println("atExit: temp file deleted"));
              try {
                System.out.println("Work done; exiting with status 0");
                throw Exit.now(0);
              } finally {
                System.out.println("finally: lock released");
              }
            });
  }
}
