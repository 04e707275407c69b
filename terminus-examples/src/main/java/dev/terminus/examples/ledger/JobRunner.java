package dev.terminus.examples.ledger;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;

/**
 * A small job framework of the kind the seed describes, deliberately naive: it runs each job in a
 * unit of work on one database connection, catches {@code Throwable} around each job so that one
 * failing job never stops the worker, and then commits whatever the job did.
 *
 * <p>This is the framework you do not control. It swallows every exit request thrown inside a job,
 * as the seed's framework swallowed {@code SystemExit} with {@code except BaseException}, and its
 * commit after the catch is what let the seed's half-done transaction reach the database. The
 * ledger's safe mode survives it unchanged; {@code --unsafe} shows what happens otherwise.
 */
final class JobRunner {
  /** One unit of work. */
  interface Job {
    /**
     * Does the work on {@code db}, whose auto-commit is off.
     *
     * @param db the connection the framework commits after the job
     * @throws Exception whatever the job throws; the framework logs it and carries on
     */
    void run(Connection db) throws Exception;
  }

  private final Connection db;
  private final PrintStream log;

  JobRunner(Connection db, PrintStream log) {
    this.db = db;
    this.log = log;
  }

  /**
   * Runs every job {@code jobs} yields. Only {@code jobs.hasNext()} and {@code jobs.next()} can end
   * the loop early: they are called outside the catch-all.
   *
   * @param jobs the jobs
   * @return how many jobs failed
   */
  int runAll(Iterator<? extends Job> jobs) {
    int failed = 0;
    while (jobs.hasNext()) {
      Job job = jobs.next();
      try {
        job.run(db);
      } catch (Throwable t) {
        // never let one job crash the worker: the seed's `except BaseException`
        failed++;
        log.println("job failed: " + t);
      }
      try {
        db.commit(); // the unit of work ends: keep what the job did
      } catch (SQLException e) {
        log.println("commit failed: " + e.getMessage());
      }
    }
    return failed;
  }
}
