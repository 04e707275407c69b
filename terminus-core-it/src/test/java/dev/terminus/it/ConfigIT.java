package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Configuration read by a real child JVM from its environment and system properties. */
@Timeout(300)
class ConfigIT {
  private static final String NL = System.lineSeparator();

  private static String line(String text) {
    return text + NL;
  }

  private static ChildResult run(Map<String, String> env, List<String> jvm, String scenario) {
    return ChildProcess.java(ConfigScenarios.class).jvmOptions(jvm).env(env).args(scenario).run();
  }

  private static void assertRefused(ChildResult r, String message) {
    assertThat(r.stdout()).as("the body never ran").isEmpty();
    assertThat(r.stderr()).isEqualTo(line("ConfigScenarios: " + message));
    assertThat(r.status()).isEqualTo(78);
  }

  @Test
  void environmentVariableWinsOverTheSystemProperty() {
    ChildResult r =
        run(
            Map.of("TERMINUS_NAME", "from-env", "TERMINUS_REPORT", "stderr"),
            List.of("-Dterminus.name=from-property", "-Dterminus.report=none.json"),
            "body");
    assertThat(r.stderr()).startsWith("from-env: stop report: main returned" + NL);
    assertThat(r.status()).isZero();
  }

  @Test
  void deadlineFromTheEnvironmentWinsOverTheProperty() {
    ChildResult r =
        run(Map.of("TERMINUS_DEADLINE", "1s"), List.of("-Dterminus.deadline=10m"), "budget");
    assertThat(r.stdout()).isEqualTo(line("registered"));
    assertThat(r.stderr())
        .contains("the declared task timeouts add up to 5m, past the deadline of 1s");
    assertThat(r.status()).isZero();
  }

  @Test
  void malformedVariableNextToAValidPropertyIsTheOneReported() {
    ChildResult r =
        run(Map.of("TERMINUS_DEADLINE", "5x"), List.of("-Dterminus.deadline=1s"), "body");
    assertRefused(
        r,
        "TERMINUS_DEADLINE: '5x' is not a positive duration (write it as 500ms, 10s,"
            + " 2m, 1h or 10 for seconds)");
  }

  @Test
  void unknownStdoutModeIsAConfigurationError() {
    assertRefused(
        run(Map.of("TERMINUS_STDOUT", "garbage"), List.of(), "body"),
        "TERMINUS_STDOUT: 'garbage' is neither 'line' nor 'jdk'");
  }

  @Test
  void signalListOfEmptyItemsIsAConfigurationError() {
    for (String bad : new String[] {",", " , "}) {
      assertRefused(
          run(Map.of("TERMINUS_SIGNALS", bad), List.of(), "body"),
          "TERMINUS_SIGNALS: ',' has an empty item (write INT,TERM,HUP, or none)");
    }
  }

  @Test
  void emptySignalsVariableCountsAsUnsetSoCtrlCStillUnwinds() {
    try (ChildProcess c =
        ChildProcess.java(ConfigScenarios.class)
            .env(Map.of("TERMINUS_SIGNALS", ""))
            .args("await-signal")
            .start()) {
      c.awaitLine("ready").signal("INT");
      ChildResult r = c.await();
      assertThat(r.stdout()).isEqualTo(line("ready") + line("finally ran"));
      assertThat(r.stderr()).isEqualTo(line("ConfigScenarios: interrupted (SIGINT)"));
      assertThat(r.status()).isEqualTo(130);
    }
  }

  @Test
  void reportDestinationIsTrimmed(@TempDir Path dir) throws IOException {
    List<String> cmd = new ArrayList<>(ChildProcess.javaCommand(ConfigScenarios.class, List.of()));
    cmd.add("body");
    ChildResult r;
    try (ChildProcess c =
        ChildProcess.command(cmd)
            .env(Map.of("TERMINUS_REPORT", "stderr "))
            .directory(dir)
            .start()) {
      r = c.await();
    }
    assertThat(r.stderr()).startsWith("ConfigScenarios: stop report: main returned" + NL);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).as("no file named 'stderr '").isEmpty();
    }
    assertThat(r.status()).isZero();
  }

  @Test
  void reportDestinationThatNamesADirectoryIsAConfigurationError(@TempDir Path dir) {
    for (String bad : new String[] {"/", dir.toString()}) {
      assertRefused(
          run(Map.of("TERMINUS_REPORT", bad), List.of(), "body"),
          "TERMINUS_REPORT: '"
              + bad
              + "' names a directory, not a file (write a file path such as"
              + " stop.json, or stderr)");
    }
  }

  @Test
  void durationThatDoesNotFitInNanosecondsIsAConfigurationError() {
    for (String huge : new String[] {"2562048h", "9223372036854775807ms", "P200000D"}) {
      assertRefused(
          run(Map.of("TERMINUS_DEADLINE", huge), List.of(), "body"),
          "TERMINUS_DEADLINE: '"
              + huge
              + "' is longer than the maximum, 9223372036854775807"
              + " nanoseconds (about 292 years)");
    }
    assertRefused(
        run(Map.of(), List.of("-Dterminus.threads-report-after=P200000D"), "body"),
        "system property terminus.threads-report-after: 'P200000D' is longer than the maximum,"
            + " 9223372036854775807 nanoseconds (about 292 years)");
  }
}
