package dev.terminus.it;

import dev.terminus.Terminus;

/** Programs for OutputIT: {@code java OutputScenarios NAME}. */
public final class OutputScenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  static {
    // The seed's `yes` loop: it must end once the reader of the pipe is gone.
    ALL.add("yes", a -> Terminus.run(a, x -> {
      long lines = 0;
      while (!System.out.checkError() && lines < 1_000_000) {
        System.out.println("y");
        lines++;
      }
      System.err.println(System.out.checkError()
          ? "checkError true" : "checkError still false after " + lines + " lines");
    }));
  }

  private OutputScenarios() {}

  public static void main(String[] args) {
    ALL.run(args);
  }
}
