package dev.terminus.examples.docs;

import static dev.terminus.test.TerminusAssertions.assertThat;
import static dev.terminus.test.TerminusAssertions.assertThatPath;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.Children;
import dev.terminus.test.TerminusExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Runs the README's and docs/shutdown.md's samples (this package's programs) in child JVMs. */
@ExtendWith(TerminusExtension.class)
class DocProgramsIT {
  @Test
  void toolWithoutAFileIsAUsageError(Children children) {
    assertThat(children.java(Tool.class).run()).exitedWith(2).stderrHasLines("usage: tool FILE");
  }

  @Test
  void toolWritesItsLinesAndClosesTheFileOnTheWayOut(Children children, @TempDir Path dir) {
    Path out = dir.resolve("out.txt");
    assertThat(children.java(Tool.class).args(out.toString()).run()).succeeded().stderrIsEmpty();
    assertThatPath(out).hasContent("first\nsecond\n");
  }

  @Test
  void theCheckpointLoopCatchesCtrlCAndStillDiesBySigint(Children children) {
    ChildProcess c = children.java(Interruptible.class).start();
    c.awaitLine("ready").signalGroup("INT");
    assertThat(c.await())
        .diedBy("INT")
        .stdoutHasLines("ready", "User interrupted the script")
        .stderrContains("interrupted (SIGINT)");
  }

  @Test
  void theCoordinatedStopRunsItsPhasesInOrder(Children children) {
    assertThat(children.java(Services.class).run())
        .succeeded()
        .stdoutContains("serving\n")
        .stdoutContains("worker ran\n")
        .stdoutContains("marked down\ncaches persisted\noffsets committed\ndatabase closed\n");
  }

  @Test
  void theCriticalSectionCommitsTheTransfer(Children children) {
    assertThat(children.java(Transfer.class).run())
        .succeeded()
        .stdoutHasLines("debit alice 5", "credit bob 5", "committed");
  }
}
