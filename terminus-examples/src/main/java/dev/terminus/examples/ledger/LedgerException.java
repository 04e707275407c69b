package dev.terminus.examples.ledger;

import dev.terminus.ExitStatus;

/**
 * A failure the ledger reports in one line, {@code ledger: <message>}, with a status in the style
 * of BSD's {@code sysexits.h}. Terminus prints the line and exits with {@link #exitStatus()}.
 */
final class LedgerException extends RuntimeException implements ExitStatus {
  private static final long serialVersionUID = 1L;

  /** The ledger is inconsistent ({@code check}). */
  static final int INCONSISTENT = 1;

  /** EX_USAGE: the command line was wrong. */
  static final int USAGE = 64;

  /** EX_DATAERR: the file is not a ledger, or a damaged one. */
  static final int DATAERR = 65;

  /** EX_NOINPUT: no ledger where one was named. */
  static final int NOINPUT = 66;

  /** EX_CANTCREAT: the ledger cannot be created there. */
  static final int CANTCREAT = 73;

  /** EX_IOERR: reading or writing the database failed. */
  static final int IOERR = 74;

  private final int status;

  LedgerException(int status, String message) {
    this(status, message, null);
  }

  LedgerException(int status, String message, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  @Override
  public int exitStatus() {
    return status;
  }
}
