package dev.terminus.picocli;

import picocli.CommandLine;

/** The README's picocli sample, compiled; {@code TerminusPicocliIT} runs it. */
public final class ToolMain {
  private ToolMain() {}

  public static void main(String[] args) {
    TerminusPicocli.run(args, new CommandLine(new Tool()));   // Tool: an @Command
  }
}
