package dev.terminus.cli.demo;

import dev.terminus.ExitStatus;
import dev.terminus.Terminus;

/**
 * Demo {@code error}: with argument {@code status}, an exception that implements {@link ExitStatus}
 * escapes main (one line on stderr, its own status, 78); with {@code unexpected}, a plain {@code
 * RuntimeException} does (stack trace, status 1).
 */
public final class Errors {
  private Errors() {}

  /** A custom error that carries its exit status, like the seeds' {@code MyCustomError}. */
  static final class ConfigMissing extends RuntimeException implements ExitStatus {
    private static final long serialVersionUID = 1L;

    ConfigMissing(String message) {
      super(message);
    }

    @Override
    public int exitStatus() {
      return 78; // EX_CONFIG
    }
  }

  /**
   * Runs the scenario.
   *
   * @param args {@code status} or {@code unexpected}
   */
  public static void main(String[] args) {
    boolean status = args.length > 0 && args[0].equals("status");
    Terminus.builder()
        .name("error")
        .build()
        .run(
            args,
            a -> {
              Terminus.atExit("temp file", () -> System.out.println("atExit: temp file deleted"));
              try {
                if (status) {
                  throw new ConfigMissing("configuration file app.conf not found");
                }
                throw new IllegalStateException("balance went negative: a bug");
              } finally {
                System.out.println("finally: lock released");
              }
            });
  }
}
