package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LineBufferTest {
  private final ByteArrayOutputStream sink = new ByteArrayOutputStream();

  private PrintStream stream() throws Exception {
    Constructor<LineBuffer> c = LineBuffer.class.getDeclaredConstructor(java.io.OutputStream.class);
    c.setAccessible(true);
    return new PrintStream(c.newInstance(sink), false, StandardCharsets.UTF_8);
  }

  private String written() {
    return sink.toString(StandardCharsets.UTF_8);
  }

  @Test
  void completeLinesAreWrittenAtOncePartialLinesWait() throws Exception {
    PrintStream out = stream();
    out.print("one\ntw");
    assertThat(written()).isEqualTo("one\n");
    out.print("o\n");
    assertThat(written()).isEqualTo("one\ntwo\n");
    out.print("partial");
    assertThat(written()).isEqualTo("one\ntwo\n");
    out.flush();
    assertThat(written()).isEqualTo("one\ntwo\npartial");
  }

  @Test
  void longPartialLinesAreWrittenWhenTheBufferFills() throws Exception {
    PrintStream out = stream();
    String big = "x".repeat(20_000);
    out.print(big);
    out.print("y\n");
    assertThat(written()).isEqualTo(big + "y\n");
  }

  @Test
  void longTailAfterANewlineIsKept() throws Exception {
    PrintStream out = stream();
    String tail = "z".repeat(10_000);
    out.print("a\n" + tail);
    out.flush();
    assertThat(written()).isEqualTo("a\n" + tail);
  }
}
