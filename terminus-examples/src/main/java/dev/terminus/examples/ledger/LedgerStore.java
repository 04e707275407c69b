package dev.terminus.examples.ledger;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteOpenMode;

/**
 * The ledger's database: {@code ledger.db} in a directory the user names, an SQLite file with three
 * tables.
 *
 * <pre>
 * ledger_meta (key TEXT PRIMARY KEY, value INTEGER)   format = 1, initial_total, transfers_begun
 * accounts    (id INTEGER PRIMARY KEY, initial INTEGER, balance INTEGER)
 * transfers   (id INTEGER PRIMARY KEY, source INTEGER, target INTEGER, amount INTEGER)
 * </pre>
 *
 * <p>The invariants: the balances add up to {@code initial_total}; each account's balance is its
 * initial balance plus what the transfers brought in minus what they took out; no transfer id is
 * above {@code transfers_begun}, a counter committed in its own transaction before each transfer's
 * transaction starts.
 *
 * <p>Opening never creates or changes a file that is not a ledger: the checks run on a connection
 * that may not create the file and that writes nothing until the file has proved to be a ledger.
 */
final class LedgerStore implements AutoCloseable {
  static final String FILE = "ledger.db";
  static final int FORMAT = 1;

  private final Path file;
  private final Connection db;

  private LedgerStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  /** The ledger file in {@code dir}. */
  static Path file(Path dir) {
    return dir.resolve(FILE);
  }

