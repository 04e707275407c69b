package dev.terminus.picocli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.Terminus;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@link TerminusPicocli#body} under {@link Terminus#call}: the statuses, in this JVM. */
class TerminusPicocliTest {

  @Test
  void runRejectsNullArgs() {
    assertThatThrownBy(() -> TerminusPicocli.run(null, new CommandLine(new Tool())))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("args");
  }

  @Test
  void runRejectsANullCommandLine() {
    assertThatThrownBy(() -> TerminusPicocli.run(new String[0], null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("commandLine");
  }

  @Test
  void bodyRejectsANullCommandLine() {
    assertThatThrownBy(() -> TerminusPicocli.body(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("commandLine");
  }

  @Test
  void exitNowFromAnAtCommandMethodIsTheStatusAndPicocliPrintsNothing() {
    StringWriter err = new StringWriter();
    CommandLine cl = quiet(err);

    assertThat(Terminus.call(new String[] {"refuse", "no"}, TerminusPicocli.body(cl))).isEqualTo(4);
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void theHandlersInPlaceStillHandleOrdinaryFailures() {
    StringWriter err = new StringWriter();
    CommandLine cl = quiet(err);
    cl.setExecutionExceptionHandler(
        (ex, line, parsed) -> {
          line.getErr().println("handled: " + ex.getMessage());
          return 65;
        });

    assertThat(Terminus.call(new String[] {"fail"}, TerminusPicocli.body(cl))).isEqualTo(65);
    assertThat(err.toString()).isEqualTo("handled: disk full" + System.lineSeparator());
  }

  @Test
  void theSameCommandLineRunsTwiceWithTheSameResult() {
    CommandLine cl = quiet(new StringWriter());

    assertThat(Terminus.call(new String[] {"result", "3"}, TerminusPicocli.body(cl))).isEqualTo(3);
    assertThat(Terminus.call(new String[] {"call"}, TerminusPicocli.body(cl))).isEqualTo(5);
  }

  private static CommandLine quiet(StringWriter err) {
    return new CommandLine(new Tool())
        .setOut(new PrintWriter(new StringWriter(), true))
        .setErr(new PrintWriter(err, true));
  }
}
