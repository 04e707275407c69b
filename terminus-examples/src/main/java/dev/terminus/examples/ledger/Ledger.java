package dev.terminus.examples.ledger;

import dev.terminus.Terminus;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A ledger: accounts and transfers in an embedded SQLite database, {@code DIR/ledger.db}.
 *
 * <pre>
 * ledger init DIR [--accounts N] [--balance B]
 * ledger run DIR [--transfers N|forever] [--unsafe] [--no-checkpoint] [--double-spend-at K] [--seed S]
 * ledger check DIR
 * </pre>
 *
 * <p>{@code run} moves money in a loop inside a naive job framework ({@link JobRunner}) that
 * catches {@code Throwable} around each job. Each transfer is one transaction. By default it runs
 * inside {@code Terminus.critical("transfer")}: no transfer starts or commits after an exit request
 * (Ctrl+C, SIGTERM, the double-spend check), even though the framework swallows the exception.
 * {@code --unsafe} reproduces the seed's failure: no critical section and no checkpoint, so the
 * framework commits a transfer that the double-spend check stopped halfway, and carries on
 * committing transfers after the exit request. {@code --no-checkpoint} keeps the critical section
 * but drops the checkpoint from the loop: the section alone still refuses every later transfer.
 *
 * <p>When the database fails, {@code run} stops at the first failure. The first transfer that fails
 * with an {@code SQLException} (the file is read-only, another process holds the write lock for
 * longer than the 5 s busy timeout, a disk I/O error, a full disk, a damaged file) is the last one:
 * no further transfer starts, the failed one is rolled back, and the ledger stays consistent (under
 * {@code --unsafe} the framework commits whatever a failed job left, as always). {@code run} then
 * prints {@code stopped: K of N job(s) run, S succeeded, F failed; R not started} and one line on
 * stderr naming the file and the cause, and exits 74, or 65 if SQLite found the file damaged
 * ({@code SQLITE_CORRUPT}, {@code SQLITE_NOTADB}). Before its first transfer {@code run} checks the
 * file ({@code PRAGMA quick_check}) and refuses a damaged ledger with 65, writing nothing. Each
 * transaction takes the write lock before it reads, so a lock that another process holds briefly (a
 * second {@code run}, say) is waited for, not fatal.
 *
 * <p>Exit statuses: 0 done; 1 {@code check} found the ledger inconsistent; 3 a double spend was
 * detected; 64 usage; 65 the file is not a ledger, or is damaged ({@code SQLITE_CORRUPT} or {@code
 * SQLITE_NOTADB} wherever it occurs, or {@code PRAGMA integrity_check} / {@code quick_check} not
 * ok), with the file's name; 66 no ledger there; 73 the ledger cannot be created there; 74 reading
 * or writing the database failed (read-only, busy or locked beyond 5 s, disk I/O, disk full), with
 * the file's name; 130 / 143 / 129 ended by SIGINT / SIGTERM / SIGHUP after finishing the transfer
 * in flight.
 */
public final class Ledger {
  static final String USAGE_INIT = "ledger init DIR [--accounts N] [--balance B]";
  static final String USAGE_RUN =
      "ledger run DIR [--transfers N|forever] [--unsafe] [--no-checkpoint] [--double-spend-at K]"
          + " [--seed S]";
  static final String USAGE_CHECK = "ledger check DIR";

  private Ledger() {}

  // tag::main[]
  public static void main(String[] args) {
    Terminus.builder()
        .name("ledger")
        .map(SQLException.class, LedgerException.IOERR) // anything the checks did not name: 74
        .build()
        .run(args, Ledger::command);
  }

  // end::main[]

  static void command(String[] args) throws SQLException {
    PrintStream out = System.out;
    if (args.length == 1 && List.of("-h", "--help", "help").contains(args[0])) {
      out.println("usage: " + USAGE_INIT);
      out.println("       " + USAGE_RUN);
      out.println("       " + USAGE_CHECK);
      return;
    }
    if (args.length == 0) {
      throw usage("missing command", USAGE_INIT + " | " + USAGE_RUN + " | " + USAGE_CHECK);
    }
    switch (args[0]) {
      case "init":
        init(args, out);
        break;
      case "run":
        run(args, out);
        break;
      case "check":
        check(args, out);
        break;
      default:
        throw usage(
            "unknown command '" + args[0] + "'",
            USAGE_INIT + " | " + USAGE_RUN + " | " + USAGE_CHECK);
    }
  }

  private static void init(String[] args, PrintStream out) {
    Map<String, String> o = options(args, USAGE_INIT, Set.of("accounts", "balance"), Set.of());
    Path dir = Path.of(args[1]);
    int accounts = (int) number(o, "accounts", 10, 2, 1_000_000, USAGE_INIT);
    long balance = number(o, "balance", 1000, 1, 1_000_000_000L, USAGE_INIT);
    LedgerStore.create(dir, accounts, balance);
    out.println(
        "created "
            + LedgerStore.file(dir)
            + ": "
            + accounts
            + " accounts of "
            + balance
            + ", total "
            + accounts * balance);
  }