  /**
   * Creates a ledger in {@code dir}, creating the directory if needed. Never overwrites: when
   * {@code dir/ledger.db} exists, whatever it holds, nothing is written. The database is built in a
   * temporary file beside it and linked into place only when complete, so an interrupted {@code
   * init} leaves no half-made ledger.
   *
   * @throws LedgerException 73 (EX_CANTCREAT) when the ledger cannot be created there
   */
  static void create(Path dir, int accounts, long balance) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new LedgerException(LedgerException.CANTCREAT, dir + " is not a directory");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LedgerException(
          LedgerException.CANTCREAT, "cannot create directory " + dir + ": " + reason(e), e);
    }
    Path target = file(dir);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new LedgerException(
          LedgerException.CANTCREAT, target + " already exists; not overwriting it");
    }
    Path tmp;
    try {
      tmp = Files.createTempFile(dir, ".ledger-", ".db.tmp");
    } catch (IOException e) {
      throw new LedgerException(
          LedgerException.CANTCREAT, "cannot write in " + dir + ": " + reason(e), e);
    }
    try {
      try (Connection c = connect(tmp, true)) {
        try (Statement s = c.createStatement()) {
          s.execute("PRAGMA journal_mode=WAL"); // stays in the file: every later open uses WAL
        }
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
          s.execute("CREATE TABLE ledger_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
          s.execute(
              "CREATE TABLE accounts (id INTEGER PRIMARY KEY, initial INTEGER NOT NULL,"
                  + " balance INTEGER NOT NULL)");
          s.execute(
              "CREATE TABLE transfers (id INTEGER PRIMARY KEY,"
                  + " source INTEGER NOT NULL REFERENCES accounts(id),"
                  + " target INTEGER NOT NULL REFERENCES accounts(id),"
                  + " amount INTEGER NOT NULL CHECK (amount > 0))");
        }
        try (PreparedStatement meta = c.prepareStatement("INSERT INTO ledger_meta VALUES (?, ?)")) {
          meta.setString(1, "format");
          meta.setLong(2, FORMAT);
          meta.executeUpdate();
          meta.setString(1, "initial_total");
          meta.setLong(2, accounts * balance);
          meta.executeUpdate();
          meta.setString(1, "transfers_begun");
          meta.setLong(2, 0);
          meta.executeUpdate();
        }
        try (PreparedStatement a = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?)")) {
          for (int id = 1; id <= accounts; id++) {
            a.setInt(1, id);
            a.setLong(2, balance);
            a.setLong(3, balance);
            a.addBatch();
          }
          a.executeBatch();
        }
        c.commit();
      }
      place(tmp, target);
    } catch (SQLException e) {
      throw new LedgerException(
          LedgerException.CANTCREAT, "cannot create " + target + ": " + e.getMessage(), e);
    } finally {
      for (String suffix : new String[] {"", "-wal", "-shm", "-journal"}) {
        try {
          Files.deleteIfExists(Path.of(tmp + suffix));
        } catch (IOException ignored) {
          // best effort: a stray temporary file is not a ledger and is never read
        }
      }
    }
  }

  /** Moves the finished database into place; fails, writing nothing, if the target exists. */
  private static void place(Path tmp, Path target) {
    try {
      Files.createLink(target, tmp); // link(2) refuses an existing name, atomically
    } catch (FileAlreadyExistsException e) {
      throw new LedgerException(
          LedgerException.CANTCREAT, target + " already exists; not overwriting it", e);
    } catch (IOException | UnsupportedOperationException e) {
      try {
        Files.move(tmp, target); // no hard links here: refuses an existing target, not atomically
      } catch (FileAlreadyExistsException e2) {
        throw new LedgerException(
            LedgerException.CANTCREAT, target + " already exists; not overwriting it", e2);
      } catch (IOException e2) {
        throw new LedgerException(
            LedgerException.CANTCREAT, "cannot create " + target + ": " + reason(e2), e2);
      }
    }
  }

  /**
   * Opens the ledger in {@code dir} for reading and writing.
   *
   * @throws LedgerException 66 (EX_NOINPUT) when there is no ledger, 65 (EX_DATAERR) when the file
   *     is not a ledger or is damaged, 74 (EX_IOERR) when reading it fails
   */
  static LedgerStore open(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new LedgerException(
          LedgerException.NOINPUT,
          Files.exists(dir) ? dir + " is not a directory" : "no such directory: " + dir);
    }
    Path f = file(dir);
    if (!Files.exists(f)) {
      throw new LedgerException(
          LedgerException.NOINPUT,
          "no ledger in " + dir + " (create one with: ledger init " + dir + ")");
    }
    if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
      throw new LedgerException(LedgerException.NOINPUT, "cannot read " + f);
    }
    Connection c;
    try {
      c = connect(f, false);
    } catch (SQLException e) {
      throw failure(f, e);
    }
    try {
      verify(f, c);
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA busy_timeout=5000");
        // WAL with synchronous=NORMAL: a commit is atomic and survives the process being killed at
        // any moment; only a power cut may lose the last commits, never half of one.
        s.execute("PRAGMA synchronous=NORMAL");
      }
      c.setAutoCommit(false);
      return new LedgerStore(f, c);
    } catch (SQLException | RuntimeException e) {
      try {
        c.close();
      } catch (SQLException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof SQLException ? failure(f, (SQLException) e) : (RuntimeException) e;
    }
  }

  /** Reads the schema; writes nothing. */
  private static void verify(Path f, Connection c) throws SQLException {
    Set<String> tables = new HashSet<>();
    try (Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      while (r.next()) {
        tables.add(r.getString(1));
      }
    }
    if (!tables.containsAll(Set.of("ledger_meta", "accounts", "transfers"))) {
      throw new LedgerException(
          LedgerException.DATAERR,
          f + " is not a ledger (an SQLite database without the ledger tables)");
    }
    Long format = meta(c, "format");
    if (format == null || format != FORMAT) {
      throw new LedgerException(
          LedgerException.DATAERR,
          f + " is not a ledger of format " + FORMAT + " (format " + format + ")");
    }
  }

  private static LedgerException failure(Path f, SQLException e) {
    return failure(f, e, "read");
  }

  /**
   * What a failure of the database means for the ledger: 65 (EX_DATAERR) naming the file when
   * SQLite finds it damaged ({@code SQLITE_CORRUPT}) or not a database ({@code SQLITE_NOTADB}),
   * wherever that happens; 74 (EX_IOERR) naming the file for any other failure (read-only, busy or
   * locked, disk I/O, disk full, ...).
   *
   * @param access what failed, {@code "read"} or {@code "write"}, for the message
   */
  private static LedgerException failure(Path f, SQLException e, String access) {
    int code = e.getErrorCode() & 0xff;
    if (code == 26) { // SQLITE_NOTADB
      return new LedgerException(
          LedgerException.DATAERR, f + " is not a ledger (not an SQLite database)", e);
    }
    if (code == 11) { // SQLITE_CORRUPT
      return new LedgerException(LedgerException.DATAERR, f + " is damaged: " + e.getMessage(), e);
    }
    return new LedgerException(
        LedgerException.IOERR, "cannot " + access + " " + f + ": " + e.getMessage(), e);
  }

  /** {@link #failure(Path, SQLException, String)} for this ledger's file. */
  LedgerException failure(SQLException e, String access) {
    return failure(file, e, access);
  }

  private static Connection connect(Path f, boolean create) throws SQLException {
    SQLiteConfig config = new SQLiteConfig();
    if (!create) {
      config.resetOpenMode(SQLiteOpenMode.CREATE); // a missing file stays missing
    }
    return config.createConnection("jdbc:sqlite:" + f);
  }

  private static Long meta(Connection c, String key) throws SQLException {
    try (PreparedStatement p = c.prepareStatement("SELECT value FROM ledger_meta WHERE key = ?")) {
      p.setString(1, key);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : null;
      }
    }
  }

  private static String reason(IOException e) {
    String type = e.getClass().getSimpleName();
    if (e instanceof java.nio.file.FileSystemException) {
      String r = ((java.nio.file.FileSystemException) e).getReason();
      if (r != null) {
        return r;
      }
      return type.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
    }
    return e.getMessage() != null ? e.getMessage() : type;
  }

  Path file() {
    return file;
  }

  Connection connection() {
    return db;
  }

  /**
   * Counts a transfer as begun in its own committed transaction and returns its id, so that a
   * transfer id in the {@code transfers} table is never above {@code transfers_begun}; then starts
   * the transfer's transaction holding the database's write lock.
   *
   * <p>Both transactions take the write lock before they read, waiting for it up to the busy
   * timeout (5 s) while another process holds it. A transaction that read first and wrote second
   * would get {@code SQLITE_BUSY} at once, without waiting: SQLite does not call its busy handler
   * for a transaction that already reads, and cannot upgrade one whose snapshot is stale.
   */
  long begin() throws SQLException {
    try (Statement s = db.createStatement()) {
      // The first statement of the transaction the driver began after the last commit: it writes,
      // so it waits for the lock.
      s.executeUpdate("UPDATE ledger_meta SET value = value + 1 WHERE key = 'transfers_begun'");
    }
    long id = meta(db, "transfers_begun");
    db.commit();
    try (Statement s = db.createStatement()) {
      s.execute("COMMIT"); // the empty transaction the driver began after that commit
      try {
        s.execute("BEGIN IMMEDIATE"); // the transfer's transaction, with the write lock
      } catch (SQLException e) {
        try {
          s.execute("BEGIN"); // a transaction open again, as the driver expects one to be
        } catch (SQLException again) {
          e.addSuppressed(again);
        }
        throw e;
      }
    }
    return id;
  }

  long balance(long account) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT balance FROM accounts WHERE id = ?")) {
      p.setLong(1, account);
      try (ResultSet r = p.executeQuery()) {
        if (!r.next()) {
          throw new SQLException("no account " + account);
        }
        return r.getLong(1);
      }
    }
  }

  /** The richest account, as {@code {id, balance}}. */
  long[] richest() throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery("SELECT id, balance FROM accounts ORDER BY balance DESC LIMIT 1")) {
      r.next();
      return new long[] {r.getLong(1), r.getLong(2)};
    }
  }

  int accounts() throws SQLException {
    int accounts;
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM accounts")) {
      r.next();
      accounts = r.getInt(1);
    }
    db.rollback(); // read only: end the read transaction, so the first transfer waits for the lock
    return accounts;
  }

  /** Adds {@code delta} to an account's balance. */
  void add(long account, long delta) throws SQLException {
    try (PreparedStatement p =
        db.prepareStatement("UPDATE accounts SET balance = balance + ? WHERE id = ?")) {
      p.setLong(1, delta);
      p.setLong(2, account);
      if (p.executeUpdate() != 1) {
        throw new SQLException("no account " + account);
      }
    }
  }

  void record(long id, long source, long target, long amount) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("INSERT INTO transfers VALUES (?, ?, ?, ?)")) {
      p.setLong(1, id);
      p.setLong(2, source);
      p.setLong(3, target);
      p.setLong(4, amount);
      p.executeUpdate();
    }
  }

  /** What {@code ledger check} reports. */
  record Report(
      int accounts,
      long total,
      long initialTotal,
      long transfers,
      long begun,
      long disagreeing,
      long negative,
      long aboveBegun) {
    boolean consistent() {
      return total == initialTotal && disagreeing == 0 && negative == 0 && aboveBegun == 0;
    }
  }

  /**
   * Checks the whole file ({@code PRAGMA integrity_check}), then reads the ledger's invariants.
   *
   * @throws LedgerException 65 (EX_DATAERR) when the file is damaged
   */
  Report check() throws SQLException {
    requireIntact("integrity_check");
    long begun = meta(db, "transfers_begun");
    long initialTotal = meta(db, "initial_total");
    try (Statement s = db.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT (SELECT count(*) FROM accounts),"
                    + " (SELECT coalesce(sum(balance), 0) FROM accounts),"
                    + " (SELECT count(*) FROM transfers),"
                    + " (SELECT count(*) FROM accounts a WHERE a.balance != a.initial"
                    + "   - (SELECT coalesce(sum(amount), 0) FROM transfers t WHERE t.source = a.id)"
                    + "   + (SELECT coalesce(sum(amount), 0) FROM transfers t WHERE t.target = a.id)),"
                    + " (SELECT count(*) FROM accounts WHERE balance < 0),"
                    + " (SELECT count(*) FROM transfers WHERE id > "
                    + begun
                    + ")")) {
      r.next();
      Report report =
          new Report(
              r.getInt(1),
              r.getLong(2),
              initialTotal,
              r.getLong(3),
              begun,
              r.getLong(4),
              r.getLong(5),
              r.getLong(6));
      db.rollback(); // read only: end the read transaction
      return report;
    }
  }

  /**
   * Runs {@code PRAGMA quick_check} or {@code PRAGMA integrity_check} and ends the read.
   *
   * @throws LedgerException 65 (EX_DATAERR) naming the file and the first problem SQLite found
   */
  void requireIntact(String pragma) throws SQLException {
    List<String> problems = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("PRAGMA " + pragma)) {
      while (r.next()) {
        String line = r.getString(1);
        if (!line.startsWith("*** in database ")) { // a heading, not a problem
          problems.add(line);
        }
      }
    }
    db.rollback(); // read only: end the read transaction
    if (!problems.equals(List.of("ok"))) {
      throw new LedgerException(
          LedgerException.DATAERR,
          file
              + " is damaged: "
              + pragma
              + ": "
              + (problems.isEmpty() ? "no result" : problems.get(0))
              + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      db.rollback(); // nothing is committed on the way out: a transfer not yet committed is undone
    } finally {
      db.close();
    }
  }
}
