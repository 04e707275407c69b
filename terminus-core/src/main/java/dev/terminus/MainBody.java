package dev.terminus;

/**
 * The body of a program's {@code main} method, run by {@link Terminus#run(String[], MainBody)} or
 * {@link Terminus#call(String[], MainBody)}.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Terminus.run(args, a -> {
 *     if (a.length == 0) throw Exit.now(2, "usage: tool FILE");
 *     process(a[0]);
 *   });
 * }
 * }</pre>
 */
@FunctionalInterface
public interface MainBody {

  /**
   * Runs the program.
   *
   * @param args the command-line arguments
   * @throws Exception any exception; the runner turns it into an exit status
   */
  void run(String[] args) throws Exception;
}
