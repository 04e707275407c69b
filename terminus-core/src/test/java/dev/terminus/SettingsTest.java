package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How Settings reads the builder, the system properties and the environment, in that order. */
class SettingsTest {
  private static final String TOO_LONG =
      " is longer than the maximum, 9223372036854775807 nanoseconds (about 292 years)";

  private static Map<String, String> env(String... pairs) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  private static Properties props(String... pairs) {
    Properties p = new Properties();
    for (int i = 0; i < pairs.length; i += 2) {
      p.setProperty(pairs[i], pairs[i + 1]);
    }
    return p;
  }

  private static Settings resolve(Map<String, String> env, Properties props) {
    return Settings.resolve(
        "builder",
        Duration.ofSeconds(7),
        Settings.defaultSignals(),
        true,
        List.of(),
        Duration.ofSeconds(8),
        false,
        null,
        env,
        props);
  }

  private static String refusal(Map<String, String> env, Properties props) {
    try {
      resolve(env, props);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    throw new AssertionError("accepted " + env + " " + props);
  }

  @Test
  void builderValuesHoldWhenNothingElseIsSet() {
    Settings s = resolve(env(), props());
    assertThat(s.name).isEqualTo("builder");
    assertThat(s.deadline).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.signals).containsOnlyKeys("INT", "TERM", "HUP");
    assertThat(s.raise).isTrue();
    assertThat(s.threadsReportAfter).isEqualTo(Duration.ofSeconds(8));
    assertThat(s.exitOnMainReturn).isFalse();
    assertThat(s.report).isNull();
    assertThat(Settings.lineBufferedStdout(env(), props())).isTrue();
  }

  @Test
  void systemPropertiesOverrideTheBuilder() {
    Properties p =
        props(
            "terminus.name",
            "prop",
            "terminus.deadline",
            "1s",
            "terminus.signals",
            "INT",
            "terminus.signal-exit",
            "status",
            "terminus.threads-report-after",
            "2s",
            "terminus.main-return",
            "exit",
            "terminus.report",
            "stderr",
            "terminus.stdout",
            "jdk");
    Settings s = resolve(env(), p);
    assertThat(s.name).isEqualTo("prop");
    assertThat(s.deadline).isEqualTo(Duration.ofSeconds(1));
    assertThat(s.signals).containsOnlyKeys("INT");
    assertThat(s.raise).isFalse();
    assertThat(s.threadsReportAfter).isEqualTo(Duration.ofSeconds(2));
    assertThat(s.exitOnMainReturn).isTrue();
    assertThat(s.report).isEqualTo("stderr");
    assertThat(Settings.lineBufferedStdout(env(), p)).isFalse();
  }