  private static void run(String[] args, PrintStream out) throws SQLException {
    Map<String, String> o =
        options(
            args,
            USAGE_RUN,
            Set.of("transfers", "double-spend-at", "seed"),
            Set.of("unsafe", "no-checkpoint"));
    long transfers =
        "forever".equals(o.get("transfers"))
            ? -1
            : number(o, "transfers", 1000, 0, Long.MAX_VALUE, USAGE_RUN);
    long doubleSpendAt = number(o, "double-spend-at", 0, 1, Long.MAX_VALUE, USAGE_RUN);
    long seed = number(o, "seed", System.nanoTime(), Long.MIN_VALUE, Long.MAX_VALUE, USAGE_RUN);
    boolean unsafe = o.containsKey("unsafe");

    LedgerStore store = LedgerStore.open(Path.of(args[1]));
    Terminus.atExit("ledger database", store); // closed last, after the transfer in flight
    try {
      store.requireIntact("quick_check"); // a damaged ledger is refused before anything is written
      out.println(
          "running "
              + (transfers < 0 ? "transfers until stopped" : transfers + " transfers")
              + " on "
              + store.file()
              + (unsafe ? " (unsafe: no critical section)" : ""));
      Transfers jobs =
          new Transfers(
              store,
              out,
              seed,
              transfers,
              unsafe,
              !unsafe && !o.containsKey("no-checkpoint"),
              doubleSpendAt);
      int failed = new JobRunner(store.connection(), out).runAll(jobs);
      LedgerException failure = jobs.failure();
      if (failure != null) { // the first transfer that failed on the database stopped the run
        long handed = jobs.handed();
        out.println(
            "stopped: "
                + handed
                + (transfers < 0 ? "" : " of " + transfers)
                + " job(s) run, "
                + (handed - failed)
                + " succeeded, "
                + failed
                + " failed"
                + (transfers < 0 ? "" : "; " + (transfers - handed) + " not started"));
        throw failure;
      }
      LedgerStore.Report r = store.check();
      out.println(
          "done: "
              + failed
              + " job(s) failed; "
              + r.transfers()
              + " transfers in the ledger;"
              + " total "
              + r.total()
              + " (initial "
              + r.initialTotal()
              + ")");
    } catch (SQLException e) { // reading failed: 65 naming the file if it is damaged, else 74
      throw store.failure(e, "read");
    }
  }

  private static void check(String[] args, PrintStream out) throws SQLException {
    options(args, USAGE_CHECK, Set.of(), Set.of());
    try (LedgerStore store = LedgerStore.open(Path.of(args[1]))) {
      LedgerStore.Report r;
      try {
        r = store.check(); // 65 when PRAGMA integrity_check finds the file damaged
      } catch (SQLException e) { // 65 naming the file if it is damaged, else 74
        throw store.failure(e, "read");
      }
      out.println("ledger: " + store.file());
      out.println("accounts: " + r.accounts());
      out.println("total: " + r.total() + " (initial " + r.initialTotal() + ")");
      out.println("transfers committed: " + r.transfers());
      out.println("transfers begun: " + r.begun());
      out.println("integrity: ok");
      out.println("accounts disagreeing with the transfers: " + r.disagreeing());
      out.println("negative balances: " + r.negative());
      out.println("consistent: " + (r.consistent() ? "yes" : "no"));
      if (!r.consistent()) {
        throw new LedgerException(LedgerException.INCONSISTENT, store.file() + " is inconsistent");
      }
    }
  }

  /** Parses {@code --name value} and {@code --flag} options after {@code COMMAND DIR}. */
  private static Map<String, String> options(
      String[] args, String usage, Set<String> valued, Set<String> flags) {
    if (args.length < 2 || args[1].startsWith("--")) {
      throw usage("missing directory", usage);
    }
    Map<String, String> o = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      String name = a.startsWith("--") ? a.substring(2) : null;
      if (name != null && flags.contains(name)) {
        o.put(name, "");
      } else if (name != null && valued.contains(name)) {
        if (i + 1 >= args.length) {
          throw usage("option " + a + " needs a value", usage);
        }
        o.put(name, args[++i]);
      } else if (name != null) {
        throw usage("unknown option '" + a + "'", usage);
      } else {
        throw usage("unexpected argument '" + a + "'", usage);
      }
    }
    return o;
  }

  private static long number(
      Map<String, String> o, String name, long fallback, long min, long max, String usage) {
    String v = o.get(name);
    if (v == null) {
      return fallback;
    }
    long n;
    try {
      n = Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw usage("--" + name + " wants a number, not '" + v + "'", usage);
    }
    if (n < min || n > max) {
      throw usage("--" + name + " must be between " + min + " and " + max + ", not " + n, usage);
    }
    return n;
  }

  private static LedgerException usage(String problem, String usage) {
    return new LedgerException(LedgerException.USAGE, problem + "; usage: " + usage);
  }
}
