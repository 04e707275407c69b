package dev.terminus.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code terminus explain STATUS}: what an exit status means. */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = Main.USAGE,
    exitCodeOnExecutionException = Main.USAGE,
    header = "Explain what an exit status means.",
    description = "Explain what an exit status (0-255) means, e.g. 'terminus explain 137'.")
final class ExplainCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "STATUS", description = "An exit status, 0 to 255.")
  String status;

  @Override
  public Integer call() {
    int s;
    try {
      s = StatusMeanings.parse(status);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    System.out.println(StatusMeanings.explain(s));
    return 0;
  }
}
