package dev.terminus.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code terminus timeout [OPTION] DURATION COMMAND [ARG]...}: coreutils {@code timeout}'s own
 * command line and statuses, so that a script changes one word. Underneath it is {@code terminus
 * run}: the whole process tree, escapees included, and no signal sent twice to a process.
 */
@Command(
    name = "timeout",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = Main.USAGE,
    exitCodeOnExecutionException = Main.USAGE,
    header = "Drop-in for coreutils timeout: run COMMAND, signal it after DURATION.",
    description =
        "Start COMMAND, and send it SIGNAL (TERM) if it still runs after DURATION, with the"
            + " command line and the exit statuses of coreutils timeout. DURATION is a number,"
            + " fractions allowed, with an optional unit: s (the default), m, h or d; 0 means no"
            + " timeout.",
    footer = {
      "",
      "Exit status: 124 if COMMAND timed out and --preserve-status was not given; 125 if"
          + " terminus itself fails; 126 if COMMAND cannot be executed; 127 if it is not found;"
          + " 137 if COMMAND (and terminus) had to be killed with KILL; otherwise the status of"
          + " COMMAND. A SIGINT, SIGTERM or SIGHUP sent to terminus is passed on to COMMAND."
    })
final class TimeoutCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-s", "--signal"},
      paramLabel = "SIGNAL",
      defaultValue = "TERM",
      converter = AnySignal.class,
      description = "Send SIGNAL on timeout: a name like HUP or KILL, or a number (default TERM).")
  SignalName signal;

  @Option(
      names = {"-k", "--kill-after"},
      paramLabel = "DURATION",
      converter = Interval.class,
      description = "Also send KILL if COMMAND still runs DURATION after the first signal.")
  Duration killAfter;

  @Option(
      names = "--preserve-status",
      description = "Exit with the status of COMMAND even when it timed out.")
  boolean preserveStatus;

  @Option(
      names = "--foreground",
      description =
          "Signal COMMAND alone, not its children. terminus never moves COMMAND out of the"
              + " terminal's process group, so it can always read the terminal.")
  boolean foreground;

  @Option(
      names = {"-v", "--verbose"},
      description = "Say on stderr each signal sent to COMMAND.")
  boolean verbose;

  @Parameters(
      index = "0",
      paramLabel = "DURATION",
      converter = Interval.class,
      description = "How long COMMAND may run; 0 disables the timeout.")
  Duration duration;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "COMMAND",
      description = "The command and its arguments, passed verbatim.")
  List<String> command;

  private int signalToRaise;

  @Override
  public Integer call() {
    if (command.get(0).isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "empty command name");
    }
    Duration kill = killAfter == null || killAfter.isZero() ? null : killAfter;
    List<Ladder.Step> steps = new ArrayList<>();
    steps.add(new Ladder.Step(signal, kill != null ? kill : Supervisor.FOREVER));
    if (kill != null && signal.number() != 9) {
      steps.add(new Ladder.Step(SignalName.KILL, Supervisor.FOREVER));
    }
    Duration t = duration.isZero() ? null : duration;
    Supervisor s =
        new Supervisor(command, t, new Ladder(steps), preserveStatus, null, false, System.err)
            .likeCoreutilsTimeout(new Supervisor.TimeoutRules(kill, foreground, verbose))
            .stopLeftovers(false); // coreutils waits for the command alone
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

  /** coreutils {@code timeout}'s durations: {@code 10}, {@code 1.5}, {@code 2m}, {@code .5d}. */
  static final class Interval implements ITypeConverter<Duration> {
    private static final Pattern FORMAT =
        Pattern.compile("((?:\\d+\\.?\\d*|\\.\\d+)(?:e[-+]?\\d+)?)([smhd]?)");

    /** Longer than any run; coreutils clamps the same way. */
    private static final BigDecimal MAX_SECONDS =
        BigDecimal.valueOf(Supervisor.FOREVER.getSeconds());

    @Override
    public Duration convert(String value) {
      return parse(value);
    }

    static Duration parse(String value) {
      Matcher m = FORMAT.matcher(value.trim().toLowerCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException("invalid time interval '" + value + "'");
      }
      BigDecimal n = new BigDecimal(m.group(1));
      int mult;
      switch (m.group(2)) {
        case "m":
          mult = 60;
          break;
        case "h":
          mult = 3600;
          break;
        case "d":
          mult = 86_400;
          break;
        default:
          mult = 1;
      }
      BigDecimal seconds = n.multiply(BigDecimal.valueOf(mult));
      if (seconds.compareTo(MAX_SECONDS) >= 0) {
        return Supervisor.FOREVER;
      }
      long nanos =
          seconds.movePointRight(9).setScale(0, java.math.RoundingMode.CEILING).longValueExact();
      return Duration.ofNanos(nanos);
    }
  }

  /** {@code -s}: any signal name or number. */
  static final class AnySignal implements ITypeConverter<SignalName> {
    @Override
    public SignalName convert(String value) {
      try {
        return SignalName.parseAny(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