  @Test
  void environmentVariablesOverrideTheSystemPropertiesForEverySetting(@TempDir Path dir) {
    Map<String, String> e =
        env(
            "TERMINUS_NAME",
            "env",
            "TERMINUS_DEADLINE",
            "5s",
            "TERMINUS_SIGNALS",
            "TERM=0",
            "TERMINUS_SIGNAL_EXIT",
            "raise",
            "TERMINUS_THREADS_REPORT_AFTER",
            "3s",
            "TERMINUS_MAIN_RETURN",
            "wait",
            "TERMINUS_REPORT",
            "stderr",
            "TERMINUS_STDOUT",
            "line");
    Properties p =
        props(
            "terminus.name",
            "prop",
            "terminus.deadline",
            "1s",
            "terminus.signals",
            "INT",
            "terminus.signal-exit",
            "status",
            "terminus.threads-report-after",
            "2s",
            "terminus.main-return",
            "exit",
            "terminus.report",
            dir.resolve("stop.json").toString(),
            "terminus.stdout",
            "jdk");
    Settings s = resolve(e, p);
    assertThat(s.name).isEqualTo("env");
    assertThat(s.deadline).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.signals).isEqualTo(Map.of("TERM", 0));
    assertThat(s.raise).isTrue();
    assertThat(s.threadsReportAfter).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.exitOnMainReturn).isFalse();
    assertThat(s.report).isEqualTo("stderr");
    assertThat(Settings.lineBufferedStdout(e, p)).isTrue();
  }

  @Test
  void malformedVariableNextToAValidPropertyIsRefusedNamingTheVariable() {
    Properties valid =
        props(
            "terminus.deadline",
            "1s",
            "terminus.signals",
            "INT",
            "terminus.signal-exit",
            "status",
            "terminus.threads-report-after",
            "2s",
            "terminus.main-return",
            "exit",
            "terminus.report",
            "stderr",
            "terminus.stdout",
            "jdk");
    assertThat(refusal(env("TERMINUS_DEADLINE", "5x"), valid))
        .isEqualTo(
            "TERMINUS_DEADLINE: '5x' is not a positive duration"
                + " (write it as 500ms, 10s, 2m, 1h or 10 for seconds)");
    assertThat(refusal(env("TERMINUS_SIGNALS", "QUIT"), valid))
        .isEqualTo("TERMINUS_SIGNALS: unknown signal 'QUIT' (Terminus handles INT, TERM and HUP)");
    assertThat(refusal(env("TERMINUS_SIGNAL_EXIT", "maybe"), valid))
        .isEqualTo("TERMINUS_SIGNAL_EXIT: 'maybe' is neither 'raise' nor 'status'");
    assertThat(refusal(env("TERMINUS_THREADS_REPORT_AFTER", "soon"), valid))
        .isEqualTo(
            "TERMINUS_THREADS_REPORT_AFTER: 'soon' is not a positive duration"
                + " (write it as 500ms, 10s, 2m, 1h or 10 for seconds)");
    assertThat(refusal(env("TERMINUS_MAIN_RETURN", "later"), valid))
        .isEqualTo("TERMINUS_MAIN_RETURN: 'later' is neither 'wait' nor 'exit'");
    assertThat(refusal(env("TERMINUS_REPORT", "/"), valid))
        .isEqualTo(
            "TERMINUS_REPORT: '/' names a directory, not a file (write a file path such as"
                + " stop.json, or stderr)");
    assertThat(refusal(env("TERMINUS_STDOUT", "garbage"), valid))
        .isEqualTo("TERMINUS_STDOUT: 'garbage' is neither 'line' nor 'jdk'");
  }

  @Test
  void malformedPropertyIsRefusedNamingTheProperty() {
    assertThat(refusal(env(), props("terminus.deadline", "5x")))
        .isEqualTo(
            "system property terminus.deadline: '5x' is not a positive duration"
                + " (write it as 500ms, 10s, 2m, 1h or 10 for seconds)");
    assertThat(refusal(env(), props("terminus.stdout", "full")))
        .isEqualTo("system property terminus.stdout: 'full' is neither 'line' nor 'jdk'");
  }

  @Test
  void everyValueIsTrimmed() {
    Map<String, String> e =
        env(
            "TERMINUS_NAME",
            " tool ",
            "TERMINUS_DEADLINE",
            " 5s ",
            "TERMINUS_SIGNALS",
            " TERM , INT ",
            "TERMINUS_SIGNAL_EXIT",
            " status\t",
            "TERMINUS_THREADS_REPORT_AFTER",
            "\t3s",
            "TERMINUS_MAIN_RETURN",
            "exit\n",
            "TERMINUS_REPORT",
            "stderr ",
            "TERMINUS_STDOUT",
            " jdk ");
    Settings s = resolve(e, props());
    assertThat(s.name).isEqualTo("tool");
    assertThat(s.deadline).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.signals).containsOnlyKeys("TERM", "INT");
    assertThat(s.raise).isFalse();
    assertThat(s.threadsReportAfter).isEqualTo(Duration.ofSeconds(3));
    assertThat(s.exitOnMainReturn).isTrue();
    assertThat(s.report).isEqualTo("stderr");
    assertThat(Settings.lineBufferedStdout(e, props())).isFalse();
  }

  @Test
  void anEmptyOrBlankValueCountsAsUnset() {
    assertThat(resolve(env("TERMINUS_SIGNALS", ""), props()).signals)
        .as("the builder's signals")
        .containsOnlyKeys("INT", "TERM", "HUP");
    assertThat(resolve(env("TERMINUS_SIGNALS", " "), props("terminus.signals", "none")).signals)
        .as("the property in force")
        .isEmpty();
    assertThat(resolve(env(), props("terminus.signals", "")).signals)
        .containsOnlyKeys("INT", "TERM", "HUP");
    Settings s =
        resolve(
            env(
                "TERMINUS_NAME",
                "",
                "TERMINUS_DEADLINE",
                " ",
                "TERMINUS_REPORT",
                "",
                "TERMINUS_SIGNAL_EXIT",
                "",
                "TERMINUS_MAIN_RETURN",
                " ",
                "TERMINUS_THREADS_REPORT_AFTER",
                ""),
            props());
    assertThat(s.name).isEqualTo("builder");
    assertThat(s.deadline).isEqualTo(Duration.ofSeconds(7));
    assertThat(s.report).isNull();
    assertThat(s.raise).isTrue();
    assertThat(s.exitOnMainReturn).isFalse();
    assertThat(s.threadsReportAfter).isEqualTo(Duration.ofSeconds(8));
    assertThat(Settings.lineBufferedStdout(env("TERMINUS_STDOUT", ""), props())).isTrue();
  }

  @Test
  void signalListWithAnEmptyItemIsRefused() {
    for (String bad : new String[] {",", " , ", "INT,,TERM", "INT,", ",TERM"}) {
      assertThat(refusal(env("TERMINUS_SIGNALS", bad), props()))
          .as(bad)
          .isEqualTo(
              "TERMINUS_SIGNALS: '"
                  + bad.trim()
                  + "' has an empty item (write INT,TERM,HUP, or none)");
    }
  }

  @Test
  void noneHandlesNoSignal() {
    assertThat(resolve(env("TERMINUS_SIGNALS", " None "), props()).signals).isEmpty();
  }

  @Test
  void stdoutAcceptsLineOrJdkInAnyCase() {
    assertThat(Settings.lineBufferedStdout(env("TERMINUS_STDOUT", "LINE"), props())).isTrue();
    assertThat(Settings.lineBufferedStdout(env("TERMINUS_STDOUT", "Jdk"), props())).isFalse();
    assertThat(refusal(env("TERMINUS_STDOUT", "unbuffered"), props()))
        .isEqualTo("TERMINUS_STDOUT: 'unbuffered' is neither 'line' nor 'jdk'");
  }

  @Test
  void reportThatNamesADirectoryIsRefused(@TempDir Path dir) {
    for (String bad : new String[] {"/", dir.toString(), dir + "/", "missing/", "."}) {
      assertThat(refusal(env("TERMINUS_REPORT", bad), props()))
          .as(bad)
          .isEqualTo(
              "TERMINUS_REPORT: '"
                  + bad
                  + "' names a directory, not a file"
                  + " (write a file path such as stop.json, or stderr)");
    }
  }

  @Test
  void reportThatNamesAFileIsKeptAsWritten(@TempDir Path dir) {
    String file = dir.resolve("stop.json").toString();
    assertThat(resolve(env("TERMINUS_REPORT", file), props()).report).isEqualTo(file);
    assertThat(resolve(env("TERMINUS_REPORT", "stop.json"), props()).report).isEqualTo("stop.json");
    assertThat(resolve(env("TERMINUS_REPORT", "StdErr"), props()).report).isEqualTo("stderr");
  }

  @Test
  void durationsThatDoNotFitInNanosecondsAreRefusedNamingTheMaximum() {
    for (String huge : new String[] {"2562048h", "9223372036854775807ms", "P200000D"}) {
      assertThat(refusal(env("TERMINUS_DEADLINE", huge), props()))
          .isEqualTo("TERMINUS_DEADLINE: '" + huge + "'" + TOO_LONG);
      assertThat(refusal(env(), props("terminus.threads-report-after", huge)))
          .isEqualTo("system property terminus.threads-report-after: '" + huge + "'" + TOO_LONG);
    }
  }

  @Test
  void builderDurationsLongerThanTheMaximumAreTakenAsTheMaximum() {
    Duration forever = ChronoUnit.FOREVER.getDuration();
    Settings s =
        Settings.resolve(
            null,
            forever,
            Settings.defaultSignals(),
            true,
            List.of(),
            forever,
            false,
            null,
            env(),
            props());
    assertThat(s.deadline.toNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(s.threadsReportAfter.toNanos()).isEqualTo(Long.MAX_VALUE);
  }
}
