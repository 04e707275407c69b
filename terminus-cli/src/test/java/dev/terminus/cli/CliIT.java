package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: usage errors, explain, and the live demo. */
class CliIT {
  @TempDir Path dir;
  @RegisterExtension final Procs procs = new Procs();

  private void usageError(String message, String... args) throws Exception {
    Proc t = procs.terminus(dir, args);
    int status = t.waitFor();
    assertThat(status).isEqualTo(125);
    String[] lines = t.err().strip().split("\n");
    assertThat(lines).as(t.err()).hasSize(2);
    assertThat(lines[0]).startsWith("terminus run: ").contains(message);
    assertThat(lines[1]).isEqualTo("Try 'terminus run --help'.");
    assertThat(t.err()).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(t.out()).isEmpty();
  }

  @Test
  void malformedDuration() throws Exception {
    usageError("malformed duration", "run", "--timeout", "ten", "--", "true");
  }

  @Test
  void unknownSignal() throws Exception {
    usageError("unknown signal", "run", "--ladder", "INT:1s,NOPE,KILL", "--", "true");
  }

  @Test
  void noCommand() throws Exception {
    usageError("COMMAND", "run", "--timeout", "1s");
  }

  @Test
  void aStepAfterKillOrAWaitOnKill() throws Exception {
    usageError("after KILL", "run", "--ladder", "KILL,INT", "--", "true");
    usageError("a wait on KILL", "run", "--ladder", "KILL:1s,INT", "--", "true");
  }

  @Test
  void emptyLadder() throws Exception {
    usageError("empty ladder", "run", "--ladder", "", "--", "true");
  }

  @Test
  void explain137NamesSigkillAndTheOomKiller() throws Exception {
    Proc t = procs.terminus(dir, "explain", "137");
    assertThat(t.waitFor()).isZero();
    assertThat(t.out()).contains("SIGKILL").contains("OOM");
  }

  @Test
  void explainRefusesAnOutOfRangeStatus() throws Exception {
    Proc t = procs.terminus(dir, "explain", "300");
    assertThat(t.waitFor()).isEqualTo(125);
    assertThat(t.err()).contains("out of range").contains("Try 'terminus explain --help'.");
  }

  @Test
  void demoRunsEveryScenarioWithItsStatus() throws Exception {
    Proc t = procs.terminus(dir, "demo");
    int status = t.waitFor();
    String out = t.out();
    assertThat(status).as(out + t.err()).isZero();
    assertThat(out).doesNotContain("\033["); // no colour when stdout is not a terminal
    assertRow(out, "graceful", "0");
    assertRow(out, "intercepted", "1");
    assertRow(out, "halt", "1");
    assertRow(out, "error \\(ExitStatus\\)", "78");
    assertRow(out, "error \\(unexpected\\)", "1");
    assertRow(out, "ctrl-c", "130");
    assertRow(out, "swallowed \\(plain Java\\)", "0");
    assertRow(out, "swallowed \\(Terminus\\)", "3");
    assertThat(out)
        .contains("Intercepted exit status: 1")
        .contains("User interrupted the script")
        .contains("COMMITTED the corrupted transaction")
        .contains("Every scenario ended as documented.");
    // halt: neither finally nor cleanup ran
    assertThat(out).containsPattern(Pattern.compile("(?m)^halt\\s+1\\s+no\\s+no\\b"));
  }

  @Test
  void demoRunsOneScenarioByName() throws Exception {
    Proc t = procs.terminus(dir, "demo", "halt");
    assertThat(t.waitFor()).isZero();
    assertRow(t.out(), "halt", "1");
    assertThat(t.out()).doesNotContain("graceful  ");
  }

  @Test
  void demoFitsColumnsAndNeverCutsAMessage() throws Exception {
    for (String columns : List.of("80", "120")) {
      List<String> cmd = new java.util.ArrayList<>(List.of("env", "COLUMNS=" + columns));
      cmd.addAll(Proc.terminusCommand("demo", "error"));
      Proc t = procs.start(dir, cmd);
      assertThat(t.waitFor()).as(t.err()).isZero();
      for (String line : t.out().split("\n")) {
        assertThat(line.length()).as(line).isLessThanOrEqualTo(Integer.parseInt(columns));
      }
      assertThat(t.out().replaceAll("\\s+", " "))
          .contains("java.lang.IllegalStateException: balance went negative: a bug")
          .doesNotContain("...");
    }
  }

  private static void assertRow(String out, String label, String status) {
    assertThat(out).containsPattern(Pattern.compile("(?m)^" + label + "\\s+" + status + "\\b"));
  }
}
