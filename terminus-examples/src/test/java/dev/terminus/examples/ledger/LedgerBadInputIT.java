package dev.terminus.examples.ledger;

import static dev.terminus.examples.ledger.LedgerJar.ledgerJar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildResult;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input, in real processes: one line {@code ledger: ...} on stderr, nothing on stdout, a status
 * in the style of sysexits.h, and nothing overwritten or left behind.
 *
 * <p>64 EX_USAGE, 65 EX_DATAERR (not a ledger, or a damaged one), 66 EX_NOINPUT (no ledger there),
 * 73 EX_CANTCREAT (the ledger cannot be created there), 74 EX_IOERR (the database cannot be read).
 */
class LedgerBadInputIT {
  @TempDir Path dir;

  private static void assertFails(ChildResult r, int status, String line) {
    assertThat(r.status()).as("%s", r).isEqualTo(status);
    assertThat(r.stderrLines()).as("%s", r).containsExactly(line);
    assertThat(r.stdoutLines()).as("%s", r).isEmpty();
  }

  private static byte[] randomBytes() {
    byte[] b = new byte[8192];
    new Random(42).nextBytes(b);
    return b;
  }

  /** An SQLite database with a table of its own and none of the ledger's. */
  private static Path foreignDatabase(Path file) throws Exception {
    Files.createDirectories(file.getParent());
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)");
      s.execute("INSERT INTO notes (text) VALUES ('not yours')");
    }
    return file;
  }

  private static long entries(Path d) throws Exception {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  @Test
  void initIntoARegularFileIs73AndTheFileIsUnchanged() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "keep me\n");

    assertFails(
        ledgerJar("init", file.toString()).run(), 73, "ledger: " + file + " is not a directory");
    assertFails(
        ledgerJar("init", file.resolve("sub").toString()).run(),
        73,
        "ledger: cannot create directory " + file.resolve("sub") + ": Not a directory");
    assertThat(Files.readString(file)).isEqualTo("keep me\n");
    assertThat(entries(dir)).isEqualTo(1);
  }

  @Test
  void initNeverOverwritesAnExistingFile() throws Exception {
    Path foreign = Files.createDirectories(dir.resolve("a")).resolve("ledger.db");
    byte[] bytes = randomBytes();
    Files.write(foreign, bytes);

    assertFails(
        ledgerJar("init", foreign.getParent().toString()).run(),
        73,
        "ledger: " + foreign + " already exists; not overwriting it");
    assertThat(Files.readAllBytes(foreign)).isEqualTo(bytes);
    assertThat(entries(foreign.getParent())).as("no temporary file left behind").isEqualTo(1);

    Path ledger = dir.resolve("b");
    assertThat(ledgerJar("init", ledger.toString()).run().status()).isZero();
    byte[] before = Files.readAllBytes(LedgerStore.file(ledger));
    assertFails(
        ledgerJar("init", ledger.toString(), "--balance", "5").run(),
        73,
        "ledger: " + LedgerStore.file(ledger) + " already exists; not overwriting it");
    assertThat(Files.readAllBytes(LedgerStore.file(ledger))).isEqualTo(before);
  }

  @Test
  void randomBytesAreNotALedger65AndStayUnchanged() throws Exception {
    Path file = Files.createDirectories(dir.resolve("r")).resolve("ledger.db");
    byte[] bytes = randomBytes();
    Files.write(file, bytes);

    for (String command : new String[] {"run", "check"}) {
      assertFails(
          ledgerJar(command, file.getParent().toString()).run(),
          65,
          "ledger: " + file + " is not a ledger (not an SQLite database)");
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(entries(file.getParent())).as("no journal or WAL file created").isEqualTo(1);
  }

  @Test
  void anSqliteDatabaseWithoutTheLedgerTablesIs65AndStaysUnchanged() throws Exception {
    Path file = foreignDatabase(dir.resolve("f").resolve("ledger.db"));
    byte[] bytes = Files.readAllBytes(file);

    for (String command : new String[] {"run", "check"}) {
      assertFails(
          ledgerJar(command, file.getParent().toString()).run(),
          65,
          "ledger: " + file + " is not a ledger (an SQLite database without the ledger tables)");
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(bytes);
    assertThat(entries(file.getParent())).isEqualTo(1);
  }

  @Test
  void aTruncatedLedgerIsDamaged65() throws Exception {
    Path ledger = dir.resolve("t");
    assertThat(ledgerJar("init", ledger.toString(), "--accounts", "2000").run().status()).isZero();
    Path file = LedgerStore.file(ledger);
    byte[] whole = Files.readAllBytes(file);
    byte[] half = java.util.Arrays.copyOf(whole, whole.length / 2);
    Files.write(file, half);

    ChildResult r = ledgerJar("check", ledger.toString()).run();
    assertThat(r.status()).as("%s", r).isEqualTo(65);
    assertThat(r.stderrLines())
        .as("%s", r)
        .singleElement()
        .asString()
        .startsWith("ledger: " + file + " is damaged: ");
    assertThat(Files.readAllBytes(file)).isEqualTo(half);
  }

  @Test
  void aLedgerDamagedInsideIs65ForCheckAndRunAndRunWritesNothing() throws Exception {
    Path ledger = dir.resolve("d");
    assertThat(ledgerJar("init", ledger.toString()).run().status()).isZero();
    ChildResult made =
        ledgerJar("run", ledger.toString(), "--transfers", "2000", "--seed", "1").run();
    assertThat(made.status()).as("%s", made).isZero();
    Path file = LedgerStore.file(ledger);
    assertThat(Files.size(file)).as("a ~49 KB ledger").isGreaterThan(45_016);
    // 16 bytes overwritten in three places: the header is intact, pages inside are not.
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      for (long offset : new long[] {30_000, 40_000, 45_000}) {
        f.seek(offset);
        f.write(HexFormat.of().parseHex("deadbeef".repeat(4)));
      }
    }
    byte[] damaged = Files.readAllBytes(file);

    for (String[] args :
        new String[][] {
          {"check", ledger.toString()},
          {"run", ledger.toString(), "--transfers", "100", "--seed", "1"}
        }) {
      ChildResult r = ledgerJar(args).run();
      assertThat(r.status()).as("%s: %s", args[0], r).isEqualTo(65);
      assertThat(r.stderrLines())
          .as("%s: %s", args[0], r)
          .singleElement()
          .asString()
          .startsWith("ledger: " + file + " is damaged: ");
      assertThat(r.stdoutLines()).as("%s: %s", args[0], r).isEmpty(); // run: no transfer began
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
  }

  @Test
  void aMissingLedgerIs66AndNoneIsCreated() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    for (String command : new String[] {"run", "check"}) {
      assertFails(
          ledgerJar(command, empty.toString()).run(),
          66,
          "ledger: no ledger in " + empty + " (create one with: ledger init " + empty + ")");
      assertFails(
          ledgerJar(command, dir.resolve("nowhere").toString()).run(),
          66,
          "ledger: no such directory: " + dir.resolve("nowhere"));
    }
    assertThat(entries(empty)).isZero();
    assertThat(dir.resolve("nowhere")).doesNotExist();
  }

  @Test
  void anUnreadableDatabaseIs74AndStaysUnchanged() throws Exception {
    Path ledger = dir.resolve("io");
    assertThat(ledgerJar("init", ledger.toString()).run().status()).isZero();
    byte[] bytes = Files.readAllBytes(LedgerStore.file(ledger));
    // A directory where SQLite must put its write-ahead log: the database cannot be opened (even
    // as root, unlike a permission bit).
    Files.createDirectory(ledger.resolve("ledger.db-wal"));

    ChildResult r = ledgerJar("run", ledger.toString(), "--transfers", "5").run();
    assertThat(r.status()).as("%s", r).isEqualTo(74);
    assertThat(r.stderrLines())
        .as("%s", r)
        .singleElement()
        .asString()
        .startsWith("ledger: cannot read " + LedgerStore.file(ledger) + ": ");
    assertThat(Files.readAllBytes(LedgerStore.file(ledger))).isEqualTo(bytes);
  }

  @Test
  void usageErrorsAre64() {
    String all = Ledger.USAGE_INIT + " | " + Ledger.USAGE_RUN + " | " + Ledger.USAGE_CHECK;
    assertFails(ledgerJar().run(), 64, "ledger: missing command; usage: " + all);
    assertFails(ledgerJar("frob", "x").run(), 64, "ledger: unknown command 'frob'; usage: " + all);
    assertFails(
        ledgerJar("run").run(), 64, "ledger: missing directory; usage: " + Ledger.USAGE_RUN);
    assertFails(
        ledgerJar("run", dir.toString(), "--transfers", "many").run(),
        64,
        "ledger: --transfers wants a number, not 'many'; usage: " + Ledger.USAGE_RUN);
    assertFails(
        ledgerJar("check", dir.toString(), "--unsafe").run(),
        64,
        "ledger: unknown option '--unsafe'; usage: " + Ledger.USAGE_CHECK);
    assertFails(
        ledgerJar("init", dir.resolve("x").toString(), "--accounts", "1").run(),
        64,
        "ledger: --accounts must be between 2 and 1000000, not 1; usage: " + Ledger.USAGE_INIT);
    assertThat(dir.resolve("x")).doesNotExist();
  }
}
