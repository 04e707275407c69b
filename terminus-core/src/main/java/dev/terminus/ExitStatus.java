package dev.terminus;

/**
 * An exception that carries its own exit status.
 *
 * <p>When an exception that implements this interface escapes the main body given to {@link
 * Terminus#run(String[], MainBody)} (itself, or as a cause of the exception that escaped), the
 * program prints one line {@code <program>: <message>} to stderr, with no stack trace, and exits
 * with {@link #exitStatus()}.
 *
 * <pre>{@code
 * final class ConfigMissing extends RuntimeException implements ExitStatus {
 *   ConfigMissing(String path) { super("no configuration at " + path); }
 *   public int exitStatus() { return 78; } // EX_CONFIG
 * }
 * }</pre>
 */
public interface ExitStatus {

  /**
   * Returns the status the program exits with when this exception ends it.
   *
   * @return a status in {@code [0, 255]}; a value outside that range is reported and replaced by 1
   */
  int exitStatus();
}
