package dev.terminus.cli.demo;

import dev.terminus.Exit;
import dev.terminus.ExitException;
import dev.terminus.Terminus;

/**
 * Demo {@code intercepted}: the seed's "What does this print?" — {@code throw Exit.now(1)} inside
 * try/finally, intercepted by an outer {@code catch (ExitException e)}. The finally block runs, the
 * catch intercepts, and the program goes on; the exit request stays pending (it is sticky) unless
 * the catcher calls {@code withdraw()}, so the status is still 1.
 */
public final class Intercepted {
  private Intercepted() {}

  /**
   * Runs the scenario.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Terminus.builder()
        .name("intercepted")
        .build()
        .run(
            args,
            a -> {
              try {
                terminateSecurely();
              } catch (ExitException e) {
                System.out.println("Intercepted exit status: " + e.status());
              }
              System.out.println("The script goes on after the catch");
            });
  }

  private static void terminateSecurely() {
    try {
      System.out.println("Authenticating transaction...");
      throw Exit.now(1);
    } finally {
      System.out.println("CRITICAL SECURITY WARN: Running post-execution cleanup!");
    }
  }
}
