/**
 * Terminus: every way for a JVM program to stop, with exact semantics.
 *
 * <p>The whole public API lives in {@link dev.terminus}. The module needs {@code jdk.unsupported}
 * for {@code sun.misc.Signal}, the only JDK door to SIGINT, SIGTERM and SIGHUP handlers, and {@code
 * java.management} to name blocked threads and their locks in the stop report. JFR events are
 * emitted when {@code jdk.jfr} is present (add it with {@code --add-modules jdk.jfr} to a modular
 * application). {@code com.google.errorprone.annotations} is needed only to compile the module.
 */
module dev.terminus {
  requires jdk.unsupported;
  requires java.management;
  requires transitive java.logging;
  requires static jdk.jfr;
  requires static com.google.errorprone.annotations;

  exports dev.terminus;
}
