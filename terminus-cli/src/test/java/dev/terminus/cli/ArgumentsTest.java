package dev.terminus.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Arguments as bytes: the lossless decoding and the escapes the shell decoder reads. */
class ArgumentsTest {

  @Test
  void everyByteSequenceSurvivesDecodingAndEncoding() {
    Random random = new Random(14);
    for (int i = 0; i < 10_000; i++) {
      byte[] b = new byte[random.nextInt(12)];
      random.nextBytes(b);
      assertThat(RawArgs.bytes(RawArgs.decode(b))).isEqualTo(b);
    }
    for (int c = 0; c < 256; c++) {
      byte[] one = {(byte) c};
      assertThat(RawArgs.bytes(RawArgs.decode(one))).isEqualTo(one);
    }
  }

  @Test
  void validUtf8DecodesToItsText() {
    String text = "h\u00e9llo \u2713 \uD83D\uDE00 \u0000x";
    assertThat(RawArgs.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
  }

  @Test
  void invalidBytesBecomeLoneSurrogatesAsInPython() {
    assertThat(RawArgs.decode(new byte[] {'l', 'a', 't', (byte) 0xe9})).isEqualTo("lat\udce9");
    // an encoded surrogate and an overlong slash are not valid UTF-8
    assertThat(RawArgs.decode(new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}))
        .isEqualTo("\udced\udca0\udc80");
    assertThat(RawArgs.decode(new byte[] {(byte) 0xc0, (byte) 0xaf})).isEqualTo("\udcc0\udcaf");
  }

  @Test
  void escapesAreAsciiAndOctalForAnythingButPlainCharacters() {
    assertThat(Launch.escape("a b\\é".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("a\\0040b\\0134\\0303\\0251");
    assertThat(Launch.escape("-n%x=1".getBytes(StandardCharsets.UTF_8))).isEqualTo("-n%x=1");
  }

  @Test
  void aCommandThatPassesThroughTheJdkIsStartedAsItIs() {
    Launch l = Launch.of(List.of("printf", "%s", "a b"), 0, "/usr/bin/env");
    assertThat(l.argv()).containsExactly("printf", "%s", "a b");
    assertThat(l.resetsSignals()).isFalse();
    assertThat(l.decodes()).isFalse();
  }

  @Test
  void ignoredSignalsPutEnvAndAnExecInFront() {
    Launch l = Launch.of(List.of("python3", "job.py"), 1L << 1, "/usr/bin/env");
    assertThat(l.argv())
        .containsExactly(
            "/usr/bin/env",
            "--default-signal=HUP,INT,TERM",
            "--",
            "/bin/sh",
            "-c",
            "exec \"$@\"",
            "terminus",
            "python3",
            "job.py");
  }

  @Test
  void aMissingCommandIsFoundMissingAsExecvpWould() {
    assertThat(Launch.problem("no-such-command-terminus-test")).contains("error=2");
    assertThat(Launch.problem("/")).contains("error=13");
    assertThat(Launch.problem("sh")).isNull();
  }
}
