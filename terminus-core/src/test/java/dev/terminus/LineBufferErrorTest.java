package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A write that fails beneath the buffer shows in checkError(), as on the JDK's System.out. */
class LineBufferErrorTest {
  /** What the JDK's System.out is: a PrintStream that swallows the IOException of its file. */
  private static PrintStream brokenPipe() {
    OutputStream fd =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("Broken pipe");
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            throw new IOException("Broken pipe");
          }
        };
    return new PrintStream(fd, true);
  }

  private static PrintStream buffered(OutputStream beneath) {
    return new PrintStream(
        new LineBuffer(beneath, LineBuffer.NOT_TERMINAL), false, StandardCharsets.UTF_8);
  }

  @Test
  void aFailedLineMakesCheckErrorTrue() {
    PrintStream out = buffered(brokenPipe());
    out.println("y");
    assertThat(out.checkError()).isTrue();
  }

  @Test
  void aFailedPartialLineMakesCheckErrorTrueWhenItIsFlushed() {
    PrintStream out = buffered(brokenPipe());
    out.print("partial");
    assertThat(out.checkError()).as("checkError flushes the partial line").isTrue();
  }

  @Test
  void aFailedLongLineMakesCheckErrorTrue() {
    PrintStream out = buffered(brokenPipe());
    out.print("x".repeat(20_000));
    assertThat(out.checkError()).isTrue();
  }

  @Test
  void aHealthyStreamReportsNoError() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    PrintStream out = buffered(new PrintStream(sink, true));
    out.println("y");
    out.print("partial");
    assertThat(out.checkError()).isFalse();
    assertThat(sink.toString(StandardCharsets.UTF_8)).isEqualTo("y\npartial");
  }
}
