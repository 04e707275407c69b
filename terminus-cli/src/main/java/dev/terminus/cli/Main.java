package dev.terminus.cli;

import dev.terminus.Terminus;
import dev.terminus.picocli.TerminusPicocli;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code terminus} command: {@code run} supervises a child command (timeout, stop ladder, whole
 * process tree, coreutils {@code timeout} exit statuses), {@code demo} runs the seed scenarios
 * live, {@code explain} decodes an exit status.
 *
 * <p>Every usage error prints one line and a hint on stderr and ends with status {@value #USAGE},
 * never with a stack trace.
 */
@Command(
    name = "terminus",
    mixinStandardHelpOptions = true,
    version = "terminus 0.1.0",
    description =
        "Stop programs the right way: supervise a command (run, timeout), watch the ways a"
            + " program stops (demo), decode an exit status (explain).",
    subcommands = {
      RunCommand.class,
      TimeoutCommand.class,
      DemoCommand.class,
      ExplainCommand.class,
      CommandLine.HelpCommand.class
    },
    exitCodeOnInvalidInput = Main.USAGE,
    exitCodeOnExecutionException = Main.USAGE,
    footer = {
      "",
      "Exit status of 'terminus run' and 'terminus timeout': the command's own (a command"
          + " killed by a signal makes terminus die by it); 124 on timeout; 125 when terminus"
          + " itself fails or is misused; 126 when the command cannot be executed; 127 when it is"
          + " not found."
    })
public final class Main implements Callable<Integer> {
  /** Status for a usage error or a failure of {@code terminus} itself, as coreutils timeout. */
  public static final int USAGE = 125;

  @Spec CommandSpec spec;

  /** Used by picocli. */
  public Main() {}

  /**
   * Without a subcommand: the usage, on stderr, and status 125.
   *
   * @return 125
   */
  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    err.println("terminus: missing subcommand (run, timeout, demo or explain)");
    err.println("Try 'terminus --help'.");
    return USAGE;
  }

  /**
   * Runs {@code terminus} and exits with its status.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    CommandLine cl = commandLine();
    RunCommand run = cl.getSubcommands().get("run").getCommand();
    TimeoutCommand timeout = cl.getSubcommands().get("timeout").getCommand();
    // Under Terminus, through its picocli integration: a command's Exit.now ends with its status
    // and message. No signal handler of Terminus's own: the supervisor handles its signals.
    Terminus.builder()
        .name("terminus")
        .signals()
        .exitWhenMainReturns(true)
        .build()
        .run(
            RawArgs.recover(args),
            a -> {
              try {
                TerminusPicocli.body(cl).run(a);
              } finally {
                int signal = Math.max(run.signalToRaise(), timeout.signalToRaise());
                if (signal != 0) {
                  System.out.flush();
                  System.err.flush();
                  SelfSignal.raise(signal); // returns only if it could not
                }
              }
            });
  }

  /**
   * Runs {@code terminus} and returns its status.
   *
   * @param args the command line
   * @return the exit status
   */
  public static int execute(String... args) {
    return commandLine().execute(args);
  }

  /**
   * The configured picocli command line.
   *
   * @return a fresh command line for {@code terminus}
   */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExpandAtFiles(false); // "@name" arguments go to the child verbatim
    cl.setParameterExceptionHandler(Main::usageError);
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          line.getErr().println(line.getCommandSpec().qualifiedName() + ": " + oneLine(ex));
          return USAGE;
        });
    cl.setExitCodeExceptionMapper(t -> USAGE);
    cl.getSubcommands().get("run").setStopAtPositional(true);
    cl.getSubcommands().get("timeout").setStopAtPositional(true);
    return cl;
  }

  private static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine line = ex.getCommandLine();
    PrintWriter err = line.getErr();
    String name = line.getCommandSpec().qualifiedName();
    err.println(name + ": " + oneLine(ex));
    err.println("Try '" + name + " --help'.");
    err.flush();
    return USAGE;
  }

  private static String oneLine(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    m = m.strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
