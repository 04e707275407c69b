/**
 * The Terminus test kit: run a program in a real child process, signal it, and assert how it ended;
 * or run a main body in-JVM under {@code Terminus.call}.
 *
 * <p>The whole API lives in {@link dev.terminus.test}. JUnit 5 is optional: only {@link
 * dev.terminus.test.TerminusExtension} needs it.
 */
module dev.terminus.test {
  requires transitive dev.terminus;
  requires static transitive org.junit.jupiter.api;
  requires static com.google.errorprone.annotations;

  exports dev.terminus.test;
}
