package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Explain texts and usage errors, in-JVM (no child is started: every case fails before). */
class CommandLineTest {

  record Result(int status, String out, String err) {}

  private static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int status = cl.execute(args);
    return new Result(status, out.toString(), err.toString());
  }

  private static void assertUsageError(Result r, String message, String hint) {
    assertThat(r.status()).isEqualTo(125);
    String[] lines = r.err().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).contains(message);
    assertThat(lines[1]).isEqualTo(hint);
    assertThat(r.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void malformedDuration() {
    assertUsageError(
        run("run", "--timeout", "5x", "--", "true"),
        "malformed duration '5x'",
        "Try 'terminus run --help'.");
  }

  @Test
  void unknownSignal() {
    assertUsageError(
        run("run", "--ladder", "INT:1s,BOGUS", "--", "true"),
        "unknown signal 'BOGUS'",
        "Try 'terminus run --help'.");
  }

  @Test
  void noCommand() {
    assertUsageError(run("run"), "COMMAND", "Try 'terminus run --help'.");
    assertUsageError(run("run", "--timeout", "1s", "--"), "COMMAND", "Try 'terminus run --help'.");
  }

  @Test
  void emptyLadder() {
    assertUsageError(
        run("run", "--ladder", "", "--", "true"), "empty ladder", "Try 'terminus run --help'.");
  }

  @Test
  void unknownOptionAndMissingSubcommand() {
    assertUsageError(
        run("run", "--frobnicate", "--", "true"), "--frobnicate", "Try 'terminus run --help'.");
    assertUsageError(run(), "missing subcommand", "Try 'terminus --help'.");
  }

  @Test
  void explainRefusesWhatIsNotAStatus() {
    assertUsageError(run("explain", "abc"), "not an exit status", "Try 'terminus explain --help'.");
    assertUsageError(run("explain", "256"), "out of range", "Try 'terminus explain --help'.");
    assertUsageError(run("explain", "-1"), "out of range", "Try 'terminus explain --help'.");
  }

  @Test
  void demoRefusesAnUnknownScenarioAndListsTheNames() {
    Result r = run("demo", "nope");
    assertUsageError(r, "unknown scenario 'nope'", "Try 'terminus demo --help'.");
    assertThat(r.err()).contains("graceful", "intercepted", "halt", "error", "ctrl-c", "swallowed");
  }

  @Test
  void explainTexts() {
    assertThat(StatusMeanings.explain(0)).contains("success");
    assertThat(StatusMeanings.explain(1)).contains("general failure");
    assertThat(StatusMeanings.explain(2)).contains("usage");
    assertThat(StatusMeanings.explain(64)).contains("EX_USAGE");
    assertThat(StatusMeanings.explain(70)).contains("EX_SOFTWARE");
    assertThat(StatusMeanings.explain(78)).contains("EX_CONFIG");
    assertThat(StatusMeanings.explain(124)).contains("timed out");
    assertThat(StatusMeanings.explain(125)).contains("itself failed");
    assertThat(StatusMeanings.explain(126)).contains("cannot be executed");
    assertThat(StatusMeanings.explain(127)).contains("not found");
    assertThat(StatusMeanings.explain(130)).contains("SIGINT", "Ctrl+C");
    assertThat(StatusMeanings.explain(137)).contains("SIGKILL", "OOM");
    assertThat(StatusMeanings.explain(139)).contains("SIGSEGV");
    assertThat(StatusMeanings.explain(143)).contains("SIGTERM", "docker stop", "systemd");
    assertThat(StatusMeanings.explain(42)).contains("defined by the program");
  }

  @Test
  void explainPrintsOnStdoutWithStatusZero() {
    // explain writes with System.out; the picocli streams stay empty and the status is 0
    Result r = run("explain", "0");
    assertThat(r.status()).isZero();
    assertThat(r.err()).isEmpty();
  }

  @Test
  void everyHelpFitsIn80ColumnsAndEverySummaryIsASentence() {
    for (String[] args :
        List.of(
            new String[] {"--help"},
            new String[] {"run", "--help"},
            new String[] {"timeout", "--help"},
            new String[] {"demo", "--help"},
            new String[] {"explain", "--help"})) {
      Result r = run(args);
      assertThat(r.status()).isZero();
      for (String line : r.out().split("\n")) {
        assertThat(line.length()).as(String.join(" ", args) + ": " + line).isLessThanOrEqualTo(80);
      }
    }
    String root = run("--help").out();
    String commands =
        root.substring(root.indexOf("Commands:"), root.indexOf("\n\n", root.indexOf("Commands:")));
    for (String summary : commands.split("\n  (?=\\S)")) {
      if (!summary.startsWith("Commands:")) {
        assertThat(summary.strip()).as(summary).endsWith(".");
      }
    }
  }
}
