package dev.terminus.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code terminus run [options] -- COMMAND [ARGS...]}: supervises one child command. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = Main.USAGE,
    exitCodeOnExecutionException = Main.USAGE,
    header = "Run COMMAND with a timeout and a stop ladder over its whole process tree.",
    description =
        "Run COMMAND directly (no shell), with stdin, stdout and stderr inherited. On timeout,"
            + " when terminus gets SIGINT, SIGTERM or SIGHUP, or when COMMAND ends and leaves"
            + " processes running, climb the stop ladder from its first step: each step signals"
            + " the command and all its descendants, then waits up to its duration for them to"
            + " end. A second signal moves to the next step at once.",
    footer = {
      "",
      "Exit status: the command's own; when a signal killed it, terminus dies by the same"
          + " signal; 124 after a timeout (unless --preserve-status); 125 for a usage error; 126"
          + " when COMMAND cannot be executed; 127 when it is not found.",
      "",
      "Example:",
      "  terminus run --timeout 30s --ladder INT:10s,TERM:5s,KILL -- python3 job.py"
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-t", "--timeout"},
      paramLabel = "DURATION",
      converter = Converters.Timeout.class,
      description = "Start the stop ladder after DURATION (500ms, 10s, 2m, 1h); 0 means never.")
  Duration timeout;

  @Option(
      names = {"-l", "--ladder"},
      paramLabel = "SPEC",
      defaultValue = "INT:5s,TERM:5s,KILL",
      converter = Converters.LadderSpec.class,
      description =
          "The stop ladder: SIGNAL[:WAIT] steps. Signals: INT, TERM, HUP, QUIT, USR1, USR2,"
              + " a number, and KILL (last, without a wait). Default: ${DEFAULT-VALUE}")
  Ladder ladder;

  @Option(
      names = "--preserve-status",
      description = "After a timeout, exit with the command's status instead of 124.")
  boolean preserveStatus;

  @Option(
      names = "--report",
      paramLabel = "FILE",
      description = "Write a JSON report of the run to FILE (atomically).")
  Path report;

  @Option(
      names = "--leftovers",
      paramLabel = "stop|leave",
      defaultValue = "stop",
      description =
          "When COMMAND ends by itself and leaves processes running (a daemon, a setsid"
              + " escapee): stop them with the ladder (default), or leave them running.")
  Leftovers leftovers;

  /** {@code --leftovers}. */
  enum Leftovers {
    stop,
    leave
  }

  @Option(
      names = {"-v", "--verbose"},
      description = "Print which steps ran, how the command ended and who ended it, on stderr.")
  boolean verbose;

  @Parameters(
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments, passed verbatim.")
  List<String> command;

  private int signalToRaise;

  @Override
  public Integer call() {
    if (report != null) {
      Path dir = report.toAbsolutePath().getParent();
      if (dir == null || !Files.isDirectory(dir)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--report: directory " + dir + " does not exist");
      }
      if (Files.isDirectory(report)) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "--report: " + report + " is a directory");
      }
    }
    if (command.get(0).isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "empty command name");
    }
    Duration t = timeout == null || timeout.isZero() ? null : timeout;
    Supervisor s =
        new Supervisor(command, t, ladder, preserveStatus, report, verbose, System.err)
            .stopLeftovers(leftovers == Leftovers.stop);
    int status = s.run();
    signalToRaise = s.signalToRaise();
    return status;
  }

  /**
   * After {@link #call()}: the signal {@code terminus} ends by, as its command did.
   *
   * @return a signal number, or 0 to exit with the status
   */
  int signalToRaise() {
    return signalToRaise;
  }
}
