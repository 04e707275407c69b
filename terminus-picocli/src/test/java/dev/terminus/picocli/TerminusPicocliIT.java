package dev.terminus.picocli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@link TerminusPicocli} in real child JVMs running {@link Tool}: status (and whether the child
 * died by a signal, as waitpid saw it), stdout and stderr, each exact.
 */
class TerminusPicocliIT {
  private static final String NL = System.lineSeparator();

  @Test
  void exitNowFromAnAtCommandMethodEndsWithItsStatusAndMessageAndNoStackTrace() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "refuse", "no").run();

    assertThat(r.status()).as("%s", r).isEqualTo(4);
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stdout()).as("%s", r).isEqualTo("refuse: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: refused: no" + NL);
  }

  /** The README's sample, {@link ToolMain}, as it is: an {@code Exit.now} from the command. */
  @Test
  void theReadmesToolMainEndsWithTheCommandsExitStatusAndMessage() throws Exception {
    ChildResult r = ChildProcess.java(ToolMain.class).args("refuse", "no").run();

    assertThat(r.status()).as("%s", r).isEqualTo(4);
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stdout()).as("%s", r).isEqualTo("refuse: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: refused: no" + NL);
  }

  /** The README's sample, {@link ToolMain}: Ctrl+C runs the command's finally, dies by SIGINT. */
  @Test
  void theReadmesToolMainDiesBySigintAfterTheCommandsFinally() throws Exception {
    ChildResult r;
    try (ChildProcess c = ChildProcess.java(ToolMain.class).args("wait").start()) {
      c.awaitLine("wait: waiting").signalGroup("INT");
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isEqualTo(130);
    assertThat(r.diedBySignal()).as("%s", r).isTrue();
    assertThat(r.stdout()).as("%s", r).isEqualTo("wait: waiting" + NL + "wait: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: interrupted (SIGINT)" + NL);
  }

  /** The problem: picocli wraps the exit in an ExecutionException and prints its stack trace. */
  @Test
  void withoutTheIntegrationPicocliPrintsAnExecutionExceptionBeforeTheMessage() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("plain", "refuse", "no").run();

    assertThat(r.status()).as("%s", r).isEqualTo(4);
    assertThat(r.stderr())
        .as("%s", r)
        .startsWith("picocli.CommandLine$ExecutionException: Error while calling command (")
        .contains(NL + "\tat ")
        .endsWith(NL + "tool: refused: no" + NL);
  }

  @Test
  void exitNowFromACallableEndsWithItsStatusAndMessageAndNoStackTrace() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "call").run();

    assertThat(r.status()).as("%s", r).isEqualTo(5);
    assertThat(r.stdout()).as("%s", r).isEqualTo("call: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("call: refused" + NL);
  }

  @Test
  void exitNowFromARunnableEndsWithItsStatusAndMessageAndNoStackTrace() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "walk").run();

    assertThat(r.status()).as("%s", r).isEqualTo(6);
    assertThat(r.stdout()).as("%s", r).isEqualTo("walk: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("walk: refused" + NL);
  }

  /** picocli reports a setter method's exception as a parameter error; the exit still wins. */
  @Test
  void exitNowFromAnOptionSetterMethodEndsWithItsStatusAndMessageAndNoUsage() throws Exception {
    ChildResult r =
        ChildProcess.java(Tool.class).args("terminus", "--level", "5", "result", "0").run();

    assertThat(r.status()).as("%s", r).isEqualTo(9);
    assertThat(r.stdout()).as("%s", r).isEmpty();
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: level 5 is above 3" + NL);
  }

  @Test
  void anUnknownOptionKeepsPicocliMessageUsageAndStatus2() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "--bogus").run();

    assertThat(r.status()).as("%s", r).isEqualTo(2);
    assertThat(r.stdout()).as("%s", r).isEmpty();
    assertThat(r.stderr()).as("%s", r).isEqualTo(picocliAlone("--bogus").err);
    assertThat(r.stderr())
        .as("%s", r)
        .startsWith("Unknown option: '--bogus'" + NL + "Usage: tool ");
  }

  @Test
  void aBadSubcommandParameterKeepsPicocliMessageUsageAndStatus2() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "result", "many").run();

    assertThat(r.status()).as("%s", r).isEqualTo(2);
    assertThat(r.stdout()).as("%s", r).isEmpty();
    assertThat(r.stderr()).as("%s", r).isEqualTo(picocliAlone("result", "many").err);
    assertThat(r.stderr()).as("%s", r).contains("Usage: tool result ");
  }

  @Test
  void helpPrintsPicocliUsageAndEndsWith0() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "--help").run();

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout())
        .as("%s", r)
        .isEqualTo(picocliAlone("--help").out)
        .startsWith("Usage: tool ");
    assertThat(r.stderr()).as("%s", r).isEmpty();
  }

  @Test
  void aCallablesResultIsTheStatus() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "result", "7").run();

    assertThat(r.status()).as("%s", r).isEqualTo(7);
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stdout() + r.stderr()).as("%s", r).isEmpty();
  }

  @Test
  void aCallablesResultOf0Is0() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "result", "0").run();

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.stdout() + r.stderr()).as("%s", r).isEmpty();
  }

  @Test
  void aStatusAbove255EndsWith1AndSaysWhy() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "result", "300").run();

    assertThat(r.status()).as("%s", r).isEqualTo(1);
    assertThat(r.stdout()).as("%s", r).isEmpty();
    assertThat(r.stderr())
        .as("%s", r)
        .isEqualTo(
            "tool: exit code 300 is outside [0, 255] (a shell would see 44); exiting with 1" + NL);
  }

  @Test
  void anExitCodeGeneratorDecidesTheStatus() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "generate", "3").run();

    assertThat(r.status()).as("%s", r).isEqualTo(3);
    assertThat(r.stdout()).as("%s", r).isEqualTo("generate: ran" + NL);
    assertThat(r.stderr()).as("%s", r).isEmpty();
  }

  /** picocli's own handling of a failure: its stack trace, then exitCodeOnExecutionException. */
  @Test
  void anExceptionKeepsPicocliStackTraceAndExitCodeOnExecutionException() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("terminus", "fail").run();

    assertThat(r.status()).as("%s", r).isEqualTo(70);
    assertThat(r.stdout()).as("%s", r).isEmpty();
    List<String> lines = r.stderr().lines().toList();
    assertThat(lines.get(0)).as("%s", r).isEqualTo("java.io.IOException: disk full");
    assertThat(lines.subList(1, lines.size()))
        .as("%s", r)
        .isNotEmpty()
        .allMatch(l -> l.startsWith("\tat "));
  }

  @Test
  void anExitCodeExceptionMapperStillMapsAFailure() throws Exception {
    ChildResult r = ChildProcess.java(Tool.class).args("mapped", "fail").run();

    assertThat(r.status()).as("%s", r).isEqualTo(74);
    assertThat(r.stderr().lines().findFirst())
        .as("%s", r)
        .hasValue("java.io.IOException: disk full");
  }

  @Test
  void ctrlCDuringACommandRunsFinallyAndDiesBySigint() throws Exception {
    ChildResult r = signalDuringWait("INT", Map.of());

    assertThat(r.status()).as("%s", r).isEqualTo(130);
    assertThat(r.diedBySignal()).as("%s", r).isTrue();
    assertThat(r.stdout()).as("%s", r).isEqualTo("wait: waiting" + NL + "wait: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: interrupted (SIGINT)" + NL);
  }

  @Test
  void sigtermDuringACommandRunsFinallyAndDiesBySigterm() throws Exception {
    ChildResult r = signalDuringWait("TERM", Map.of());

    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.diedBySignal()).as("%s", r).isTrue();
    assertThat(r.stdout()).as("%s", r).isEqualTo("wait: waiting" + NL + "wait: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: terminated (SIGTERM)" + NL);
  }

  @Test
  void sigtermWithTerm0EndsWithAPlainExit0() throws Exception {
    ChildResult r = signalDuringWait("TERM", Map.of("TERMINUS_SIGNALS", "INT,TERM=0,HUP"));

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stdout()).as("%s", r).isEqualTo("wait: waiting" + NL + "wait: finally" + NL);
    assertThat(r.stderr()).as("%s", r).isEqualTo("tool: terminated (SIGTERM)" + NL);
  }

  /** The problem: picocli prints the InterruptedException that Ctrl+C caused. */
  @Test
  void withoutTheIntegrationCtrlCPrintsTheInterruptedExceptionsStackTrace() throws Exception {
    ChildResult r;
    try (ChildProcess c =
        ChildProcess.java(Tool.class).args("plain", "wait").keepStdinOpen().start()) {
      c.awaitLine("wait: waiting").signal("INT");
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isEqualTo(130);
    assertThat(r.stderr())
        .as("%s", r)
        .startsWith("java.lang.InterruptedException: sleep interrupted" + NL + "\tat ")
        .endsWith(NL + "Tool: interrupted (SIGINT)" + NL);
  }

  private static ChildResult signalDuringWait(String signal, Map<String, String> env)
      throws Exception {
    try (ChildProcess c =
        ChildProcess.java(Tool.class).env(env).args("terminus", "wait").keepStdinOpen().start()) {
      c.awaitLine("wait: waiting").signal(signal);
      return c.await();
    }
  }

  /** What picocli alone prints for {@code args}: the reference for usage output. */
  private static Printed picocliAlone(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    new CommandLine(new Tool())
        .setOut(new PrintWriter(out, true))
        .setErr(new PrintWriter(err, true))
        .setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF))
        .execute(args);
    return new Printed(out.toString(), err.toString());
  }

  private record Printed(String out, String err) {}
}
