package dev.terminus.examples.docs;

import static dev.terminus.examples.docs.Lines.lines;

import dev.terminus.Exit;
import dev.terminus.Terminus;

public final class Tool {
  public static void main(String[] args) {
    Terminus.run(args, a -> {
      if (a.length == 0) throw Exit.now(2, "usage: tool FILE");
      var out = java.nio.file.Files.newBufferedWriter(java.nio.file.Path.of(a[0]));
      Terminus.atExit("output", out);            // closed on every graceful path
      for (String line : lines()) {
        Exit.checkpoint();                        // stops promptly on Ctrl+C or an exit request
        out.write(line);
      }
    });
  }
}
