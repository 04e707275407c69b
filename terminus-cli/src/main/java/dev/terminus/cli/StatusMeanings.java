package dev.terminus.cli;

/**
 * The meanings of exit statuses, for {@code terminus explain}: the shell conventions, the sysexits
 * range, coreutils {@code timeout}'s 124 to 127, and 128+N for a death by signal N.
 */
public final class StatusMeanings {
  private static final String[][] SYSEXITS = {
    {"EX_USAGE", "command line usage error: wrong arguments or options"},
    {"EX_DATAERR", "data format error: the input data was incorrect"},
    {"EX_NOINPUT", "cannot open input: an input file did not exist or was unreadable"},
    {"EX_NOUSER", "addressee unknown: the user does not exist"},
    {"EX_NOHOST", "host name unknown"},
    {"EX_UNAVAILABLE", "service unavailable: a support program or file does not exist"},
    {"EX_SOFTWARE", "internal software error: a bug"},
    {"EX_OSERR", "operating system error, e.g. cannot fork or create a pipe"},
    {"EX_OSFILE", "critical OS file missing or unreadable, e.g. /etc/passwd"},
    {"EX_CANTCREAT", "cannot create an output file"},
    {"EX_IOERR", "input/output error"},
    {"EX_TEMPFAIL", "temporary failure: try again later"},
    {"EX_PROTOCOL", "remote error in protocol"},
    {"EX_NOPERM", "permission denied (not a file system permission problem)"},
    {"EX_CONFIG", "configuration error: something was found unconfigured or misconfigured"},
  };

  private StatusMeanings() {}

  /**
   * Reads an exit status.
   *
   * @param text the status as typed
   * @return the status, 0 to 255
   * @throws IllegalArgumentException with a one-line message for anything else
   */
  public static int parse(String text) {
    String t = text == null ? "" : text.trim();
    if (!t.matches("-?\\d{1,9}")) {
      throw new IllegalArgumentException(
          "'" + t + "' is not an exit status (expected a whole number from 0 to 255)");
    }
    int s = Integer.parseInt(t);
    if (s < 0 || s > 255) {
      throw new IllegalArgumentException(
          s
              + " is out of range: exit statuses go from 0 to 255 (the shell sees "
              + Math.floorMod(s, 256)
              + " for "
              + s
              + ")");
    }
    return s;
  }

  /**
   * Explains a status.
   *
   * @param s a status, 0 to 255
   * @return one headline, then lines of detail, indented
   */
  public static String explain(int s) {
    if (s == 0) {
      return "0: success.";
    }
    if (s == 1) {
      return "1: general failure.\n"
          + "   The catch-all error status; also what Java returns for an uncaught exception\n"
          + "   and Python for an unhandled exception or sys.exit(\"message\").";
    }
    if (s == 2) {
      return "2: misuse: a usage error.\n"
          + "   Wrong arguments or options (bash builtins, grep, Python's argparse use 2).";
    }
    if (s >= 64 && s <= 78) {
      String[] e = SYSEXITS[s - 64];
      return s + ": " + e[0] + " (sysexits.h): " + e[1] + ".";
    }
    switch (s) {
      case 124:
        return "124: timed out.\n"
            + "   coreutils timeout (and terminus run) stopped the command when its time limit\n"
            + "   expired.";
      case 125:
        return "125: timeout or terminus itself failed.\n"
            + "   A usage error of coreutils timeout / terminus run (bad duration, unknown signal,\n"
            + "   no command); the command did not run.";
      case 126:
        return "126: command found but cannot be executed.\n"
            + "   Permission denied (no execute bit), a directory, or a bad binary format.";
      case 127:
        return "127: command not found.\n"
            + "   Not on PATH, or a misspelled path; the command did not run.";
      case 128:
        return "128: no standard meaning (there is no signal 0).\n"
            + "   Some programs return it for an invalid argument to exit.";
      case 255:
        return "255: exit status out of range, or a fatal error.\n"
            + "   exit(-1) reaches the shell as 255; ssh returns 255 when the connection fails.";
      default:
        break;
    }
    if (s > 128 && s <= 128 + 64) {
      return signal(s, s - 128);
    }
    return s
        + ": a failure defined by the program itself.\n"
        + "   No standard meaning: see the program's documentation.";
  }

  private static String signal(int s, int n) {
    String name = SignalName.nameOf(n);
    String sig = name == null ? "signal " + n : "SIG" + name;
    StringBuilder b = new StringBuilder();
    b.append(s)
        .append(": killed by ")
        .append(sig)
        .append(" (signal ")
        .append(n)
        .append(", 128+")
        .append(n)
        .append(").\n");
    b.append("   ").append(cause(name == null ? "" : name));
    return b.toString();
  }

  private static String cause(String name) {
    switch (name) {
      case "HUP":
        return "Hangup: the terminal closed or the SSH session ended; daemons use it to reload.";
      case "INT":
        return "Interrupt: Ctrl+C in a terminal (or kill -INT).";
      case "QUIT":
        return "Quit: Ctrl+\\ in a terminal; the JVM prints a thread dump instead of dying.";
      case "ILL":
        return "Illegal instruction: a crash in native code.";
      case "TRAP":
        return "Trace/breakpoint trap: a debugger, or a crash in native code.";
      case "ABRT":
        return "Abort: abort() was called, e.g. a failed assertion in native code or a JVM\n"
            + "   fatal error (look for hs_err_pid*.log).";
      case "BUS":
        return "Bus error: bad memory access, e.g. a memory-mapped file was truncated.";
      case "FPE":
        return "Arithmetic error, e.g. integer division by zero in native code.";
      case "KILL":
        return "SIGKILL cannot be caught, so no cleanup ran. Usual causes: the kernel's OOM killer\n"
            + "   (out of memory; see dmesg or journalctl -k), or a stop timeout that escalated to\n"
            + "   KILL (docker stop after its grace period, systemd TimeoutStopSec, Kubernetes\n"
            + "   terminationGracePeriodSeconds, the KILL step of terminus run).";
      case "USR1":
      case "USR2":
        return "A user-defined signal the program did not handle.";
      case "SEGV":
        return "Segmentation fault: an invalid memory access, a crash in native code.";
      case "PIPE":
        return "Broken pipe: it wrote to a pipe whose reader had gone (e.g. '... | head').";
      case "ALRM":
        return "Alarm clock: a timer (alarm()) expired and the program did not handle it.";
      case "TERM":
        return "A polite stop request: docker stop, systemd (systemctl stop), Kubernetes deleting\n"
            + "   a pod, or kill with no signal; the program did not handle it (or re-raised it).";
      case "XCPU":
        return "CPU time limit exceeded (ulimit -t).";
      case "XFSZ":
        return "File size limit exceeded (ulimit -f).";
      case "VTALRM":
      case "PROF":
        return "A profiling or virtual timer expired.";
      case "SYS":
        return "Bad system call: a seccomp filter refused a system call.";
      default:
        return "The program did not handle this signal.";
    }
  }
}
