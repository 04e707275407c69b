package dev.terminus.examples.docs;

import dev.terminus.Exit;
import dev.terminus.SignalExit;
import dev.terminus.Terminus;

/** The README's loop that stops promptly: prints {@code ready}, then loops until Ctrl+C. */
public final class Interruptible {
  private static boolean started;

  private Interruptible() {}

  public static void main(String[] args) {
    Terminus.run(args, a -> {
      try {
        while (true) { Exit.checkpoint(); step(); }
      } catch (SignalExit e) {
        System.out.println("User interrupted the script");  // the process still exits 130
      }
    });
  }

  private static void step() {
    if (!started) {
      started = true;
      System.out.println("ready");
    }
    Thread.onSpinWait();
  }
}
