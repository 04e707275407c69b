package dev.terminus.examples.ledger;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a ledger file holds, read by the test with its own SQL, independent of the code under test.
 */
record LedgerDb(
    String integrity,
    Map<Long, Long> balances,
    Set<Long> transferIds,
    long begun,
    long total,
    long halfApplied) {

  /**
   * Opens {@code file} (SQLite recovers an interrupted transaction on this open) and reads it.
   * {@code halfApplied} counts the accounts whose balance is not {@code initial} plus what the
   * committed transfers brought in minus what they took out.
   */
  static LedgerDb read(Path file, long initial) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = c.createStatement()) {
      String integrity;
      try (ResultSet r = s.executeQuery("PRAGMA integrity_check")) {
        r.next();
        integrity = r.getString(1);
      }
      Map<Long, Long> balances = new HashMap<>();
      Map<Long, Long> expected = new HashMap<>();
      long total = 0;
      try (ResultSet r = s.executeQuery("SELECT id, balance FROM accounts")) {
        while (r.next()) {
          balances.put(r.getLong(1), r.getLong(2));
          expected.put(r.getLong(1), initial);
          total += r.getLong(2);
        }
      }
      Set<Long> ids = new TreeSet<>();
      try (ResultSet r = s.executeQuery("SELECT id, source, target, amount FROM transfers")) {
        while (r.next()) {
          ids.add(r.getLong(1));
          expected.merge(r.getLong(2), -r.getLong(4), Long::sum);
          expected.merge(r.getLong(3), r.getLong(4), Long::sum);
        }
      }
      long begun;
      try (ResultSet r =
          s.executeQuery("SELECT value FROM ledger_meta WHERE key = 'transfers_begun'")) {
        r.next();
        begun = r.getLong(1);
      }
      long half =
          expected.entrySet().stream()
              .filter(e -> !e.getValue().equals(balances.get(e.getKey())))
              .count();
      return new LedgerDb(integrity, balances, ids, begun, total, half);
    }
  }
}
