/**
 * Terminus: every way for a JVM program to stop, with exact semantics.
 *
 * <p>The whole public API lives in {@link dev.terminus}. The module needs {@code jdk.unsupported}
 * for {@code sun.misc.Signal}, the only JDK door to SIGINT, SIGTERM and SIGHUP handlers.
 */
module dev.terminus {
  requires jdk.unsupported;

  exports dev.terminus;
}
