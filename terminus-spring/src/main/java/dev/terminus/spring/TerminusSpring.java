package dev.terminus.spring;

import dev.terminus.Exit;
import dev.terminus.MainBody;
import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.time.Duration;
import java.util.Objects;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs a Spring Boot application under {@link Terminus#run(String[], MainBody)}, so that Terminus's
 * coordinated stop, not Spring's own shutdown hook, stops it.
 *
 * <pre>{@code
 * public static void main(String[] args) {   // in App, the @SpringBootApplication class
 *   TerminusSpring.run(args, App.class);
 * }
 * }</pre>
 *
 * <p>Guarantees, on every way the program stops (a signal, {@link Exit#now}, an uncaught exception,
 * a third party's {@code System.exit}, the context closed by the application itself):
 *
 * <ul>
 *   <li>Spring's JVM shutdown hook is not registered ({@code
 *       SpringApplication.setRegisterShutdownHook(false)}); the context is closed by Terminus's
 *       plan, once, inside its deadline.
 *   <li>{@link Phase#ANNOUNCE}, task {@code spring-readiness}: the readiness state becomes {@code
 *       REFUSING_TRAFFIC} ({@code AvailabilityChangeEvent}), so {@code /actuator/health/readiness}
 *       answers 503.
 *   <li>{@link Phase#DRAIN}, task {@code spring-web-server}: Spring's graceful shutdown of the
 *       embedded web server ({@code server.shutdown=graceful}, the default since Spring Boot 3.4):
 *       new connections are refused and the requests in flight complete, within Spring's own bound,
 *       {@code spring.lifecycle.timeout-per-shutdown-phase} (30 s by default); past it the task
 *       fails, and closing the context stops the server and its remaining requests, as Spring does.
 *   <li>{@link Phase#STOP_SERVICES}, task {@code spring-context}: the context closes ({@code
 *       ContextClosedEvent}, the remaining lifecycle beans, then each bean's destroy methods). When
 *       it has not closed within {@code terminus.spring.close-timeout} (10 s by default), the task
 *       fails with a message that names the bean whose destroy method was running, and the stack of
 *       the thread that was closing the context; that thread is interrupted and the plan goes on.
 *       The thread is named {@code spring-context-close: bean '<name>'} while it destroys a bean,
 *       so a report written by the deadline names the bean too.
 *   <li>{@link Phase#LOGGING}, task {@code spring-logging}: Spring Boot's logging system is shut
 *       down (for Logback, {@code LoggerContext.stop()}, which drains async appenders and flushes
 *       files), after every line the stop logged, unless {@code logging.register-shutdown-hook} is
 *       {@code false}.
 *   <li>The tasks are registered before the application starts, so a signal during the start finds
 *       them, and {@code spring-logging} runs after the {@code LOGGING} tasks the application
 *       registers while it starts. A malformed {@code terminus.spring.close-timeout} or {@code
 *       spring.lifecycle.timeout-per-shutdown-phase} (not a positive duration) fails the start.
 *   <li>As with {@code SpringApplication.run}, {@code main} returns once the application has
 *       started, and the process lives on while the server's non-daemon threads run (the JVM's
 *       rule, which {@code Terminus.run} keeps). Terminus gives no warning about those threads: a
 *       plan with {@code ANNOUNCE} or {@code DRAIN} tasks is a program that serves. An application
 *       that leaves no non-daemon thread running (no web server, its runners done) ends at once,
 *       and the plan closes its context.
 * </ul>
 *
 * <p>Safe for concurrent use.
 */
public final class TerminusSpring {
  /** The Spring property that bounds the {@code spring-context} task: {@value}. */
  public static final String CLOSE_TIMEOUT_PROPERTY = "terminus.spring.close-timeout";

  /** The close timeout when {@value #CLOSE_TIMEOUT_PROPERTY} is not set: 10 s. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private TerminusSpring() {}

  /**
   * Runs a Spring Boot application made of {@code sources} under {@link Terminus#run(String[],
   * MainBody)} and exits the process when it has stopped; never returns.
   *
   * <p>The runner drains before unwinding ({@link Terminus.Builder#drainBeforeUnwinding}) with no
   * serving delay unless {@code terminus.drain-first} / {@code TERMINUS_DRAIN_FIRST} sets one: on
   * SIGTERM the readiness goes down, the program keeps serving for the delay, the web server
   * drains, and only then is an exit requested, so the requests in flight finish undisturbed
   * ({@link Exit#checkpoint()} does not throw in them). Other settings: run {@link #start} with a
   * configured runner.
   *
   * @param args the command-line arguments, passed to the application
   * @param sources the application's primary sources, as for {@link SpringApplication}
   * @throws IllegalArgumentException if {@code sources} is empty
   * @throws IllegalStateException if a Terminus runner is already active in this JVM
   * @throws NullPointerException if {@code args}, {@code sources} or one of them is null
   */
  public static void run(String[] args, Class<?>... sources) {
    Objects.requireNonNull(args, "args");
    Objects.requireNonNull(sources, "sources");
    if (sources.length == 0) {
      throw new IllegalArgumentException("sources is empty: name the application's class");
    }
    for (Class<?> s : sources) {
      Objects.requireNonNull(s, "sources[]");
    }
    SpringApplication application = new SpringApplication(sources);
    Terminus.builder()
        .drainBeforeUnwinding(Duration.ZERO)
        .build()
        .run(args, a -> start(application, a));
  }

  /**
   * Runs {@code application} with {@code args} inside a Terminus main body, with the stop tasks
   * described above, and returns the started context, as {@link SpringApplication#run(String...)}
   * does; the main body may then return.
   *
   * <pre>{@code
   * Terminus.builder()
   *     .drainBeforeUnwinding(Duration.ofSeconds(5))
   *     .build()
   *     .run(args, a -> TerminusSpring.start(new SpringApplication(App.class), a));
   * }</pre>
   *
   * @param application the application, configured as the caller wants; its shutdown hook is turned
   *     off
   * @param args the application's arguments
   * @return the running application context
   * @throws NullPointerException if {@code application} or {@code args} is null
   */
  public static ConfigurableApplicationContext start(SpringApplication application, String[] args) {
    Objects.requireNonNull(application, "application");
    Objects.requireNonNull(args, "args");
    return new SpringStop(application).start(args);
  }
}
