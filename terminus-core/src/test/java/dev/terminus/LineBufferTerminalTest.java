package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** On a terminal every write goes through at once; elsewhere a partial line waits. */
class LineBufferTerminalTest {
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  private PrintStream stream(int terminal) {
    return new PrintStream(new LineBuffer(sink, terminal), false, StandardCharsets.UTF_8);
  }

  private String written() {
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void onATerminalAPromptIsWrittenAtOnce() {
    PrintStream out = stream(LineBuffer.TERMINAL);
    out.print("Name? ");
    assertThat(written()).isEqualTo("Name? ");
    out.print("one\ntw");
    assertThat(written()).isEqualTo("Name? one\ntw");
    out.write('o');
    assertThat(written()).isEqualTo("Name? one\ntwo");
    out.println();
    assertThat(written()).isEqualTo("Name? one\ntwo\n");
  }

  @Test
  void offATerminalAPromptWaitsForItsNewlineOrAFlush() {
    PrintStream out = stream(LineBuffer.NOT_TERMINAL);
    out.print("Name? ");
    out.write('!');
    assertThat(written()).isEmpty();
    out.flush();
    assertThat(written()).isEqualTo("Name? !");
  }
}
