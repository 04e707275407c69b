package dev.terminus.it;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Programs that serve, run in child JVMs by {@link ServiceIT}: {@code java ServiceScenarios NAME}.
 */
public final class ServiceScenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  private static void scenario(String name, Consumer<String[]> body) {
    ALL.add(name, body);
  }

  private static void say(String line) {
    ScenarioRegistry.say(line);
  }

  private static void respond(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Connection", "close");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static HttpServer server() throws IOException {
    return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
  }

  /** Says {@code line} from a daemon thread after {@code millis}: a fixed point for the test. */
  private static void sayLater(long millis, String line) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
              } catch (InterruptedException e) {
                return;
              }
              say(line);
            },
            "later");
    t.setDaemon(true);
    t.start();
  }

  static {
    // A service that drains before it unwinds: readiness down, keep serving, drain, then unwind.
    scenario(
        "http-service",
        a ->
            Terminus.builder()
                .drainBeforeUnwinding(Duration.ofSeconds(3))
                .build()
                .run(
                    a,
                    x -> {
                      AtomicBoolean ready = new AtomicBoolean(true);
                      CountDownLatch announced = new CountDownLatch(1);
                      HttpServer server = server();
                      ExecutorService handlers = Executors.newFixedThreadPool(4);
                      server.setExecutor(handlers);
                      server.createContext(
                          "/ready",
                          ex -> respond(ex, ready.get() ? 200 : 503, "ready " + ready.get()));
                      server.createContext(
                          "/slow",
                          ex -> {
                            say("slow request started");
                            try {
                              announced.await(30, TimeUnit.SECONDS);
                              Thread.sleep(300);
                            } catch (InterruptedException e) {
                              say("slow request interrupted");
                              Thread.currentThread().interrupt();
                            }
                            respond(ex, 200, "done");
                            say("slow request answered");
                          });
                      Terminus.shutdown()
                          .add(
                              Phase.ANNOUNCE,
                              "readiness",
                              () -> {
                                ready.set(false);
                                announced.countDown();
                                say("readiness down");
                              })
                          .add(
                              Phase.DRAIN,
                              "http",
                              () -> {
                                server.stop(1);
                                say("http drained");
                              })
                          .stop(Phase.STOP_SERVICES, "handlers", Duration.ofSeconds(2), handlers);
                      Terminus.atExit(
                          "database",
                          () -> {
                            say("closing database");
                            Thread.sleep(1000);
                            say("database closed");
                          });
                      server.start();
                      say("port " + server.getAddress().getPort());
                      try {
                        new CountDownLatch(1).await();
                      } finally {
                        say("main unwinds");
                      }
                    }));
    // The README's stop-plan sample: an executor registered with the plan, then main returns.
    scenario(
        "stop-plan-sample",
        a ->
            Terminus.run(
                a,
                x -> {
                  ExecutorService workers = Executors.newFixedThreadPool(2);
                  Terminus.shutdown()
                      .stop(Phase.STOP_SERVICES, "workers", Duration.ofSeconds(5), workers);
                  CountDownLatch done = new CountDownLatch(3);
                  for (int i = 0; i < 3; i++) {
                    workers.submit(done::countDown);
                  }
                  done.await();
                  say("main returns");
                }));
    // A server whose main returns after starting it: it serves until a signal, with no warning.
    scenario(
        "main-returns-server",
        a ->
            Terminus.run(
                a,
                x -> {
                  HttpServer server = server();
                  server.createContext("/", ex -> respond(ex, 200, "ok"));
                  if (!(x.length > 1 && x[1].equals("unregistered"))) {
                    Terminus.shutdown()
                        .add(
                            Phase.DRAIN,
                            "http",
                            () -> {
                              server.stop(1);
                              say("http drained");
                            });
                  }
                  server.start();
                  sayLater(1000, "served for 1s");
                  say("main returns");
                }));
  }

  public static void main(String[] args) {
    ALL.run(args);
  }
}
