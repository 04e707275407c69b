package dev.terminus.examples.ledger;

import static dev.terminus.examples.ledger.LedgerJar.ledgerJar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteConfig;

/**
 * A database that fails under {@code run}, in real processes on real files: the first transfer that
 * fails on the database stops the run. No further transfer starts, the one that failed is rolled
 * back, one line {@code ledger: cannot write FILE: CAUSE} goes to stderr, and the status is 74
 * (EX_IOERR), not 0 after one {@code job failed} line per transfer.
 */
class LedgerDatabaseFailureIT {
  private static final int ACCOUNTS = 10;
  private static final long BALANCE = 1000;

  @TempDir Path dir;

  private static void assertStoppedAtTheFirstJob(
      ChildResult r, Path file, String cause, long transfers) {
    assertThat(r.status()).as("%s", r).isEqualTo(74);
    assertThat(r.stderrLines())
        .as("%s", r)
        .singleElement()
        .asString()
        .startsWith("ledger: cannot write " + file + ": " + cause);
    assertThat(r.stdoutLines().stream().filter(l -> l.startsWith("job failed: ")))
        .as("%s", r)
        .hasSize(1);
    assertThat(r.stdoutLines())
        .as("%s", r)
        .noneMatch(l -> l.startsWith("begin #") || l.startsWith("done: "));
    assertThat(r.stdoutLines())
        .as("%s", r)
        .endsWith(
            "stopped: 1 of "
                + transfers
                + " job(s) run, 0 succeeded, 1 failed; "
                + (transfers - 1)
                + " not started");
  }

  private static void assertUnchanged(Path file, long transfers) throws Exception {
    LedgerDb db = LedgerDb.read(file, BALANCE);
    assertThat(db.integrity()).isEqualTo("ok");
    assertThat(db.transferIds()).hasSize((int) transfers);
    assertThat(db.begun()).isEqualTo(transfers);
    assertThat(db.total()).isEqualTo(ACCOUNTS * BALANCE);
    assertThat(db.halfApplied()).isZero();
  }

  private static Path ledger(Path d, long transfers) {
    ChildResult init =
        ledgerJar("init", d.toString(), "--accounts", "" + ACCOUNTS, "--balance", "" + BALANCE)
            .run();
    assertThat(init.status()).as("%s", init).isZero();
    if (transfers > 0) {
      ChildResult run =
          ledgerJar("run", d.toString(), "--transfers", "" + transfers, "--seed", "1").run();
      assertThat(run.status()).as("%s", run).isZero();
    }
    return LedgerStore.file(d);
  }

  /** The effective uid of this JVM: the owner of a file it has just created. */
  private int uid() throws Exception {
    Path probe = Files.createTempFile(dir, "uid", "");
    try {
      return (Integer) Files.getAttribute(probe, "unix:uid");
    } finally {
      Files.delete(probe);
    }
  }

  private static Optional<Path> onPath(String command) {
    String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
    return Stream.concat(Stream.of(path.split(File.pathSeparator)), Stream.of("/usr/bin", "/bin"))
        .filter(d -> !d.isEmpty())
        .map(d -> Path.of(d, command))
        .filter(Files::isExecutable)
        .findFirst();
  }

  @Test
  void aReadOnlyLedgerStopsTheRunAtTheFirstFailureWith74() throws Exception {
    // Root writes through chmod 444, so as root the ledger runs as uid 65534 (nobody) via setpriv.
    boolean root = uid() == 0;
    Optional<Path> setpriv = onPath("setpriv");
    assumeTrue(
        !root || setpriv.isPresent(),
        "running as root without setpriv: cannot run the ledger unprivileged");
    List<String> launcher =
        root
            ? List.of(setpriv.get().toString(), "--reuid=65534", "--regid=65534", "--clear-groups")
            : List.of();
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path ledger = dir.resolve("ro");
    Path file = ledger(ledger, 50);
    // A writable directory, where SQLite can make its -wal and -shm files; a read-only ledger file.
    Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("r--r--r--"));
    byte[] before = Files.readAllBytes(file);

    ChildResult r =
        ledgerJar("run", ledger.toString(), "--transfers", "1000", "--seed", "2")
            .launcher(launcher)
            .run();

    assertStoppedAtTheFirstJob(r, file, "[SQLITE_READONLY]", 1000);
    assertThat(Files.readAllBytes(file)).isEqualTo(before);
    assertUnchanged(file, 50);
  }

  @Test
  void aLedgerLockedByAnotherProcessStopsTheRunAtTheFirstFailureWith74() throws Exception {
    Path file = ledger(dir, 0);
    SQLiteConfig config = new SQLiteConfig();
    config.setTransactionMode(SQLiteConfig.TransactionMode.EXCLUSIVE);
    ChildResult r;
    // This JVM holds the database's write lock while the ledger runs, as `BEGIN EXCLUSIVE` would.
    try (Connection holder = config.createConnection("jdbc:sqlite:" + file)) {
      holder.setAutoCommit(false); // BEGIN EXCLUSIVE
      try (Statement s = holder.createStatement()) {
        s.executeUpdate("UPDATE ledger_meta SET value = value WHERE key = 'format'");
      }
      r = ledgerJar("run", dir.toString(), "--transfers", "5", "--seed", "1").run();
      holder.rollback();
    }

    // One failed job, then the stop: the ledger waited for the lock (busy_timeout) once, not once
    // per transfer. No timing is asserted: the machines are shared and noisy.
    assertStoppedAtTheFirstJob(r, file, "[SQLITE_BUSY]", 5);
    assertUnchanged(file, 0);
  }

  @Test
  void twoRunsOnOneLedgerWaitForEachOtherAndBothFinish() throws Exception {
    Path file = ledger(dir, 0);

    ChildProcess a = ledgerJar("run", dir.toString(), "--transfers", "300", "--seed", "1").start();
    ChildProcess b = ledgerJar("run", dir.toString(), "--transfers", "300", "--seed", "2").start();
    ChildResult ra;
    ChildResult rb;
    try {
      ra = a.await();
      rb = b.await();
    } finally {
      a.close(); // kills them if they still run
      b.close();
    }

    for (ChildResult r : List.of(ra, rb)) {
      assertThat(r.status()).as("%s", r).isZero();
      assertThat(r.stderr()).as("%s", r).isEmpty();
      assertThat(r.stdoutLines()).as("%s", r).noneMatch(l -> l.startsWith("job failed: "));
    }
    LedgerDb db = LedgerDb.read(file, BALANCE);
    assertThat(db.integrity()).isEqualTo("ok");
    assertThat(db.transferIds()).hasSize(600);
    assertThat(db.begun()).isEqualTo(600);
    assertThat(db.total()).isEqualTo(ACCOUNTS * BALANCE);
    assertThat(db.halfApplied()).isZero();
  }
}
