package dev.terminus.cli;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Makes {@code terminus} a child subreaper ({@code prctl(PR_SET_CHILD_SUBREAPER)}, Linux 3.4+)
 * where the JDK can call it (JDK 22 or later, see {@link Native}): a process of the command's tree
 * whose parent dies is then re-parented to {@code terminus} instead of to init, so even a
 * double-forked {@code setsid} escapee stays in sight, and {@code terminus} reaps it when it ends.
 */
final class Orphans {
  private static final int PR_SET_CHILD_SUBREAPER = 36;
  private static final int WNOHANG = 1;

  private Orphans() {}

  /**
   * Makes this process a child subreaper.
   *
   * @return true if it is one now
   */
  static boolean becomeSubreaper() {
    // int prctl(int option, unsigned long arg2, arg3, arg4, arg5)
    return Native.function(
            "prctl", int.class, int.class, long.class, long.class, long.class, long.class)
        .flatMap(f -> Native.call(f, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L))
        .map(r -> r == 0)
        .orElse(false);
  }

  /**
   * Reaps an adopted orphan that ended: {@code waitpid(pid, NULL, WNOHANG)}. Only for pids the JDK
   * did not start: the JDK reaps its own children, and a reap here would steal their status.
   *
   * @param pid a zombie child of this process that the JDK did not start
   */
  static void reap(long pid) {
    Waitpid.HANDLE.ifPresent(f -> Native.call(f, (int) pid, 0L, WNOHANG));
  }

  /** Looked up once, when the first orphan is reaped. */
  private static final class Waitpid {
    // pid_t waitpid(pid_t pid, int *status, int options)
    static final Optional<MethodHandle> HANDLE =
        Native.function("waitpid", int.class, int.class, long.class, int.class);
  }
}
