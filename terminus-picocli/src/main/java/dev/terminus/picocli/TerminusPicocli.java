package dev.terminus.picocli;

import dev.terminus.Exit;
import dev.terminus.ExitException;
import dev.terminus.MainBody;
import dev.terminus.Terminus;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * Runs a picocli command under {@link Terminus#run(String[], MainBody)}, so that the command can
 * end the program with {@link Exit#now(int, String)} the way a plain {@code main} does.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   TerminusPicocli.run(args, new CommandLine(new Tool()));
 * }
 * }</pre>
 *
 * <p>Guarantees, for the {@code CommandLine} given and its subcommands:
 *
 * <ul>
 *   <li>An {@link ExitException} thrown by a command ({@code Exit.now}, {@code Exit.checkpoint()},
 *       a {@code SignalExit}) from an {@code @Command} method, a {@code Callable}, a {@code
 *       Runnable}, an option setter method, an {@code IExitCodeGenerator} or an exception handler
 *       ends the program with its status and its message, as under {@code Terminus.run}: picocli
 *       prints nothing for it, no stack trace and no usage.
 *   <li>While an exit is pending (a signal, or a request from another thread), an exception that
 *       ends the command reaches the runner as the command threw it: an {@code
 *       InterruptedException} from a blocking call cut short by Ctrl+C or SIGTERM is silent and the
 *       program ends with the signal's status (130, 143) after its {@code finally} blocks; any
 *       other exception is printed with its stack trace, as Terminus prints one that escapes {@code
 *       main}.
 *   <li>Everything else is picocli's: usage errors print picocli's message and usage and end with
 *       {@code exitCodeOnInvalidInput} (2 by default); other exceptions go to the execution
 *       exception handler in place (by default a stack trace and {@code
 *       exitCodeOnExecutionException}, 1 by default, through the {@code IExitCodeExceptionMapper}
 *       if one is set); {@code --help} and {@code --version} end with 0; a {@code Callable}'s
 *       result and {@code IExitCodeGenerator}s decide the status as picocli decides it.
 *   <li>The status picocli returns becomes the exit status: 0 returns from the body (the program
 *       ends once its other non-daemon threads have ended, as Terminus's rules say), any other one
 *       is {@code Exit.now(status)}. A status outside {@code [0, 255]}, which a shell would see
 *       modulo 256, ends the program with 1 and one line on stderr that names it.
 * </ul>
 *
 * <p>The handlers that make this so wrap the execution and parameter exception handlers in place
 * when the command runs, and are installed on the whole command hierarchy (picocli's setters are);
 * they delegate every exception that is not about an exit to the handler they wrap.
 *
 * <p>Safe for concurrent use; a {@code CommandLine} itself is not.
 */
public final class TerminusPicocli {
  private TerminusPicocli() {}

  /**
   * Runs {@code commandLine} with {@code args} under {@link Terminus#run(String[], MainBody)} and
   * exits the process with the command's status; never returns.
   *
   * <p>The program's name in Terminus's messages is the command's name when it has one (set with
   * {@code name = "tool"} on {@code @Command}), unless {@code terminus.name} / {@code
   * TERMINUS_NAME} says otherwise. For other settings, run {@link #body(CommandLine)} with a
   * configured runner:
   *
   * <pre>{@code
   * Terminus.builder().deadline(Duration.ofSeconds(5)).build()
   *     .run(args, TerminusPicocli.body(new CommandLine(new Tool())));
   * }</pre>
   *
   * @param args the command-line arguments
   * @param commandLine the command to run
   * @throws IllegalStateException if a Terminus runner is already active in this JVM
   * @throws NullPointerException if {@code args} or {@code commandLine} is null
   */
  public static void run(String[] args, CommandLine commandLine) {
    Objects.requireNonNull(args, "args");
    MainBody body = body(commandLine);
    Terminus.Builder builder = Terminus.builder();
    String name = commandLine.getCommandName();
    if (name != null && !name.isBlank() && !name.equals(CommandSpec.DEFAULT_COMMAND_NAME)) {
      builder.name(name);
    }
    builder.build().run(args, body);
  }

  /**
   * Returns the body that executes {@code commandLine}, for {@link Terminus#call(String[],
   * MainBody)} or a configured {@link dev.terminus.Runner}: it installs the handlers described
   * above, calls {@link CommandLine#execute(String...)}, and turns its status into the body's end
   * (0: returns; otherwise {@code Exit.now(status)}).
   *
   * @param commandLine the command to run
   * @return the body; each run executes the command once
   * @throws NullPointerException if {@code commandLine} is null
   */
  public static MainBody body(CommandLine commandLine) {
    Objects.requireNonNull(commandLine, "commandLine");
    return args -> execute(commandLine, args);
  }

  private static void execute(CommandLine commandLine, String[] args) throws Exception {
    install(commandLine);
    int status;
    try {
      status = commandLine.execute(args);
    } catch (Escape e) {
      throw e.exception;
    }
    if (status < 0 || status > 255) {
      throw Exit.now(
          1,
          commandLine.getCommandName()
              + ": exit code "
              + status
              + " is outside [0, 255] (a shell would see "
              + (status & 0xff)
              + "); exiting with 1");
    }
    if (status != 0) {
      throw Exit.now(status);
    }
  }

  private static void install(CommandLine commandLine) {
    IExecutionExceptionHandler execution = commandLine.getExecutionExceptionHandler();
    if (!(execution instanceof ExecutionHandler)) {
      commandLine.setExecutionExceptionHandler(new ExecutionHandler(execution));
    }
    IParameterExceptionHandler parameter = commandLine.getParameterExceptionHandler();
    if (!(parameter instanceof ParameterHandler)) {
      commandLine.setParameterExceptionHandler(new ParameterHandler(parameter));
    }
  }

  /** The exit request in {@code t} or along its cause chain, or null. */
  static ExitException exitIn(Throwable t) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = t; c != null && seen.add(c); c = c.getCause()) {
      if (c instanceof ExitException) {
        return (ExitException) c;
      }
    }
    return null;
  }

  /**
   * Carries an exception that ended a command while an exit was pending out of {@code execute},
   * which would otherwise print it and turn it into a status: only an {@link Error} passes
   * picocli's {@code catch (Exception e)}.
   */
  private static final class Escape extends Error {
    private static final long serialVersionUID = 1L;
    final transient Exception exception;

    Escape(Exception exception) {
      super(null, null, false, false);
      this.exception = exception;
    }
  }

  private static final class ExecutionHandler implements IExecutionExceptionHandler {
    private final IExecutionExceptionHandler next;

    ExecutionHandler(IExecutionExceptionHandler next) {
      this.next = next;
    }

    @Override
    public int handleExecutionException(
        Exception ex, CommandLine commandLine, ParseResult parseResult) throws Exception {
      ExitException exit = exitIn(ex);
      if (exit != null) {
        throw exit; // an Error: it leaves execute() and reaches the runner
      }
      if (Exit.requested()) {
        throw new Escape(ex);
      }
      return next.handleExecutionException(ex, commandLine, parseResult);
    }
  }

  private static final class ParameterHandler implements IParameterExceptionHandler {
    private final IParameterExceptionHandler next;

    ParameterHandler(IParameterExceptionHandler next) {
      this.next = next;
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
      // An option's setter method that requests an exit reaches picocli as a parameter error.
      ExitException exit = exitIn(ex);
      if (exit != null) {
        throw exit;
      }
      return next.handleParseException(ex, args);
    }
  }
}
