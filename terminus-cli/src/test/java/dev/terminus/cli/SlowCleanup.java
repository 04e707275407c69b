package dev.terminus.cli;

import dev.terminus.Terminus;

/**
 * A Terminus program whose one cleanup task takes {@code args[0]} ms: a second SIGINT while it runs
 * forces the exit and skips it ({@code exit forced} on stderr), so it shows whether a supervisor
 * sent SIGINT twice. Prints {@code ready}, then waits to be stopped.
 */
public final class SlowCleanup {
  private SlowCleanup() {}

  /**
   * Runs the program.
   *
   * @param args the cleanup's duration in ms
   */
  public static void main(String[] args) {
    Terminus.run(
        args,
        a -> {
          Terminus.atExit(
              "flush",
              () -> {
                Thread.sleep(Long.parseLong(a[0]));
                System.out.println("cleanup done");
              });
          System.out.println("ready");
          while (true) {
            Thread.sleep(10);
          }
        });
  }
}
