package dev.terminus.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes one test started: registered with {@code @RegisterExtension}, it kills every one
 * of them, with its whole tree, when the test ends, passed or failed. Not safe for concurrent use.
 *
 * <p>{@link #how} runs a command under a small python3 parent that reads its status with {@code
 * os.waitpid}, so a test can tell a death by a signal ({@code killed by SIGINT}) from a plain exit
 * with the same number ({@code exited 130}), which {@link Process#exitValue()} cannot.
 */
final class Procs implements AfterEachCallback {
  /**
   * The waitpid parent. Prints {@code pid N} when the command has started, then {@code exited N}
   * or {@code killed by SIGNAME} when it ends. With {@code --setsid} the command runs in a new
   * session and process group that it leads, with SIGINT and SIGQUIT at their defaults: like a
   * terminal's foreground job, so {@code kill -s INT -- -PID} acts like Ctrl+C. With {@code
   * --inherit} the command keeps the dispositions the parent was started with (but SIGPIPE, which
   * python itself ignores), as a shell's background job does.
   */
  private static final String HOW_PY =
      "import os, signal, sys\n"
          + "args = sys.argv[1:]\n"
          + "setsid = args[0] == '--setsid'\n"
          + "inherit = args[0] == '--inherit'\n"
          + "if setsid or inherit:\n"
          + "    args = args[1:]\n"
          + "r, w = os.pipe()\n"
          + "pid = os.fork()\n"
          + "if pid == 0:\n"
          + "    os.close(r)\n"
          + "    if setsid:\n"
          + "        os.setsid()\n"
          + "    signal.signal(signal.SIGPIPE, signal.SIG_DFL)\n" // python ignores it
          + "    if not inherit:\n"
          + "        for s in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):\n"
          + "            signal.signal(s, signal.SIG_DFL)\n"
          + "    try:\n"
          + "        os.execvp(args[0], args)\n"
          + "    finally:\n"
          + "        os._exit(127)\n"
          + "os.close(w)\n"
          + "os.read(r, 1)\n" // returns at the exec (close-on-exec) or the child's exit
          + "print('pid', pid, flush=True)\n"
          + "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
          + "signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
          + "_, status = os.waitpid(pid, 0)\n"
          + "if os.WIFSIGNALED(status):\n"
          + "    print('killed by', signal.Signals(os.WTERMSIG(status)).name, flush=True)\n"
          + "else:\n"
          + "    print('exited', os.WEXITSTATUS(status), flush=True)\n";

  private static final Pattern HOW = Pattern.compile("^(exited \\d+|killed by SIG\\w+)$");

  private final List<Proc> started = new ArrayList<>();

  /** Starts {@code java -jar terminus.jar ARGS} in {@code dir}. */
  Proc terminus(Path dir, String... args) throws IOException {
    return start(dir, Proc.terminusCommand(args));
  }

  /** Starts any command in {@code dir}; see {@link Proc#start}. */
  Proc start(Path dir, List<String> cmd) throws IOException {
    Proc p = Proc.start(dir, cmd);
    started.add(p);
    return p;
  }

  /** Starts {@code cmd} under the waitpid parent; {@code setsid}: as a foreground job would. */
  Proc how(Path dir, boolean setsid, List<String> cmd) throws IOException {
    List<String> full = new ArrayList<>(List.of("python3", howPy(dir).toString()));
    if (setsid) {
      full.add("--setsid");
    }
    full.addAll(cmd);
    return start(dir, full);
  }

  /**
   * The waitpid parent as a shell script's background job: {@code bash -c 'PREFIX python3 how.py
   * --inherit CMD... & wait'}, so the command starts with SIGINT ignored (and SIGHUP too with the
   * prefix {@code nohup}).
   */
  Proc howInBackground(Path dir, String prefix, List<String> cmd) throws IOException {
    StringBuilder line = new StringBuilder(prefix).append(" python3 ").append(quote(howPy(dir).toString())).append(" --inherit");
    for (String c : cmd) {
      line.append(' ').append(quote(c));
    }
    line.append(" & wait");
    return start(dir, List.of("bash", "-c", line.toString()));
  }

  private static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  private static Path howPy(Path dir) throws IOException {
    Path how = dir.resolve("how.py");
    if (!Files.exists(how)) {
      Files.writeString(how, HOW_PY);
    }
    return how;
  }

  /** The pid {@link #how} printed: the command's, and with setsid its process group's too. */
  static long pidOf(Proc how) throws InterruptedException {
    return Long.parseLong(how.awaitLine("pid ").substring("pid ".length()).trim());
  }

  /**
   * Waits for a {@link #how} run to end; returns {@code exited N} or {@code killed by SIGNAME}.
   */
  static String howEnded(Proc how) throws InterruptedException {
    int status = how.waitFor();
    String last = null;
    for (String line : how.out().split("\n")) {
      Matcher m = HOW.matcher(line);
      if (m.matches()) {
        last = line;
      }
    }
    if (status != 0 || last == null) {
      throw new AssertionError(
          "the waitpid parent failed (" + status + "): " + how.out() + " / " + how.err());
    }
    return last;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    for (Proc p : started) {
      p.kill();
    }
    started.clear();
  }
}
