package dev.terminus.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.spring.app.WebApp;
import dev.terminus.spring.docs.ConfiguredShop;
import dev.terminus.spring.docs.Shop;
import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TerminusSpring} with a real Spring Boot web application ({@link WebApp}: Tomcat,
 * Actuator's probes, Logback to a buffered file) in a child JVM, real HTTP requests on new
 * connections, and real signals. Each test prints the timings it measured ({@code figures:}).
 */
class TerminusSpringIT {
  private static final String NL = System.lineSeparator();
  private static final String READINESS = "/actuator/health/readiness";
  private static final String LIVENESS = "/actuator/health/liveness";

  @TempDir Path dir;

  /**
   * The whole service shape: SIGTERM with a request in flight, a 2 s serving delay. Readiness goes
   * down (503) while the application still serves; then the drain refuses new connections while the
   * request in flight completes with 200; the context closes; the log is complete to its last line;
   * the process dies by SIGTERM, so the stop finished within the deadline (past it, Terminus halts
   * with a plain exit instead).
   */
  @Test
  void aRequestInFlightAtSigtermCompletesWhileReadinessIsDownAndNewConnectionsAreRefused()
      throws Exception {
    Path report = dir.resolve("report.json");
    Map<String, String> env =
        Map.of(
            "TERMINUS_DRAIN_FIRST", "2s",
            "TERMINUS_REPORT", report.toString(),
            "TERMINUS_THREADS_REPORT_AFTER", "1ms");
    ChildResult r;
    long sigterm;
    long down;
    long refused;
    long released;
    long answered;
    long ended;
    Http.Answer inFlight;
    try (ChildProcess c = start(env, "terminus")) {
      int port = awaitPort(c);
      assertThat(Http.get(port, READINESS)).isEqualTo(new Http.Answer(200, "{\"status\":\"UP\"}"));
      CompletableFuture<Http.Answer> slow = CompletableFuture.supplyAsync(() -> get(port, "/slow"));
      c.awaitLine("slow: in flight");

      sigterm = System.nanoTime();
      c.signal("TERM");
      Http.Answer probe = awaitStatusOtherThan(port, READINESS, 200);
      down = System.nanoTime();
      assertThat(probe)
          .as("readiness during the serving delay")
          .isEqualTo(new Http.Answer(503, "{\"status\":\"OUT_OF_SERVICE\"}"));
      assertThat(Http.get(port, "/hello"))
          .as("a new request during the serving delay")
          .isEqualTo(new Http.Answer(200, "hello"));
      assertThat(slow).as("the request in flight").isNotDone();

      // The drain closes the listening socket: a connection the kernel had already queued is
      // closed unanswered (DROPPED), every later one is refused.
      Http.Answer after = awaitStatusOtherThan(port, LIVENESS, 200);
      while (after.status() == Http.DROPPED) {
        after = Http.get(port, LIVENESS);
      }
      refused = System.nanoTime();
      assertThat(after.status())
          .as("a new connection once the drain began: %s", after)
          .isEqualTo(Http.REFUSED);
      assertThat(slow).as("the request in flight").isNotDone();

      released = System.nanoTime();
      c.writeStdin("go" + "\n");
      inFlight = slow.get(ChildProcess.defaultTimeout().toSeconds(), TimeUnit.SECONDS);
      answered = System.nanoTime();
      r = c.await();
      ended = System.nanoTime();
    }

    assertThat(inFlight).isEqualTo(new Http.Answer(200, "done"));
    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.diedBySignal()).as("died by SIGTERM itself: %s", r).isTrue();
    assertThat(r.stdout()).as("%s", r).endsWith("slow: in flight" + NL);
    assertThat(r.stderr())
        .as("no thread warning, nothing but the signal's line: %s", r)
        .isEqualTo("WebApp: terminated (SIGTERM)" + NL);

    String json = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(json)
        .contains(
            "\"reason\": \"signal\"",
            "\"detail\": \"SIGTERM\"",
            "\"status\": 143",
            "\"halted\": false");
    Task readiness = task(json, "announce", "spring-readiness");
    Task drain = task(json, "drain", "spring-web-server");
    Task close = task(json, "stop-services", "spring-context");
    Task logging = task(json, "logging", "spring-logging");
    assertThat(List.of(readiness, drain, close, logging))
        .allMatch(t -> t.outcome.equals("ok"), "ok");

    assertThat(log())
        .containsSubsequence(
            "Commencing graceful shutdown. Waiting for active requests to complete",
            "slow: answered (go)",
            "Graceful shutdown complete",
            "hungBean: destroying",
            "hungBean: destroyed",
            "cleanup: store closed",
            "logging: last line");
    assertThat(log()).last().isEqualTo("logging: last line");

    System.out.printf(
        "figures: SIGTERM to readiness 503 seen %d ms; to a new connection refused %d ms"
            + " (serving delay 2 s); release to 200 %d ms; release to exit %d ms; SIGTERM to exit %d ms;"
            + " report: readiness %d ms, web server drain %d ms (from %d ms), context close %d ms"
            + " (from %d ms), logging %d ms, whole stop %s ms%n",
        ms(down - sigterm),
        ms(refused - sigterm),
        ms(answered - released),
        ms(ended - released),
        ms(ended - sigterm),
        readiness.durationMs,
        drain.durationMs,
        drain.startMs,
        close.durationMs,
        close.startMs,
        logging.durationMs,
        field(json, "durationMs"));
  }

  /**
   * A bean whose destroy method never returns (it ignores interrupts): the context close gives up
   * after terminus.spring.close-timeout, the report names the bean and shows its frames, the rest
   * of the plan runs (the log is complete to its last line), and with TERM=0 the process exits 0.
   */
  @Test
  void aBeanWhoseDestroyHangsIsNamedInTheReportAndTheStopGoesOn() throws Exception {
    Path report = dir.resolve("report.json");
    Map<String, String> env =
        Map.of("TERMINUS_SIGNALS", "INT,TERM=0,HUP", "TERMINUS_REPORT", report.toString());
    ChildResult r;
    long sigterm;
    long ended;
    try (ChildProcess c =
        start(env, "terminus", "--app.hang=true", "--terminus.spring.close-timeout=1s")) {
      int port = awaitPort(c);
      assertThat(Http.get(port, READINESS).status()).isEqualTo(200);
      sigterm = System.nanoTime();
      c.signal("TERM");
      c.awaitLine("hungBean: hanging");
      r = c.await();
      ended = System.nanoTime();
    }

    String hung =
        "bean 'hungBean' (dev.terminus.spring.app.WebApp$HungBean) did not return from its"
            + " destroy method within 1s (terminus.spring.close-timeout); the thread closing it was"
            + " interrupted at this exception's frames";
    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stderr())
        .as("%s", r)
        .isEqualTo(
            "WebApp: terminated (SIGTERM)"
                + NL
                + "WebApp: cleanup task 'spring-context' failed: java.lang.IllegalStateException: "
                + hung
                + NL);

    String json = Files.readString(report, StandardCharsets.UTF_8);
    Task close = task(json, "stop-services", "spring-context");
    assertThat(close.outcome).isEqualTo("failed");
    assertThat(close.error).isEqualTo("\"java.lang.IllegalStateException: " + hung + "\"");
    assertThat(json)
        .as("the task's stack is the closing thread's")
        .containsPattern(
            "\"stack\": \\[\"[^\\]]*dev.terminus.spring.app.WebApp\\$HungBean.destroy\\(");
    assertThat(json)
        .as("the closing thread, still alive, among the report's threads")
        .contains("{\"name\": \"spring-context-close: bean 'hungBean'\"");
    assertThat(json).contains("\"halted\": false", "\"status\": 0");
    assertThat(log())
        .containsSubsequence("hungBean: destroying", "cleanup: store closed", "logging: last line");
    assertThat(log()).doesNotContain("hungBean: destroyed").last().isEqualTo("logging: last line");

    System.out.printf(
        "figures: hung bean, close timeout 1 s: SIGTERM to exit %d ms; report: context"
            + " close %d ms, whole stop %s ms%n",
        ms(ended - sigterm), close.durationMs, field(json, "durationMs"));
  }

  /**
   * A close that outlives the deadline: Terminus halts at the deadline with the signal's status as
   * a plain exit, and the report still names the bean, through the name of the thread closing the
   * context, listed among the threads still alive.
   */
  @Test
  void aHungBeanPastTheDeadlineIsNamedByTheClosingThreadInTheReport() throws Exception {
    Path report = dir.resolve("report.json");
    Map<String, String> env =
        Map.of("TERMINUS_DEADLINE", "2s", "TERMINUS_REPORT", report.toString());
    ChildResult r;
    try (ChildProcess c =
        start(env, "terminus", "--app.hang=true", "--terminus.spring.close-timeout=1h")) {
      int port = awaitPort(c);
      assertThat(Http.get(port, READINESS).status()).isEqualTo(200);
      c.signal("TERM");
      c.awaitLine("hungBean: hanging");
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.diedBySignal())
        .as("halted with the status, not killed by the signal: %s", r)
        .isFalse();
    assertThat(r.stderr())
        .as("%s", r)
        .isEqualTo(
            "WebApp: terminated (SIGTERM)"
                + NL
                + "WebApp: shutdown not finished within the deadline of 2s; halting with status 143"
                + NL);
    String json = Files.readString(report, StandardCharsets.UTF_8);
    assertThat(json)
        .contains("\"halted\": true", "{\"name\": \"spring-context-close: bean 'hungBean'\"");
    assertThat(task(json, "stop-services", "spring-context").outcome).isEqualTo("timed out");
    assertThat(task(json, "logging", "spring-logging").outcome).isEqualTo("skipped");
  }

  /**
   * The application closes its own context: its server's threads end, the plan runs, and the
   * program ends with 0.
   */
  @Test
  void theApplicationClosingItsOwnContextEndsWith0AndAFullLog() throws Exception {
    ChildResult r;
    try (ChildProcess c = start(Map.of("TERMINUS_THREADS_REPORT_AFTER", "1ms"), "terminus")) {
      int port = awaitPort(c);
      assertThat(Http.get(port, "/close")).isEqualTo(new Http.Answer(200, "closing"));
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isZero();
    assertThat(r.diedBySignal()).as("%s", r).isFalse();
    assertThat(r.stderr()).as("%s", r).isEmpty();
    assertThat(log())
        .containsSubsequence(
            "Graceful shutdown complete",
            "hungBean: destroyed",
            "cleanup: store closed",
            "logging: last line");
    assertThat(log()).last().isEqualTo("logging: last line");
  }

  /**
   * The problem this module solves, shown with plain SpringApplication.run in Terminus.run and the
   * Logback recipe: Spring's own shutdown hook closes the context after Terminus stopped logging,
   * so what Spring logs while closing is lost; and since main returned, Terminus warns about the
   * server's threads.
   */
  @Test
  void withoutTheIntegrationSpringsShutdownHookLogsAfterLoggingStopped() throws Exception {
    Map<String, String> env = Map.of("TERMINUS_THREADS_REPORT_AFTER", "1ms");
    ChildResult r;
    try (ChildProcess c = start(env, "plain")) {
      c.awaitLine("plain: run returned");
      c.awaitStderrLine(l -> l.startsWith("WebApp: main returned"), "the thread warning");
      c.signal("TERM");
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.stderr())
        .as("%s", r)
        .contains("WebApp: main returned 1ms ago; the JVM waits for these non-daemon threads:")
        .endsWith("WebApp: terminated (SIGTERM)" + NL);
    assertThat(log())
        .containsSubsequence("cleanup: store closed", "logging: last line")
        .doesNotContain(
            "Commencing graceful shutdown. Waiting for active requests to complete",
            "hungBean: destroying",
            "hungBean: destroyed");
  }

  /**
   * The README's and docs/services.md's sample as it is ({@link Shop}: no endpoint of its own,
   * Actuator's probes, Spring's log on stdout): readiness goes up, and at SIGTERM the server
   * drains, the port closes and the process dies by SIGTERM.
   */
  @Test
  void theDocsShopDrainsAtSigtermAndDiesBySigterm() throws Exception {
    ChildResult r;
    int port;
    try (ChildProcess c =
        ChildProcess.java(Shop.class).args("--logging.config=classpath:shop-logback.xml").start()) {
      Matcher started =
          Pattern.compile("Tomcat started on port (\\d+) ")
              .matcher(c.awaitLineContaining("Tomcat started on port "));
      assertThat(started.find()).isTrue();
      port = Integer.parseInt(started.group(1));
      assertThat(awaitStatusOtherThan(port, READINESS, 503))
          .as("readiness once the application is ready")
          .isEqualTo(new Http.Answer(200, "{\"status\":\"UP\"}"));

      c.signal("TERM");
      r = c.await();
    }

    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.diedBySignal()).as("died by SIGTERM itself: %s", r).isTrue();
    assertThat(r.stderr()).as("%s", r).isEqualTo("Shop: terminated (SIGTERM)" + NL);
    assertThat(r.stdoutLines())
        .as("%s", r)
        .containsSubsequence(
            "Commencing graceful shutdown. Waiting for active requests to complete",
            "Graceful shutdown complete");
    assertThat(Http.get(port, LIVENESS).status()).as("after the end").isEqualTo(Http.REFUSED);
  }

  /**
   * docs/services.md's configured runner as it is ({@link ConfiguredShop}, on {@link WebApp}): its
   * 5 s serving delay keeps the application serving after SIGTERM with readiness down, then the
   * drain refuses new connections while the request in flight completes, and the process dies by
   * SIGTERM with the log complete.
   */
  @Test
  void theDocsConfiguredShopServesThroughItsDelayAndCompletesTheRequestInFlight() throws Exception {
    ChildResult r;
    Http.Answer inFlight;
    try (ChildProcess c = start(ConfiguredShop.class, Map.of())) {
      int port = awaitPort(c);
      assertThat(Http.get(port, READINESS)).isEqualTo(new Http.Answer(200, "{\"status\":\"UP\"}"));
      CompletableFuture<Http.Answer> slow = CompletableFuture.supplyAsync(() -> get(port, "/slow"));
      c.awaitLine("slow: in flight");

      c.signal("TERM");
      assertThat(awaitStatusOtherThan(port, READINESS, 200))
          .as("readiness during the serving delay")
          .isEqualTo(new Http.Answer(503, "{\"status\":\"OUT_OF_SERVICE\"}"));
      assertThat(Http.get(port, "/hello"))
          .as("a new request during the serving delay")
          .isEqualTo(new Http.Answer(200, "hello"));
      Http.Answer after = awaitStatusOtherThan(port, LIVENESS, 200);
      while (after.status() == Http.DROPPED) {
        after = Http.get(port, LIVENESS);
      }
      assertThat(after.status())
          .as("a new connection once the drain began: %s", after)
          .isEqualTo(Http.REFUSED);
      assertThat(slow).as("the request in flight").isNotDone();

      c.writeStdin("go" + "\n");
      inFlight = slow.get(ChildProcess.defaultTimeout().toSeconds(), TimeUnit.SECONDS);
      r = c.await();
    }

    assertThat(inFlight).isEqualTo(new Http.Answer(200, "done"));
    assertThat(r.status()).as("%s", r).isEqualTo(143);
    assertThat(r.diedBySignal()).as("died by SIGTERM itself: %s", r).isTrue();
    assertThat(r.stderr()).as("%s", r).isEqualTo("ConfiguredShop: terminated (SIGTERM)" + NL);
    assertThat(log())
        .containsSubsequence(
            "Commencing graceful shutdown. Waiting for active requests to complete",
            "slow: answered (go)",
            "Graceful shutdown complete",
            "hungBean: destroyed",
            "cleanup: store closed",
            "logging: last line");
    assertThat(log()).last().isEqualTo("logging: last line");
  }

  private ChildProcess start(Map<String, String> env, String... args) throws IOException {
    return start(WebApp.class, env, args);
  }

  private ChildProcess start(Class<?> main, Map<String, String> env, String... args)
      throws IOException {
    return ChildProcess.java(main)
        .jvmOptions(List.of("-Dwebapp.logfile=" + dir.resolve("app.log")))
        .env(env)
        .args(args)
        .keepStdinOpen()
        .start();
  }

  private static int awaitPort(ChildProcess c) {
    return Integer.parseInt(
        c.awaitLine(l -> l.startsWith("ready "), "'ready <port>'").substring(6));
  }

  private static Http.Answer get(int port, String path) {
    try {
      return Http.get(port, path);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Asks for {@code path} on new connections until the answer is not {@code status}. */
  private static Http.Answer awaitStatusOtherThan(int port, String path, int status)
      throws IOException {
    long until =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(ChildProcess.defaultTimeout().toSeconds());
    while (System.nanoTime() - until < 0) {
      Http.Answer a = Http.get(port, path);
      if (a.status() != status) {
        return a;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
    throw new AssertionError(
        path
            + " still answered "
            + status
            + " after "
            + ChildProcess.defaultTimeout().toSeconds()
            + " s");
  }

  private List<String> log() throws IOException {
    return Files.readAllLines(dir.resolve("app.log"), StandardCharsets.UTF_8);
  }

  private static long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** One task of the JSON stop report. */
  record Task(long startMs, long durationMs, String outcome, String error) {}

  private static Task task(String json, String phase, String name) {
    Matcher m =
        Pattern.compile(
                "\\{\"phase\": \""
                    + Pattern.quote(phase)
                    + "\", \"task\": \""
                    + Pattern.quote(name)
                    + "\", \"startMs\": (\\d+), \"durationMs\": (\\d+), \"outcome\": \"([a-z ]+)\","
                    + " \"error\": (null|\"(?:[^\"\\\\]|\\\\.)*\")")
            .matcher(json);
    assertThat(m.find()).as("task %s / %s in the report:%n%s", phase, name, json).isTrue();
    return new Task(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), m.group(3), m.group(4));
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\": ([^,\\n]+)").matcher(json);
    assertThat(m.find()).as("%s in the report", name).isTrue();
    return m.group(1);
  }
}
