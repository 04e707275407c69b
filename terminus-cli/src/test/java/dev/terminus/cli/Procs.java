package dev.terminus.cli;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Children;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The processes one test started, through terminus-test: registered with
 * {@code @RegisterExtension}, it closes them when the test ends, passed or failed, killing every
 * one of them that still runs with its whole tree. Not safe for concurrent use.
 *
 * <p>Every child runs under the kit's reaper, which reads its status with {@code waitpid}, so
 * {@link #howEnded} tells a death by a signal ({@code killed by SIGINT}) from a plain exit with the
 * same number ({@code exited 130}), which {@link Process#exitValue()} cannot.
 */
final class Procs implements AfterEachCallback {
  private Children children = new Children();

  /** Starts {@code java -jar terminus.jar ARGS} in {@code dir}. */
  Proc terminus(Path dir, String... args) {
    return start(dir, Proc.terminusCommand(args));
  }

  /** Starts any command in {@code dir}: stdin empty, every signal at its default disposition. */
  Proc start(Path dir, List<String> cmd) {
    return new Proc(children.command(cmd).directory(dir).start());
  }

  /**
   * Starts {@code cmd} to read how it ends ({@link #howEnded}). Every child leads its own session
   * and process group, as a terminal's foreground job does, so {@code kill -s INT -- -PID} acts
   * like Ctrl+C; {@code setsid} is kept for the tests' wording.
   */
  Proc how(Path dir, boolean setsid, List<String> cmd) {
    return start(dir, cmd);
  }

  /**
   * Starts {@code cmd} as a shell script's background job starts it: SIGINT and SIGQUIT ignored,
   * and SIGHUP too with the prefix {@code nohup}.
   */
  Proc howInBackground(Path dir, String prefix, List<String> cmd) {
    List<String> ignored = new ArrayList<>(List.of("INT", "QUIT"));
    if (prefix.strip().equals("nohup")) {
      ignored.add("HUP");
    } else if (!prefix.isBlank()) {
      throw new IllegalArgumentException("unknown prefix '" + prefix + "'");
    }
    ChildProcess c =
        children.command(cmd).directory(dir).ignoring(ignored.toArray(String[]::new)).start();
    return new Proc(c);
  }

  /** The pid of a {@link #how} child: the command's, and its process group's too. */
  static long pidOf(Proc how) {
    return how.child.pid();
  }

  /**
   * Waits for a {@link #how} child to end; returns {@code exited N} or {@code killed by SIGNAME}.
   */
  static String howEnded(Proc how) {
    ChildResult r = how.result();
    switch (r.ending()) {
      case EXITED:
        return "exited " + r.exitCode();
      case SIGNALED:
        return "killed by SIG" + r.signal().orElseThrow();
      default:
        throw new AssertionError("the kit could not tell how it ended: " + r);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    children.closeAll();
    children = new Children();
  }
}
