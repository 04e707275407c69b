package dev.terminus.cli.demo;

import dev.terminus.Exit;
import dev.terminus.SignalExit;
import dev.terminus.Terminus;

/**
 * Demo {@code ctrl-c}: prints {@code ready}, then loops on {@code Exit.checkpoint()} until SIGINT
 * arrives; the seed's {@code except KeyboardInterrupt} becomes {@code catch (SignalExit e)}.
 * finally and atExit run; the process ends by SIGINT itself, status 130.
 */
public final class CtrlC {
  private CtrlC() {}

  /**
   * Runs the scenario.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    Terminus.builder()
        .name("ctrl-c")
        .build()
        .run(
            args,
            a -> {
              Terminus.atExit("temp file", () -> System.out.println("atExit: temp file deleted"));
              try {
                System.out.println("ready");
                System.out.flush();
                while (true) {
                  Exit.checkpoint();
                  try {
                    Thread.sleep(1000); // "do some work here"
                  } catch (InterruptedException e) {
                    // SIGINT interrupts main; the checkpoint says why.
                  }
                }
              } catch (SignalExit e) {
                System.out.println("User interrupted the script");
              } finally {
                System.out.println("finally: lock released");
              }
            });
  }
}
