package dev.terminus.test;

import dev.terminus.MainBody;
import dev.terminus.Runner;
import dev.terminus.Terminus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a main body in this JVM under {@link Terminus#call} and says what it did: its status, what
 * it printed, and which cleanup tasks ran.
 *
 * <pre>{@code
 * CallResult r = InJvm.call(Tool::body, "missing.txt");
 * assertThat(r).hasStatus(66).stderrContains("missing.txt").ranCleanup("output");
 * }</pre>
 *
 * <p>How: for the duration of the call, {@code System.out} and {@code System.err} are replaced by
 * buffers (UTF-8), and the system property {@code terminus.report} points to a JSON stop report in
 * a temporary directory, which is read back for {@link CallResult#cleanup()} and deleted. Both are
 * restored afterwards, whatever happens. Everything {@link Terminus#call} guarantees holds: no
 * hook, handler, thread, task or request survives the call.
 *
 * <p>Limits: the streams and the property are process-wide, so calls are serialized (one at a time
 * in the JVM, as {@link Terminus#call} requires anyway) and output printed by other threads of the
 * JVM during a call is captured too. A {@code TERMINUS_REPORT} variable in the test JVM's
 * environment overrides the property: {@link CallResult#cleanup()} then throws. A real signal, a
 * real {@code System.exit} and a real death by a signal need a real process: use {@link
 * ChildProcess}.
 */
public final class InJvm {
  private static final Object LOCK = new Object();

  private InJvm() {}

  /**
   * Runs {@code main} with {@code args} under {@link Terminus#call} with the default configuration.
   *
   * @param main the body, as given to {@link Terminus#run}
   * @param args its arguments
   * @return the status, the output and the cleanup that ran
   */
  public static CallResult call(MainBody main, String... args) {
    return call(Terminus.builder().build(), main, args);
  }

  /**
   * Runs {@code main} under {@code runner}'s {@link Runner#call}, for a configured runner ({@link
   * Terminus#builder()}).
   *
   * @param runner the runner
   * @param main the body
   * @param args its arguments
   * @return the status, the output and the cleanup that ran
   */
  public static CallResult call(Runner runner, MainBody main, String... args) {
    Objects.requireNonNull(runner, "runner");
    Objects.requireNonNull(main, "main");
    synchronized (LOCK) {
      Path dir;
      try {
        dir = Files.createTempDirectory("terminus-call-");
      } catch (IOException e) {
        throw new IllegalStateException("cannot create a directory for the stop report", e);
      }
      Path report = dir.resolve("report.json");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      PrintStream oldOut = System.out;
      PrintStream oldErr = System.err;
      String oldReport = System.getProperty("terminus.report");
      int status;
      String json;
      try {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setProperty("terminus.report", report.toString());
        try {
          status = runner.call(args, main);
        } finally {
          System.out.flush();
          System.err.flush();
        }
        json = Files.exists(report) ? Files.readString(report) : null;
      } catch (IOException e) {
        throw new IllegalStateException("cannot read the stop report " + report, e);
      } finally {
        System.setOut(oldOut);
        System.setErr(oldErr);
        if (oldReport == null) {
          System.clearProperty("terminus.report");
        } else {
          System.setProperty("terminus.report", oldReport);
        }
        ChildProcess.deleteTree(dir);
      }
      String envReport = System.getenv("TERMINUS_REPORT");
      List<CallResult.Task> tasks = null;
      if (envReport == null || envReport.isBlank()) {
        tasks = json == null ? List.of() : tasks(json);
      }
      return new CallResult(
          status,
          out.toString(StandardCharsets.UTF_8),
          err.toString(StandardCharsets.UTF_8),
          tasks);
    }
  }

  private static final Pattern TASK =
      Pattern.compile(
          "\\{\"phase\": (\"(?:[^\"\\\\]|\\\\.)*\"), \"task\": (\"(?:[^\"\\\\]|\\\\.)*\"|null), .*?"
              + "\"outcome\": (\"(?:[^\"\\\\]|\\\\.)*\"), \"error\": (\"(?:[^\"\\\\]|\\\\.)*\"|null)");

  static List<CallResult.Task> tasks(String json) {
    int start = json.indexOf("\"tasks\": [");
    int end = json.indexOf("\"threads\": [");
    List<CallResult.Task> tasks = new ArrayList<>();
    if (start < 0) {
      return tasks;
    }
    Matcher m = TASK.matcher(end > start ? json.substring(start, end) : json.substring(start));
    while (m.find()) {
      tasks.add(
          new CallResult.Task(
              unquote(m.group(1)), unquote(m.group(2)), unquote(m.group(3)), unquote(m.group(4))));
    }
    return tasks;
  }

  private static String unquote(String q) {
    if (q.equals("null")) {
      return null;
    }
    StringBuilder b = new StringBuilder();
    for (int i = 1; i < q.length() - 1; i++) {
      char c = q.charAt(i);
      if (c != '\\') {
        b.append(c);
        continue;
      }
      char n = q.charAt(++i);
      switch (n) {
        case 'n':
          b.append('\n');
          break;
        case 'r':
          b.append('\r');
          break;
        case 't':
          b.append('\t');
          break;
        case 'u':
          b.append((char) Integer.parseInt(q.substring(i + 1, i + 5), 16));
          i += 4;
          break;
        default:
          b.append(n);
      }
    }
    return b.toString();
  }
}
