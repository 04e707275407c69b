package dev.terminus.examples.copy;

import dev.terminus.Exit;
import dev.terminus.Runner;
import dev.terminus.Terminus;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * {@code copy SOURCE TARGET [--pause-ms N]}: copies a text file line by line through {@code
 * TARGET.part}, renamed to {@code TARGET} only when the copy is complete, so a stop at any moment
 * leaves no half-written target and no part file. {@code --pause-ms} pauses after each line, to
 * copy gently on a busy disk. The program of docs/testing.md.
 */
public final class Copy {
  private Copy() {}

  /** Named {@code copy} in messages; a missing source is {@code EX_NOINPUT} (66), in one line. */
  public static final Runner RUNNER =
      Terminus.builder().name("copy").map(NoSuchFileException.class, 66).build();

  public static void main(String[] args) {
    RUNNER.run(args, Copy::copy);
  }

  static void copy(String[] args) throws Exception {
    if (args.length != 2 && !(args.length == 4 && args[2].equals("--pause-ms"))) {
      throw Exit.now(64, "usage: copy SOURCE TARGET [--pause-ms N]");
    }
    long pause = args.length == 4 ? Long.parseLong(args[3]) : 0;
    Path source = Path.of(args[0]);
    Path target = Path.of(args[1]);
    Path partial = target.resolveSibling(target.getFileName() + ".part");
    Terminus.atExit("partial file", () -> Files.deleteIfExists(partial));
    try (BufferedReader in = Files.newBufferedReader(source);
        BufferedWriter out = Files.newBufferedWriter(partial)) {
      Validator.check(source);
      int n = 0;
      for (String line; (line = in.readLine()) != null; ) {
        out.write(line);
        out.newLine();
        System.out.println("copied line " + ++n);
        Thread.sleep(pause); // interrupted by Ctrl+C: the copy unwinds
      }
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    System.out.println("done");
  }
}
