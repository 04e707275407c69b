package dev.terminus.examples.ledger;

import static dev.terminus.examples.ledger.LedgerDoubleSpendIT.ids;
import static dev.terminus.examples.ledger.LedgerJar.ledgerJar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger runs transfers until the test sends SIGTERM, SIGINT or SIGKILL at a random moment
 * after the first transfer began; then the database is checked. 100 runs by default, 1000 with
 * {@code -Psoak} ({@code -Dledger.soak.runs=N}); {@code -Dledger.soak.seed=S} replays a soak.
 *
 * <p>After every run: the database opens cleanly ({@code PRAGMA integrity_check} is ok), the sum of
 * the balances is unchanged, no transfer is half-applied (every balance is the initial one plus
 * what the committed transfers brought in minus what they took out), and no transfer committed
 * without having begun. After SIGTERM and SIGINT also: the status is 143 / 130, every transfer that
 * began printed {@code commit} or {@code rollback} before the process ended, and the committed ones
 * are exactly those in the database. After SIGKILL (137) only the database is checked.
 */
class LedgerSoakIT {
  private static final int ACCOUNTS = 8;
  private static final long BALANCE = 500;

  /** The signal is sent up to this long after the first "begin" line. */
  private static final int MAX_DELAY_MICROS = 150_000;

  enum Signal {
    TERM(143),
    INT(130),
    KILL(137);

    final int status;

    Signal(int status) {
      this.status = status;
    }
  }

  /** Totals per signal. */
  static final class Tally {
    final AtomicLong runs = new AtomicLong();
    final AtomicLong begun = new AtomicLong();
    final AtomicLong committed = new AtomicLong();
    final AtomicLong rolledBack = new AtomicLong();
    final AtomicLong unfinished = new AtomicLong(); // began, then killed before commit or rollback
    final AtomicLong inDatabase = new AtomicLong();
  }

  @TempDir Path temp;

