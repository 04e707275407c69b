package dev.terminus.cli.demo;

import dev.terminus.Exit;
import dev.terminus.Terminus;

/** Demo {@code halt}: {@code Exit.halt(1)} inside try/finally — no finally, no atExit. */
public final class Halt {
  private Halt() {}

  /**
   * Runs the scenario.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Terminus.builder()
        .name("halt")
        .build()
        .run(
            args,
            a -> {
              Terminus.atExit("temp file", () -> System.out.println("atExit: temp file deleted"));
              try {
                System.out.println("Authenticating transaction...");
                Exit.halt(1);
              } finally {
                System.out.println("finally: this is bypassed");
              }
            });
  }
}
