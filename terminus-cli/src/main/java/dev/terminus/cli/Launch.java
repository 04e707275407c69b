package dev.terminus.cli;

import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The argv that starts the command: the command itself when the JDK can start it as it is, or the
 * command behind two small helpers that {@code exec} it in place (same pid, nothing left running)
 * when the JDK cannot:
 *
 * <ul>
 *   <li>{@code env --default-signal=HUP,INT,TERM --} when {@code terminus} has one of those signals
 *       ignored (see {@link Dispositions}): the command would inherit the ignore, and a Python
 *       command would never get its {@code KeyboardInterrupt};
 *   <li>{@code /bin/sh -c 'decode; exec "$@"'} when an argument's bytes cannot pass through the
 *       JDK, which encodes every argument with the platform charset (ASCII when no locale is set,
 *       so {@code é} would become {@code ?}): such arguments travel as ASCII {@code printf %b}
 *       escapes and the shell turns them back into the exact bytes.
 * </ul>
 *
 * <p>When a helper is used, {@code terminus} first looks the command up the way {@code execvp}
 * does, so a missing command is still reported by {@code terminus} with status 127 and one that
 * cannot be executed with 126.
 *
 * @param argv what to hand to {@link ProcessBuilder}
 * @param resetsSignals whether {@code env --default-signal} is in front
 * @param decodes whether the shell decoder is in front
 */
record Launch(List<String> argv, boolean resetsSignals, boolean decodes) {

  /** The signals a command always starts with at their defaults. */
  static final String RESET = "HUP,INT,TERM";

  /** {@link #RESET} as a mask, bit N-1 for signal N. */
  static final long RESET_MASK = (1L << 0) | (1L << 1) | (1L << 14);

  /** Bytes that pass through {@code printf %b} as themselves. */
  private static final String PLAIN =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./,:=+@%-";

  /**
   * Decides how to start {@code command}.
   *
   * @param command the command and its arguments; see {@link RawArgs} for how bytes are held
   * @param ignoredSignals the mask of signals {@code terminus} ignores now
   * @param envWithReset the path of an {@code env} that knows {@code --default-signal}, or null
   * @return the launch
   */
  static Launch of(List<String> command, long ignoredSignals, String envWithReset) {
    Charset cs = argvCharset();
    List<byte[]> bytes = new ArrayList<>();
    List<String> direct = new ArrayList<>();
    boolean decode = false;
    for (String arg : command) {
      byte[] b = RawArgs.bytes(arg);
      bytes.add(b);
      String s = new String(b, cs);
      if (!Arrays.equals(s.getBytes(cs), b)) {
        decode = true;
      }
      direct.add(s);
    }
    boolean reset = (ignoredSignals & RESET_MASK) != 0 && envWithReset != null;
    if (!reset && !decode) {
      return new Launch(direct, false, false);
    }
    List<String> argv = new ArrayList<>();
    if (reset) {
      argv.addAll(List.of(envWithReset, "--default-signal=" + RESET, "--"));
    }
    argv.add("/bin/sh");
    argv.add("-c");
    if (decode) {
      // Each argument is printf %b escapes; a trailing x keeps trailing newlines through $(...).
      argv.add(
          "for a do shift; a=$(printf '%bx' \"$a\"); set -- \"$@\" \"${a%x}\"; done; exec \"$@\"");
      argv.add("terminus");
      for (byte[] b : bytes) {
        argv.add(escape(b));
      }
    } else {
      argv.add("exec \"$@\"");
      argv.add("terminus");
      argv.addAll(direct);
    }
    return new Launch(argv, reset, decode);
  }

  /**
   * The charset the JDK encodes a child's arguments with: the default charset on JDK 17, {@code
   * sun.jnu.encoding} from JDK 18 on.
   */
  static Charset argvCharset() {
    if (Runtime.version().feature() >= 18) {
      try {
        return Charset.forName(System.getProperty("sun.jnu.encoding"));
      } catch (RuntimeException e) {
        return Charset.defaultCharset();
      }
    }
    return Charset.defaultCharset();
  }

  /** {@code printf %b} escapes for {@code b}, in ASCII. */
  static String escape(byte[] b) {
    StringBuilder out = new StringBuilder();
    for (byte x : b) {
      int c = x & 0xff;
      if (c < 128 && PLAIN.indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append(String.format(Locale.ROOT, "\\0%03o", c));
      }
    }
    return out.toString();
  }

  /**
   * Why {@code execvp} would fail to run {@code name}, looked up as it does (along {@code PATH}
   * unless the name holds a slash).
   *
   * @param name the command's name
   * @return null if it can be run (or cannot be checked from Java), else {@code "error=2, No such
   *     file or directory"} or {@code "error=13, Permission denied"}
   */
  static String problem(String name) {
    try {
      if (name.indexOf('/') >= 0) {
        return check(Path.of(name));
      }
      String path = System.getenv("PATH");
      if (path == null) {
        path = "/bin:/usr/bin";
      }
      String found = NOT_FOUND;
      for (String dir : path.split(":", -1)) {
        String p = check(Path.of(dir.isEmpty() ? "." : dir, name));
        if (p == null) {
          return null;
        }
        if (p.equals(DENIED)) {
          found = DENIED;
        }
      }
      return found;
    } catch (InvalidPathException e) {
      return null; // not representable in this JVM's charset: the helper will say
    }
  }

  private static final String NOT_FOUND = "error=2, No such file or directory";
  private static final String DENIED = "error=13, Permission denied";

  private static String check(Path p) {
    if (!Files.exists(p)) {
      return NOT_FOUND;
    }
    if (Files.isDirectory(p) || !Files.isExecutable(p)) {
      return DENIED;
    }
    return null;
  }

  /**
   * An {@code env} that knows {@code --default-signal} (coreutils 8.31 or later), found by trying.
   *
   * @return its path, or null
   */
  static String envWithReset() {
    for (String env : List.of("/usr/bin/env", "/bin/env")) {
      if (!Files.isExecutable(Path.of(env))) {
        continue;
      }
      try {
        Process p =
            new ProcessBuilder(env, "--default-signal=" + RESET, "--", "true")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        p.getOutputStream().close();
        if (p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0) {
          return env;
        }
        p.destroyForcibly();
      } catch (java.io.IOException e) {
        // try the next one
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
    return null;
  }
}