  @Test
  void noBalanceIsLostAndNoTransferIsHalfAppliedWhateverTheSignal() throws Exception {
    int runs = Integer.getInteger("ledger.soak.runs", 100);
    int parallel = Integer.getInteger("ledger.soak.parallel", 2);
    long seed = Long.getLong("ledger.soak.seed", System.nanoTime());
    System.out.println(
        "ledger soak: "
            + runs
            + " runs, seed "
            + seed
            + " (-Dledger.soak.seed="
            + seed
            + " replays it)");
    Random random = new Random(seed);
    Map<Signal, Tally> tally = new EnumMap<>(Signal.class);
    for (Signal s : Signal.values()) {
      tally.put(s, new Tally());
    }
    long started = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (int i = 0; i < runs; i++) {
        int run = i;
        Signal signal = Signal.values()[i % 3];
        long runSeed = random.nextLong();
        results.add(pool.submit(() -> soak(run, signal, runSeed, tally.get(signal))));
      }
      List<String> violations = new ArrayList<>();
      for (Future<String> f : results) {
        String v = f.get(ChildProcess.defaultTimeout().toSeconds() * 2, TimeUnit.SECONDS);
        if (v != null) {
          violations.add(v);
        }
      }
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      String report = report(runs, seed, seconds, tally, violations.size());
      System.out.print(report);
      Path out =
          Path.of(
              System.getProperty("ledger.soak.report", temp.resolve("soak-report.txt").toString()));
      Files.writeString(out, report, StandardCharsets.UTF_8);
      assertThat(violations).as("violations (soak seed %d)", seed).isEmpty();
    } finally {
      pool.shutdownNow();
    }
  }

  /** One run; returns a description of what went wrong, with its seed, or null. */
  private String soak(int run, Signal signal, long runSeed, Tally tally) {
    try {
      Random random = new Random(runSeed);
      Path dir = temp.resolve("run-" + run);
      LedgerStore.create(dir, ACCOUNTS, BALANCE);
      ChildResult r;
      try (ChildProcess child =
          ledgerJar(
                  "run", dir.toString(), "--transfers", "forever", "--seed", Long.toString(runSeed))
              .start()) {
        String first = child.awaitLineOrEnd(l -> l.startsWith("begin #")).orElse(null);
        assertThat(first).as("the ledger began no transfer").isNotNull();
        LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(random.nextInt(MAX_DELAY_MICROS)));
        child.signal(signal.name());
        r = child.await();
      }

      List<String> problems = new ArrayList<>();
      if (r.status() != signal.status) {
        problems.add("status " + r.status() + ", expected " + signal.status);
      }
      LedgerDb db = LedgerDb.read(LedgerStore.file(dir), BALANCE);
      if (!"ok".equals(db.integrity())) {
        problems.add("integrity_check: " + db.integrity());
      }
      if (db.total() != ACCOUNTS * BALANCE) {
        problems.add("total " + db.total() + ", expected " + ACCOUNTS * BALANCE);
      }
      if (db.halfApplied() != 0) {
        problems.add(db.halfApplied() + " account(s) disagree with the committed transfers");
      }
      if (db.balances().size() != ACCOUNTS) {
        problems.add(db.balances().size() + " accounts, expected " + ACCOUNTS);
      }
      Set<Long> begun = ids(r.stdoutLines(), "begin");
      Set<Long> committed = ids(r.stdoutLines(), "commit");
      Set<Long> rolledBack = ids(r.stdoutLines(), "rollback");
      Set<Long> finished = new HashSet<>(committed);
      finished.addAll(rolledBack);
      if (!begun.containsAll(db.transferIds())) {
        problems.add("committed without a begin line: " + minus(db.transferIds(), begun));
      }
      if (db.transferIds().stream().anyMatch(id -> id > db.begun())) {
        problems.add("transfer ids above transfers_begun " + db.begun());
      }
      if (!db.transferIds().containsAll(committed)) {
        problems.add(
            "printed commit but not in the database: " + minus(committed, db.transferIds()));
      }
      if (signal != Signal.KILL) {
        if (!finished.equals(begun)) {
          problems.add("began but neither committed nor rolled back: " + minus(begun, finished));
        }
        if (!db.transferIds().equals(committed)) {
          problems.add("in the database but no commit line: " + minus(db.transferIds(), committed));
        }
        String line =
            signal == Signal.TERM ? "ledger: terminated (SIGTERM)" : "ledger: interrupted (SIGINT)";
        if (!r.stderrLines().contains(line)) {
          problems.add("stderr lacks '" + line + "'");
        }
      }
      tally.runs.incrementAndGet();
      tally.begun.addAndGet(begun.size());
      tally.committed.addAndGet(committed.size());
      tally.rolledBack.addAndGet(rolledBack.size());
      tally.unfinished.addAndGet(minus(begun, finished).size());
      tally.inDatabase.addAndGet(db.transferIds().size());
      return problems.isEmpty()
          ? null
          : "run " + run + " (SIG" + signal + ", run seed " + runSeed + "): " + problems + "; " + r;
    } catch (Exception | AssertionError e) {
      return "run " + run + " (SIG" + signal + ", run seed " + runSeed + "): " + e;
    }
  }

  private static Set<Long> minus(Set<Long> a, Set<Long> b) {
    Set<Long> d = new HashSet<>(a);
    d.removeAll(b);
    return d;
  }

  private static String report(
      int runs, long seed, long seconds, Map<Signal, Tally> tally, int violations) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            "ledger soak: %d runs in %d s on JDK %s, seed %d, %d violation(s)%n",
            runs, seconds, Runtime.version().feature(), seed, violations));
    sb.append(
        String.format(
            "%-8s %6s %10s %10s %12s %22s %12s%n",
            "signal",
            "runs",
            "began",
            "committed",
            "rolled back",
            "killed mid-transfer",
            "in the db"));
    long[] sum = new long[6];
    for (Map.Entry<Signal, Tally> e : tally.entrySet()) {
      Tally t = e.getValue();
      long[] row = {
        t.runs.get(),
        t.begun.get(),
        t.committed.get(),
        t.rolledBack.get(),
        t.unfinished.get(),
        t.inDatabase.get()
      };
      for (int i = 0; i < row.length; i++) {
        sum[i] += row[i];
      }
      sb.append(
          String.format(
              "%-8s %6d %10d %10d %12d %22d %12d%n",
              "SIG" + e.getKey(), row[0], row[1], row[2], row[3], row[4], row[5]));
    }
    sb.append(
        String.format(
            "%-8s %6d %10d %10d %12d %22d %12d%n",
            "all", sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]));
    return sb.toString();
  }
}
