package dev.terminus.examples.ledger;

import dev.terminus.test.ChildProcess;
import java.nio.file.Path;

/** The ledger under test: {@code target/ledger.jar}, built by the package phase. */
final class LedgerJar {
  private LedgerJar() {}

  /** {@code java -jar target/ledger.jar ARGS}, to start as a child process. */
  static ChildProcess.Builder ledgerJar(String... args) {
    String jar = System.getProperty("terminus.test.jar");
    if (jar == null) {
      throw new IllegalStateException(
          "run with -Dterminus.test.jar=.../ledger.jar (mvn verify does)");
    }
    return ChildProcess.jar(Path.of(jar)).args(args);
  }
}
