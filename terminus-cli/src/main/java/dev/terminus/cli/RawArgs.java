package dev.terminus.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line arguments as the bytes the kernel handed over. The java launcher decodes {@code
 * main}'s arguments with the platform charset, which is ASCII when no locale is set ({@code LANG}
 * unset, as in many containers and under cron): every non-ASCII byte becomes U+FFFD, and {@code
 * -Dsun.jnu.encoding} cannot change that on JDK 17 or 25. On Linux the bytes are still in {@code
 * /proc/self/cmdline}, so {@code terminus} takes its arguments from there.
 *
 * <p>Bytes are held in Java strings the way Python holds file names (PEP 383, "surrogateescape"):
 * valid UTF-8 is decoded, and each byte that is not part of valid UTF-8 becomes the lone surrogate
 * U+DC80..U+DCFF, which {@link #bytes} turns back into that byte. So any argument goes through
 * {@code terminus} unchanged, and one in UTF-8 also reads right in messages.
 */
final class RawArgs {
  private RawArgs() {}

  /**
   * The arguments with their exact bytes, when {@code /proc/self/cmdline} ends with arguments that
   * decode to {@code args}; otherwise {@code args} as they are.
   *
   * @param args {@code main}'s arguments
   * @return the same arguments, decoded losslessly
   */
  static String[] recover(String[] args) {
    List<byte[]> tail;
    try {
      tail = split(Files.readAllBytes(Path.of("/proc/self/cmdline")));
    } catch (IOException | RuntimeException e) {
      return args;
    }
    if (tail.size() < args.length) {
      return args;
    }
    tail = tail.subList(tail.size() - args.length, tail.size());
    Charset platform = platform();
    String[] out = new String[args.length];
    for (int i = 0; i < args.length; i++) {
      byte[] b = tail.get(i);
      if (!new String(b, platform).equals(args[i])) {
        return args; // not the same arguments (an @argfile, a launcher that rewrote them)
      }
      out[i] = decode(b);
    }
    return out;
  }

  private static Charset platform() {
    try {
      return Charset.forName(System.getProperty("sun.jnu.encoding"));
    } catch (RuntimeException e) {
      return Charset.defaultCharset();
    }
  }

  private static List<byte[]> split(byte[] cmdline) {
    List<byte[]> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < cmdline.length; i++) {
      if (cmdline[i] == 0) {
        byte[] b = new byte[i - start];
        System.arraycopy(cmdline, start, b, 0, b.length);
        out.add(b);
        start = i + 1;
      }
    }
    return out;
  }

  /**
   * Decodes bytes as UTF-8, each invalid byte as a lone surrogate U+DC80..U+DCFF.
   *
   * @param b bytes
   * @return the string
   */
  static String decode(byte[] b) {
    StringBuilder out = new StringBuilder(b.length);
    int i = 0;
    while (i < b.length) {
      int c = b[i] & 0xff;
      // How many continuation bytes the lead byte announces; -1: not a lead byte.
      int n =
          c < 0x80
              ? 0
              : c >= 0xc2 && c <= 0xdf
                  ? 1
                  : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xf0 && c <= 0xf4 ? 3 : -1;
      if (n > 0 && i + n < b.length && validSequence(b, i, n)) {
        out.append(new String(b, i, n + 1, StandardCharsets.UTF_8));
        i += n + 1;
      } else if (n == 0) {
        out.append((char) c);
        i++;
      } else {
        out.append((char) (0xdc00 + c));
        i++;
      }
    }
    return out.toString();
  }

  /** Whether b[at..at+n] (in bounds) is one well-formed UTF-8 sequence. */
  private static boolean validSequence(byte[] b, int at, int n) {
    int lead = b[at] & 0xff;
    for (int k = 1; k <= n; k++) {
      int c = b[at + k] & 0xff;
      if (c < 0x80 || c > 0xbf) {
        return false;
      }
    }
    int second = b[at + 1] & 0xff;
    // No overlong forms, no surrogates, nothing above U+10FFFF.
    if (lead == 0xe0 && second < 0xa0) {
      return false;
    }
    if (lead == 0xed && second > 0x9f) {
      return false;
    }
    if (lead == 0xf0 && second < 0x90) {
      return false;
    }
    return lead != 0xf4 || second <= 0x8f;
  }

  /**
   * The bytes an argument stands for: UTF-8, each lone surrogate U+DC80..U+DCFF as its byte.
   *
   * @param s an argument
   * @return its bytes
   */
  static byte[] bytes(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 8);
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c >= 0xdc80 && c <= 0xdcff) {
        out.write(c - 0xdc00);
        i++;
        continue;
      }
      int cp = s.codePointAt(i);
      int len = Character.charCount(cp);
      byte[] u = s.substring(i, i + len).getBytes(StandardCharsets.UTF_8);
      out.write(u, 0, u.length);
      i += len;
    }
    return out.toByteArray();
  }
}
