package dev.terminus.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code terminus demo [NAME]}: runs each scenario of the seed documents live in a child JVM and
 * shows, as a table, what the program printed, whether its finally blocks and cleanup ran, and its
 * exit status.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    exitCodeOnInvalidInput = Main.USAGE,
    exitCodeOnExecutionException = Main.USAGE,
    header = "Run the seed scenarios live and show how each program stopped.",
    description =
        "Run the scenarios of the seed documents live, each in a child JVM, and show what each"
            + " printed, whether its finally blocks and cleanup ran, and its exit status."
            + " Scenarios: graceful, intercepted, halt, error, ctrl-c, swallowed (default: all).")
final class DemoCommand implements Callable<Integer> {
  private static final String PKG = "dev.terminus.cli.demo.";
  private static final long GUARD_SECONDS = 60;

  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "One scenario to run.")
  String name;

  /** One child JVM run of a scenario. */
  record Run(
      String label,
      String mainClass,
      String arg,
      int expected,
      String finallyText,
      String cleanupText,
      boolean interrupt,
      String lesson) {}

  /** A scenario of the seeds: a name, what it shows, and its runs. */
  record Scenario(String name, String title, List<Run> runs) {}

  /** What a run did. */
  record Outcome(Run run, List<String[]> lines, int status, String problem) {
    boolean printed(String text) {
      return text != null && lines.stream().anyMatch(l -> l[1].contains(text));
    }
  }

  static final List<Scenario> SCENARIOS =
      List.of(
          new Scenario(
              "graceful",
              "sys.exit(0) → throw Exit.now(0) inside try/finally, with an atExit task",
              List.of(
                  new Run(
                      "graceful",
                      PKG + "Graceful",
                      null,
                      0,
                      "finally:",
                      "atExit:",
                      false,
                      "finally and the atExit task ran, then status 0"))),
          new Scenario(
              "intercepted",
              "the seed's \"What does this print?\": throw Exit.now(1) in try/finally, caught outside",
              List.of(
                  new Run(
                      "intercepted",
                      PKG + "Intercepted",
                      null,
                      1,
                      "CRITICAL SECURITY WARN",
                      null,
                      false,
                      "finally ran and the catch intercepted it; the request stays pending"
                          + " (sticky) without withdraw(): 1"))),
          new Scenario(
              "halt",
              "os._exit(1) → Exit.halt(1) inside try/finally",
              List.of(
                  new Run(
                      "halt",
                      PKG + "Halt",
                      null,
                      1,
                      "finally:",
                      "atExit:",
                      false,
                      "immediate halt: no finally, no atExit, status 1"))),
          new Scenario(
              "error",
              "custom exception → one line and its own status; a bug → stack trace and 1",
              List.of(
                  new Run(
                      "error (ExitStatus)",
                      PKG + "Errors",
                      "status",
                      78,
                      "finally:",
                      "atExit:",
                      false,
                      "an exception implementing ExitStatus: one line, status 78"),
                  new Run(
                      "error (unexpected)",
                      PKG + "Errors",
                      "unexpected",
                      1,
                      "finally:",
                      "atExit:",
                      false,
                      "an unexpected RuntimeException: stack trace, status 1"))),
          new Scenario(
              "ctrl-c",
              "KeyboardInterrupt → SIGINT makes Exit.checkpoint() throw SignalExit",
              List.of(
                  new Run(
                      "ctrl-c",
                      PKG + "CtrlC",
                      null,
                      130,
                      "finally:",
                      "atExit:",
                      true,
                      "caught like KeyboardInterrupt; cleanup ran; died by SIGINT: 130"))),
          new Scenario(
              "swallowed",
              "a framework catches Throwable around a job that exits with 3, then commits",
              List.of(
                  new Run(
                      "swallowed (plain Java)",
                      PKG + "Swallowed",
                      "plain",
                      0,
                      null,
                      null,
                      false,
                      "the exit was swallowed: the transaction COMMITTED, status 0"),
                  new Run(
                      "swallowed (Terminus)",
                      PKG + "Swallowed",
                      "terminus",
                      3,
                      null,
                      null,
                      false,
                      "the request is sticky: checkpoint() rethrew it, nothing committed, 3"))));

  @Override
  public Integer call() throws Exception {
    List<Scenario> chosen = new ArrayList<>();
    for (Scenario s : SCENARIOS) {
      if (name == null || s.name().equals(name)) {
        chosen.add(s);
      }
    }
    if (chosen.isEmpty()) {
      List<String> names = new ArrayList<>();
      SCENARIOS.forEach(s -> names.add(s.name()));
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "unknown scenario '" + name + "' (scenarios: " + String.join(", ", names) + ")");
    }
    Style style = Style.detect();
    PrintStream out = System.out;
    out.println(
        style.bold("terminus demo") + " — the seed scenarios, each run live in a child JVM");
    out.println();
    int columns = columns(Style.stdoutIsTerminal());
    for (Scenario s : chosen) {
      List<String> title =
          wrap(s.title(), columns <= 0 ? Integer.MAX_VALUE : Math.max(20, columns - 14));
      out.println("  " + style.bold(pad(s.name(), 12)) + title.get(0));
      for (String more : title.subList(1, title.size())) {
        out.println(" ".repeat(14) + more);
      }
    }
    out.println();
    Map<Run, Future<Outcome>> futures = new LinkedHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (Scenario s : chosen) {
        for (Run r : s.runs()) {
          futures.put(r, pool.submit(() -> execute(r)));
        }
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> f : futures.values()) {
        outcomes.add(f.get());
      }
      return print(outcomes, style, out, columns);
    } finally {
      pool.shutdownNow();
    }
  }

  private static int print(List<Outcome> outcomes, Style style, PrintStream out, int columns) {
    int w0 = "SCENARIO".length();
    for (Outcome o : outcomes) {
      w0 = Math.max(w0, o.run().label().length());
    }
    int wStatus = "130 (SIGINT)".length();
    String left = pad("SCENARIO", w0) + "  " + pad("STATUS", wStatus) + "  FINALLY  CLEANUP  ";
    // Printed lines wrap to fit the width; they are never cut. No width (a pipe, a file): no wrap.
    // Too narrow for the printed lines beside the columns: they go below each row instead.
    boolean stacked = columns > 0 && columns - left.length() - 5 < 30;
    String indent = stacked ? "    " : " ".repeat(left.length());
    int wText = columns <= 0 ? Integer.MAX_VALUE : Math.max(20, columns - indent.length() - 5);
    String header =
        stacked
            ? left.stripTrailing() + "\n" + indent + "WHAT THE PROGRAM PRINTED"
            : left + "WHAT THE PROGRAM PRINTED";
    String rule = "-".repeat(columns <= 0 ? left.length() + 40 : columns);
    out.println(style.bold(header));
    out.println(rule);
    boolean allAsExpected = true;
    for (Outcome o : outcomes) {
      Run r = o.run();
      String fin = r.finallyText() == null ? "-" : o.printed(r.finallyText()) ? "ran" : "no";
      String clean = r.cleanupText() == null ? "-" : o.printed(r.cleanupText()) ? "ran" : "no";
      String status = o.status() < 0 ? "?" : Integer.toString(o.status());
      if (o.status() > 128
          && o.status() <= 128 + 64
          && SignalName.nameOf(o.status() - 128) != null) {
        status += " (SIG" + SignalName.nameOf(o.status() - 128) + ")";
      }
      boolean ok = o.problem() == null && o.status() == r.expected();
      allAsExpected &= ok;
      List<String[]> lines = new ArrayList<>();
      for (String[] l : shorten(o.lines())) {
        List<String> parts = wrap(l[1], wText);
        for (int k = 0; k < parts.size(); k++) {
          lines.add(new String[] {k == 0 ? l[0] : "", parts.get(k)});
        }
      }
      if (lines.isEmpty()) {
        lines = List.<String[]>of(new String[] {"", "(nothing)"});
      }
      if (stacked) {
        out.println(
            (pad(r.label(), w0)
                    + "  "
                    + (ok ? style.bold(pad(status, wStatus)) : style.red(pad(status, wStatus)))
                    + "  "
                    + style.yesNo(pad(fin, 7), fin)
                    + "  "
                    + style.yesNo(clean, clean))
                .stripTrailing());
      }
      for (int i = 0; i < lines.size(); i++) {
        String[] l = lines.get(i);
        String text = l[1];
        String stream = l[0].isEmpty() ? "   " : l[0];
        String lead =
            i > 0 || stacked
                ? indent
                : pad(r.label(), w0)
                    + "  "
                    + (ok ? style.bold(pad(status, wStatus)) : style.red(pad(status, wStatus)))
                    + "  "
                    + style.yesNo(pad(fin, 7), fin)
                    + "  "
                    + style.yesNo(pad(clean, 7), clean)
                    + "  ";
        out.println((lead + style.dim(stream) + "  " + text).stripTrailing());
      }
      for (String part :
          wrap(
              "=> " + r.lesson(),
              columns <= 0 ? Integer.MAX_VALUE : Math.max(20, columns - indent.length()))) {
        out.println(indent + style.dim(part));
      }
      if (!ok) {
        out.println(
            indent
                + style.red(
                    "!! expected status "
                        + r.expected()
                        + (o.problem() == null ? "" : "; " + o.problem())));
      }
      out.println(rule);
    }
    out.println(
        allAsExpected
            ? "Every scenario ended as documented."
            : style.red("Some scenario did not end as documented (see above)."));
    out.flush();
    return allAsExpected ? 0 : 1;
  }

  /**
   * The width to fit: {@code COLUMNS} when set, else the terminal's when stdout is one ({@code stty
   * size} on {@code /dev/tty}), else 0 for "no limit".
   */
  private static int columns(boolean terminal) {
    String env = System.getenv("COLUMNS");
    if (env != null) {
      try {
        int c = Integer.parseInt(env.trim());
        if (c > 0) {
          return Math.max(40, c);
        }
      } catch (NumberFormatException e) {
        // ignore a malformed COLUMNS, as ls does
      }
    }
    if (!terminal) {
      return 0;
    }
    try {
      Process p =
          new ProcessBuilder("stty", "size")
              .redirectInput(new java.io.File("/dev/tty"))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String out =
          new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
              .trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && out.matches("\\d+ \\d+")) {
        return Math.max(40, Integer.parseInt(out.substring(out.indexOf(' ') + 1)));
      }
    } catch (IOException e) {
      // no terminal after all
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 80;
  }

  /** Splits {@code text} into pieces of at most {@code width}, at spaces where it can. */
  static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    String rest = text;
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(' ', width);
      if (cut <= 0) {
        cut = width;
      }
      out.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    out.add(rest);
    return out;
  }

  /** Keeps at most 4 lines per stream, with a count of the rest. */
  private static List<String[]> shorten(List<String[]> lines) {
    List<String[]> out = new ArrayList<>();
    Map<String, Integer> seen = new LinkedHashMap<>();
    for (String[] l : lines) {
      int n = seen.merge(l[0], 1, Integer::sum);
      if (n <= 4) {
        out.add(l);
      }
    }
    for (Map.Entry<String, Integer> e : seen.entrySet()) {
      if (e.getValue() > 4) {
        out.add(
            new String[] {
              e.getKey(),
              "(" + (e.getValue() - 4) + (e.getValue() == 5 ? " more line)" : " more lines)")
            });
      }
    }
    return out;
  }

  /** Runs one scenario in a child JVM. */
  static Outcome execute(Run run) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(run.mainClass());
    if (run.arg() != null) {
      cmd.add(run.arg());
    }
    // Started in the background (SIGINT ignored), the child would inherit the ignore and the
    // ctrl-c scenario could not work: start it with the signals at their defaults (see Launch).
    long ignored = Dispositions.ignored();
    if ((ignored & Launch.RESET_MASK) != 0) {
      String env = Launch.envWithReset();
      if (env != null) {
        cmd = Launch.of(cmd, ignored, env).argv();
      }
    }
    List<String[]> lines = new ArrayList<>();
    CountDownLatch ready = new CountDownLatch(1);
    Process p;
    try {
      p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.PIPE).start();
      p.getOutputStream().close();
    } catch (IOException e) {
      return new Outcome(run, lines, -1, "cannot start a child JVM: " + e.getMessage());
    }
    Thread o = reader(p.getInputStream(), "out", lines, ready);
    Thread e = reader(p.getErrorStream(), "err", lines, null);
    String problem = null;
    try {
      if (run.interrupt()) {
        if (ready.await(GUARD_SECONDS, TimeUnit.SECONDS)) {
          new ProcessBuilder("kill", "-INT", Long.toString(p.pid()))
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start()
              .waitFor();
          synchronized (lines) {
            lines.add(new String[] {"", "(demo sent SIGINT, like Ctrl+C)"});
          }
        } else {
          problem = "the child never printed 'ready'";
        }
      }
      if (!p.waitFor(GUARD_SECONDS, TimeUnit.SECONDS)) {
        problem = "the child did not end within " + GUARD_SECONDS + "s; killed";
        p.destroyForcibly().waitFor();
      }
      o.join(TimeUnit.SECONDS.toMillis(10));
      e.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException | IOException ex) {
      p.destroyForcibly();
      return new Outcome(run, lines, -1, "interrupted: " + ex.getMessage());
    }
    synchronized (lines) {
      return new Outcome(run, new ArrayList<>(lines), p.exitValue(), problem);
    }
  }

  private static Thread reader(
      InputStream in, String tag, List<String[]> lines, CountDownLatch ready) {
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                  synchronized (lines) {
                    lines.add(new String[] {tag, line.replace("\t", "    ")});
                  }
                  if (ready != null && line.equals("ready")) {
                    ready.countDown();
                  }
                }
              } catch (IOException ignored) {
                // the child is gone
              }
            },
            "demo-" + tag);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String pad(String s, int width) {
    return s.length() >= width ? s : s + " ".repeat(width - s.length());
  }

  /** ANSI styling, only when stdout is a terminal and NO_COLOR is not set. */
  static final class Style {
    private final boolean on;

    Style(boolean on) {
      this.on = on;
    }

    static Style detect() {
      if (System.getenv("NO_COLOR") != null || "dumb".equals(System.getenv("TERM"))) {
        return new Style(false);
      }
      return new Style(stdoutIsTerminal());
    }

    static boolean stdoutIsTerminal() {
      try {
        Path target = Files.readSymbolicLink(Path.of("/proc/self/fd/1"));
        String t = target.toString();
        return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return false;
      }
    }

    String bold(String s) {
      return on ? "\033[1m" + s + "\033[0m" : s;
    }

    String dim(String s) {
      return on ? "\033[2m" + s + "\033[0m" : s;
    }

    String red(String s) {
      return on ? "\033[31m" + s + "\033[0m" : s;
    }

    String yesNo(String padded, String value) {
      if (!on || value.equals("-")) {
        return padded;
      }
      return (value.equals("ran") ? "\033[32m" : "\033[33m") + padded + "\033[0m";
    }
  }
}
