package dev.terminus.it;

import dev.terminus.Terminus;
import java.util.Scanner;

/** Programs for OutputIT: {@code java OutputScenarios NAME}. */
public final class OutputScenarios {
  /** Made before Terminus.run, as a program's static field would be: it reads the JDK's stdin. */
  private static final Scanner EARLY_SCANNER = new Scanner(System.in);

  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  static {
    // The seed's `yes` loop: it must end once the reader of the pipe is gone.
    ALL.add(
        "yes",
        a ->
            Terminus.run(
                a,
                x -> {
                  long lines = 0;
                  while (!System.out.checkError() && lines < 1_000_000) {
                    System.out.println("y");
                    lines++;
                  }
                  System.err.println(
                      System.out.checkError()
                          ? "checkError true"
                          : "checkError still false after " + lines + " lines");
                }));
    ALL.add(
        "prompt-early-scanner",
        a ->
            Terminus.run(
                a,
                x -> {
                  System.out.print("Name? ");
                  String name = EARLY_SCANNER.nextLine();
                  System.out.println("Hello, " + name);
                }));
    ALL.add(
        "prompt-console",
        a ->
            Terminus.run(
                a,
                x -> {
                  System.out.print("Name? ");
                  String name = System.console().readLine();
                  System.out.println("Hello, " + name);
                }));
  }

  private OutputScenarios() {}

  public static void main(String[] args) {
    ALL.run(args);
  }
}
