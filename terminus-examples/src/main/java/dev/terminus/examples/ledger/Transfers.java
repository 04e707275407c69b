package dev.terminus.examples.ledger;

import dev.terminus.Exit;
import dev.terminus.Terminus;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Random;

/**
 * The ledger's jobs: random transfers between accounts, handed one by one to the {@link JobRunner}.
 * Each transfer prints {@code begin #id}, then {@code commit #id} or {@code rollback #id} (safe
 * mode), so that every transfer that began can be accounted for.
 *
 * <p>The first transfer that fails with an {@link SQLException} (the database is read-only, locked,
 * failing or damaged) is the last one handed out: {@link #hasNext()} then says no, outside the
 * framework's catch-all, and {@link #failure()} says why. In safe mode the failed transfer is
 * rolled back before the framework's commit.
 */
final class Transfers implements Iterator<JobRunner.Job> {
  /** The status a detected double spend exits with. */
  static final int DOUBLE_SPEND = 3;

  private final LedgerStore store;
  private final PrintStream out;
  private final Random random;
  private final long count;
  private final boolean unsafe;
  private final boolean checkpoints;
  private final long doubleSpendAt;
  private final int accounts;
  private long handed;
  private LedgerException failure;

  /**
   * @param count how many transfers to hand out; negative for no end
   * @param unsafe whether to transfer without a critical section, leaving the commit to the
   *     framework, as the seed's script did
   * @param checkpoints whether {@link #hasNext()} calls {@link Exit#checkpoint()}
   * @param doubleSpendAt the id of the transfer that spends more than its source holds; 0 for none
   */
  Transfers(
      LedgerStore store,
      PrintStream out,
      long seed,
      long count,
      boolean unsafe,
      boolean checkpoints,
      long doubleSpendAt)
      throws SQLException {
    this.store = store;
    this.out = out;
    this.random = new Random(seed);
    this.count = count;
    this.unsafe = unsafe;
    this.checkpoints = checkpoints;
    this.doubleSpendAt = doubleSpendAt;
    this.accounts = store.accounts();
  }

  // tag::checkpoint[]
  @Override
  public boolean hasNext() {
    if (checkpoints) {
      Exit.checkpoint(); // an exit request, even one the framework swallowed, ends the loop here
    }
    return failure == null && (count < 0 || handed < count); // a database failure ends it too
  }

  // end::checkpoint[]

  @Override
  public JobRunner.Job next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    handed++;
    JobRunner.Job transfer = unsafe ? this::transferUnsafely : this::transferSafely;
    return db -> {
      try {
        transfer.run(db);
      } catch (SQLException e) { // the database failed: this is the last transfer handed out
        failure = store.failure(e, "write");
        if (!unsafe) {
          try {
            db.rollback(); // whatever the failed transfer left, the framework's commit finds
            // nothing
          } catch (SQLException again) {
            e.addSuppressed(again);
          }
        }
        throw e;
      }
    };
  }

  /** How many transfers were handed to the framework. */
  long handed() {
    return handed;
  }

  /**
   * The database failure that ended the run, as the ledger reports it (65 for a damaged file, 74
   * otherwise); null while none occurred.
   */
  LedgerException failure() {
    return failure;
  }

  // tag::safe[]
  /** Safe mode: no transfer starts, and none commits, once an exit has been requested. */
  @SuppressWarnings("try")
  void transferSafely(Connection db) throws SQLException {
    try (var section = Terminus.critical("transfer")) { // refused once an exit is requested
      long id = store.begin(); // transfers_begun + 1, committed on its own
      out.println("begin #" + id);
      boolean committed = false;
      try {
        move(id); // debit, double-spend check, credit, record
        db.commit();
        committed = true;
        out.println("commit #" + id);
      } finally {
        if (!committed) {
          db.rollback(); // before the exception leaves the section: the framework commits nothing
          out.println("rollback #" + id);
        }
      }
    }
  }

  // end::safe[]

  // tag::unsafe[]
  /** {@code --unsafe}: the seed's script. The framework commits after the job, come what may. */
  void transferUnsafely(Connection db) throws SQLException {
    long id = store.begin();
    out.println("begin #" + id);
    move(id);
  }

  // end::unsafe[]

  // tag::move[]
  private void move(long id) throws SQLException {
    long source = 1 + random.nextInt(accounts);
    long balance = store.balance(source);
    if (balance <= 0) {
      long[] richest = store.richest();
      source = richest[0];
      balance = richest[1];
    }
    long target = 1 + random.nextInt(accounts - 1);
    if (target >= source) {
      target++;
    }
    long amount = 1 + random.nextInt((int) Math.min(balance, 100));
    if (id == doubleSpendAt) {
      amount = balance + 1; // replays a payment: spends money the account no longer has
    }
    store.add(source, -amount); // debit
    if (store.balance(source) < 0) { // the double-spend check, between the debit and the credit
      throw Exit.now(DOUBLE_SPEND, "double spend detected in transfer #" + id);
    }
    store.add(target, amount); // credit
    store.record(id, source, target, amount);
  }
  // end::move[]
}
