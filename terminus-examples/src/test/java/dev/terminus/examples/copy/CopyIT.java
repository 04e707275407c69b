package dev.terminus.examples.copy;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static dev.terminus.test.TerminusAssertions.assertThatPath;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import dev.terminus.test.Children;
import dev.terminus.test.TerminusExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The child-JVM examples of docs/testing.md, verbatim. */
@ExtendWith(TerminusExtension.class)
class CopyIT {
  @Test
  void ctrlCDuringTheCopyLeavesNoHalfWrittenFileAndExits130(Children children, @TempDir Path dir)
      throws Exception {
    Path source = Files.writeString(dir.resolve("source.txt"), "first line\nsecond line\n");
    Path target = dir.resolve("target.txt");
    ChildProcess copy =
        children
            .java(Copy.class)
            .args(source.toString(), target.toString(), "--pause-ms", "3600000")
            .start();
    copy.awaitLine("copied line 1"); // the copy now pauses for an hour before the next line

    copy.signalGroup("INT"); // Ctrl+C in a terminal

    assertThat(copy.await())
        .diedBy("INT")
        .hasStatus(130)
        .stdoutHasLines("copied line 1")
        .stderrHasLines("copy: interrupted (SIGINT)");
    assertThatPath(target).doesNotExist();
    assertThatPath(dir.resolve("target.txt.part")).doesNotExist();
  }

  @Test
  void aThirdPartysSystemExitKeepsItsStatusAndTheCleanupRuns(Children children, @TempDir Path dir)
      throws Exception {
    Path empty = Files.createFile(dir.resolve("empty.txt"));
    Path target = dir.resolve("target.txt");

    ChildResult r = children.java(Copy.class).args(empty.toString(), target.toString()).run();

    assertThat(r).exitedWith(65).stderrHasLines("validator: " + empty + " is empty");
    assertThatPath(dir.resolve("target.txt.part")).doesNotExist(); // the atExit task ran
  }

  @Test
  void aCompleteCopyRenamesThePartFile(Children children, @TempDir Path dir) throws Exception {
    Path source = Files.writeString(dir.resolve("source.txt"), "a\nb\n");
    Path target = dir.resolve("target.txt");

    ChildResult r = children.java(Copy.class).args(source.toString(), target.toString()).run();

    assertThat(r).succeeded().stdoutHasLines("copied line 1", "copied line 2", "done");
    assertThatPath(target).hasContent("a\nb\n");
    assertThatPath(dir.resolve("target.txt.part")).doesNotExist();
  }
}
