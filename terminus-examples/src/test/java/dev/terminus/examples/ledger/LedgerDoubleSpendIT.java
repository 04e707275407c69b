package dev.terminus.examples.ledger;

import static dev.terminus.examples.ledger.LedgerJar.ledgerJar;
import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.test.ChildResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's failure, reproduced and prevented, in real processes on a real database file: a
 * double-spend check calls {@code Exit.now(3, ...)} between the debit and the credit of transfer
 * #10, inside a job framework that catches {@code Throwable} around each job and commits after it.
 */
class LedgerDoubleSpendIT {
  private static final int ACCOUNTS = 5;
  private static final long BALANCE = 1000;
  private static final long TOTAL = ACCOUNTS * BALANCE;
  private static final String DETECTED = "double spend detected in transfer #10";

  @TempDir Path dir;

  private Path ledger() {
    ChildResult init =
        ledgerJar("init", dir.toString(), "--accounts", "" + ACCOUNTS, "--balance", "" + BALANCE)
            .run();
    assertThat(init.status()).as("%s", init).isZero();
    return LedgerStore.file(dir);
  }

  @Test
  void unsafeTheSwallowedExitLetsTheHalfDoneTransferCommit() throws Exception {
    Path file = ledger();

    ChildResult r =
        ledgerJar(
                "run",
                dir.toString(),
                "--transfers",
                "20",
                "--double-spend-at",
                "10",
                "--unsafe",
                "--seed",
                "1")
            .run();

    // Terminus still ends the process with the requested status: the request is sticky.
    assertThat(r.status()).as("%s", r).isEqualTo(3);
    assertThat(r.stderrLines()).as("%s", r).containsExactly(DETECTED);
    // The framework swallowed the exit ...
    assertThat(r.stdoutLines())
        .as("%s", r)
        .contains("job failed: dev.terminus.ExitException: " + DETECTED);
    // ... and committed what the transfer had done: the debit without the credit.
    LedgerDb db = LedgerDb.read(file, BALANCE);
    assertThat(db.integrity()).isEqualTo("ok"); // SQLite is fine; the ledger is not
    assertThat(db.transferIds()).doesNotContain(10L);
    assertThat(db.total()).as("money destroyed by the half-applied transfer").isLessThan(TOTAL);
    assertThat(db.halfApplied()).as("accounts that disagree with the transfers").isEqualTo(1);
    // And the worker carried on: transfers 11..20 were committed after the exit request.
    assertThat(db.transferIds()).containsAll(range(11, 20));
    assertThat(db.begun()).isEqualTo(20);
    // ledger check says so, with a non-zero status.
    ChildResult check = ledgerJar("check", dir.toString()).run();
    assertThat(check.status()).as("%s", check).isEqualTo(1);
    assertThat(check.stdoutLines())
        .contains("consistent: no", "total: " + db.total() + " (initial " + TOTAL + ")");
  }

  @Test
  void safeNoTransferCommitsAfterTheRequestAndTheProcessExits3() throws Exception {
    Path file = ledger();

    ChildResult r =
        ledgerJar(
                "run",
                dir.toString(),
                "--transfers",
                "20",
                "--double-spend-at",
                "10",
                "--seed",
                "1")
            .run();

    assertThat(r.status()).as("%s", r).isEqualTo(3);
    // One line on stderr: the request's message; no report of a deadline that ran out.
    assertThat(r.stderrLines()).as("%s", r).containsExactly(DETECTED);
    // The same framework swallowed the same exit ...
    assertThat(r.stdoutLines())
        .as("%s", r)
        .contains("job failed: dev.terminus.ExitException: " + DETECTED);
    // ... but transfer #10 was rolled back before the exception left the critical section, and the
    // loop's checkpoint ended the run: nothing began after it.
    assertThat(r.stdoutLines()).contains("rollback #10").doesNotContain("commit #10");
    assertThat(ids(r.stdoutLines(), "begin")).isEqualTo(range(1, 10));
    assertThat(ids(r.stdoutLines(), "commit")).isEqualTo(range(1, 9));
    LedgerDb db = LedgerDb.read(file, BALANCE);
    assertThat(db.integrity()).isEqualTo("ok");
    assertThat(db.transferIds()).isEqualTo(range(1, 9));
    assertThat(db.total()).isEqualTo(TOTAL);
    assertThat(db.halfApplied()).isZero();
    assertThat(db.begun()).isEqualTo(10);
    assertThat(ledgerJar("check", dir.toString()).run().status()).isZero();
  }

  @Test
  void theCriticalSectionAloneRefusesEveryLaterTransfer() throws Exception {
    Path file = ledger();

    // No checkpoint in the loop: the framework hands out all 20 jobs and swallows every refusal.
    ChildResult r =
        ledgerJar(
                "run",
                dir.toString(),
                "--transfers",
                "20",
                "--double-spend-at",
                "10",
                "--no-checkpoint",
                "--seed",
                "1")
            .run();

    assertThat(r.status()).as("%s", r).isEqualTo(3);
    assertThat(r.stderrLines()).as("%s", r).containsExactly(DETECTED);
    // Job 10 failed mid-transfer; jobs 11..20 were refused at Terminus.critical, before beginning.
    assertThat(
            r.stdoutLines().stream()
                .filter(l -> l.equals("job failed: dev.terminus.ExitException: " + DETECTED)))
        .as("%s", r)
        .hasSize(11);
    assertThat(ids(r.stdoutLines(), "begin")).isEqualTo(range(1, 10));
    LedgerDb db = LedgerDb.read(file, BALANCE);
    assertThat(db.transferIds()).isEqualTo(range(1, 9));
    assertThat(db.total()).isEqualTo(TOTAL);
    assertThat(db.halfApplied()).isZero();
    assertThat(db.begun()).isEqualTo(10);
  }

  static Set<Long> range(long from, long to) {
    Set<Long> s = new TreeSet<>();
    LongStream.rangeClosed(from, to).forEach(s::add);
    return s;
  }

  /** The ids of the stdout lines {@code <word> #<id>}. */
  static Set<Long> ids(List<String> stdout, String word) {
    Pattern p = Pattern.compile(Pattern.quote(word) + " #(\\d+)");
    Set<Long> ids = new TreeSet<>();
    for (String line : stdout) {
      Matcher m = p.matcher(line);
      if (m.matches()) {
        ids.add(Long.parseLong(m.group(1)));
      }
    }
    return ids;
  }
}
