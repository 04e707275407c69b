package dev.terminus.spring.app;

import ch.qos.logback.classic.LoggerContext;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import dev.terminus.spring.TerminusSpring;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A Spring Boot web application for the tests' child JVMs: Tomcat on a free port, Actuator's
 * readiness and liveness probes, Logback writing through an async appender to a buffered file.
 *
 * <p>It speaks to the test on stdout ({@code ready <port>}, {@code slow: in flight}, {@code
 * hungBean: hanging}) and logs everything else. {@code GET /slow} answers once the test writes a
 * line to stdin. The first argument picks how it runs: {@code terminus} ({@link
 * TerminusSpring#run}), {@code configured} ({@link TerminusSpring#start} with a configured runner),
 * or {@code plain} ({@code SpringApplication.run} in {@code Terminus.run}, Spring's own shutdown
 * hook on, with the Logback logging-last recipe of docs/logging.md).
 */
@SpringBootApplication
public class WebApp {
  static final Logger LOG = LoggerFactory.getLogger(WebApp.class);
  private static final BufferedReader STDIN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  public static void main(String[] args) {
    String how = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    switch (how) {
      case "terminus":
        TerminusSpring.run(rest, WebApp.class);
        break;
      case "configured": // the sample in docs/services.md
        Terminus.builder()
            .drainBeforeUnwinding(Duration.ofSeconds(5))
            .build()
            .run(rest, a -> TerminusSpring.start(new SpringApplication(WebApp.class), a));
        break;
      case "plain":
        Terminus.run(
            rest,
            a -> {
              Terminus.shutdown()
                  .add(
                      Phase.LOGGING,
                      "logback",
                      () -> ((LoggerContext) LoggerFactory.getILoggerFactory()).stop());
              SpringApplication.run(WebApp.class, a);
              System.out.println("plain: run returned");
            });
        break;
      default:
        throw new IllegalArgumentException(how);
    }
  }

  /** Registers the application's own cleanup, as an application would while it starts. */
  public WebApp() {
    Terminus.atExit("store", () -> LOG.info("cleanup: store closed"));
    Terminus.shutdown().add(Phase.LOGGING, "last-words", () -> LOG.info("logging: last line"));
  }

  private volatile int port;

  @EventListener
  void serving(WebServerInitializedEvent event) {
    if (event.getApplicationContext().getServerNamespace() == null) {
      port = event.getWebServer().getPort();
    }
  }

  /**
   * Says {@code ready <port>} once readiness is up: Spring Boot turns it on after the web server
   * has started (and after ApplicationReadyEvent), so a test that probes readiness right after the
   * line sees 200. Ordered last, after Spring's own availability bean has recorded the state.
   */
  @EventListener
  @Order(Ordered.LOWEST_PRECEDENCE)
  void accepting(AvailabilityChangeEvent<ReadinessState> event) {
    if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC && port != 0) {
      System.out.println("ready " + port);
    }
  }

  @RestController
  static class Endpoints {
    private final ConfigurableApplicationContext context;

    Endpoints(ConfigurableApplicationContext context) {
      this.context = context;
    }

    @GetMapping("/slow")
    String slow() throws IOException {
      System.out.println("slow: in flight");
      String line;
      synchronized (STDIN) {
        line = STDIN.readLine();
      }
      LOG.info("slow: answered ({})", line);
      return "done";
    }

    @GetMapping("/hello")
    String hello() {
      return "hello";
    }

    /** Closes the context from a thread of its own, as Actuator's shutdown endpoint does. */
    @GetMapping("/close")
    String close() {
      new Thread(context::close, "closer").start();
      return "closing";
    }
  }

  /** A bean whose destroy method logs, or with {@code app.hang=true} never returns. */
  @Component("hungBean")
  static class HungBean implements DisposableBean {
    @Value("${app.hang:false}")
    boolean hang;

    @Override
    public void destroy() {
      LOG.info("hungBean: destroying");
      if (hang) {
        System.out.println("hungBean: hanging");
        while (true) {
          LockSupport.park(); // ignores interrupts, as a stuck driver call would
        }
      }
      LOG.info("hungBean: destroyed");
    }
  }
}
