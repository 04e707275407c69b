package dev.terminus.cli;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.Children;
import dev.terminus.test.TerminusExtension;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every child-process test of the command starts from: a directory of its own, and the kit's
 * {@link Children}, which kill whatever a test left running and fail that test.
 */
@ExtendWith(TerminusExtension.class)
abstract class CliProcessTest {
  @TempDir Path dir;
  Children children;

  @BeforeEach
  void children(Children children) {
    this.children = children;
  }

  /** Starts {@code java -jar terminus.jar ARGS} in the test's directory. */
  ChildProcess terminus(String... args) {
    return start(TerminusJar.command(args));
  }

  /** Starts {@code cmd} in the test's directory, every signal at its default disposition. */
  ChildProcess start(List<String> cmd) {
    return children.command(cmd).directory(dir).start();
  }
}
