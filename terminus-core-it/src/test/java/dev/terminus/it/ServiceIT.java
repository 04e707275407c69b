package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.terminus.test.ChildProcess;
import dev.terminus.test.ChildResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Programs that serve: drain before unwinding, and main returning, with a real HTTP server. */
@Timeout(300)
class ServiceIT {
  private static final String NL = System.lineSeparator();

  private static String lines(String... lines) {
    return String.join(NL, lines) + NL;
  }

  private static int get(int port, String path) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
      c.setRequestProperty("Connection", "close");
      c.setConnectTimeout(10_000);
      c.setReadTimeout(60_000);
      try {
        return c.getResponseCode();
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ChildResult drainedService(Map<String, String> env, List<String> jvm)
      throws Exception {
    try (ChildProcess c =
        ChildProcess.java(ServiceScenarios.class)
            .jvmOptions(jvm)
            .env(env)
            .args("http-service")
            .start()) {
      int port = Integer.parseInt(c.awaitLine(l -> l.startsWith("port "), "the port").substring(5));
      assertThat(get(port, "/ready")).isEqualTo(200);
      CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> get(port, "/slow"));
      c.awaitLine("slow request started");
      c.signal("TERM");
      c.awaitLine("readiness down");
      assertThat(get(port, "/ready"))
          .as("still serving during the delay, not ready")
          .isEqualTo(503);
      assertThat(slow.get(60, TimeUnit.SECONDS))
          .as("the request in flight completes")
          .isEqualTo(200);
      c.awaitLine("closing database");
      assertThatThrownBy(() -> get(port, "/ready"))
          .as("after the drain no request is accepted")
          .hasCauseInstanceOf(ConnectException.class);
      return c.await();
    }
  }

  @Test
  void sigtermAnnouncesServesDrainsThenUnwindsAndDiesBySigterm() throws Exception {
    ChildResult r = drainedService(Map.of(), List.of());
    assertThat(r.stdout())
        .isEqualTo(
            lines(
                r.stdout().lines().findFirst().orElseThrow(), // the port
                "slow request started",
                "readiness down",
                "slow request answered",
                "http drained",
                "main unwinds",
                "closing database",
                "database closed"));
    assertThat(r.stderr()).isEqualTo(lines("ServiceScenarios: terminated (SIGTERM)"));
    assertThat(r.status()).isEqualTo(143);
  }

  @Test
  void withTermMappedToZeroTheDrainedServiceExitsZero() throws Exception {
    ChildResult r = drainedService(Map.of("TERMINUS_SIGNALS", "INT,TERM=0,HUP"), List.of());
    assertThat(r.stdout()).endsWith(lines("main unwinds", "closing database", "database closed"));
    assertThat(r.status()).isZero();
  }

  @Test
  void theReadmeStopPlanSampleEndsWhenMainReturns() {
    ChildResult r = ChildProcess.java(ServiceScenarios.class).args("stop-plan-sample").run();
    assertThat(r.stdout()).isEqualTo(lines("main returns"));
    assertThat(r.stderr()).isEmpty();
    assertThat(r.status()).isZero();
  }

  @Test
  void aServerWhoseMainReturnedServesWithoutAThreadWarningUntilASignal() {
    try (ChildProcess c =
        ChildProcess.java(ServiceScenarios.class)
            .jvmOptions(List.of("-Dterminus.threads-report-after=200ms"))
            .args("main-returns-server")
            .start()) {
      c.awaitLine("served for 1s").signal("TERM");
      ChildResult r = c.await();
      assertThat(r.stdout()).isEqualTo(lines("main returns", "served for 1s", "http drained"));
      assertThat(r.stderr()).isEqualTo(lines("ServiceScenarios: terminated (SIGTERM)"));
      assertThat(r.status()).isEqualTo(143);
    }
  }

  @Test
  void aProgramThatRegisteredNoServiceStillGetsTheThreadReport() {
    try (ChildProcess c =
        ChildProcess.java(ServiceScenarios.class)
            .jvmOptions(List.of("-Dterminus.threads-report-after=200ms"))
            .args("main-returns-server", "unregistered")
            .start()) {
      c.awaitLine("served for 1s").signal("TERM");
      ChildResult r = c.await();
      assertThat(r.stderr()).contains("the JVM waits for these non-daemon threads");
      assertThat(r.status()).isEqualTo(143);
    }
  }
}
