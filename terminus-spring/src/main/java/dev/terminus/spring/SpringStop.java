package dev.terminus.spring;

import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.springframework.beans.factory.config.DestructionAwareBeanPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.web.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.Environment;

/**
 * One Spring application's stop under Terminus: the tasks {@link TerminusSpring} promises.
 *
 * <p>Design: every task is registered before the application starts, so a signal during the start
 * finds them (in {@code LOGGING} they then run after the tasks the application registers while it
 * starts). The context is known from the initializer on (before refresh); a task that finds no
 * context, or a closed one, does nothing. The context is closed on a thread of its own ({@value
 * #CLOSER}), so that the task can give up on a close that hangs and say which bean it hung in: a
 * bean post-processor notes each bean whose destruction begins on that thread, and renames the
 * thread after it.
 *
 * <p>Safe for concurrent use: the fields are written once, or only by the closing thread, and read
 * through volatile references.
 */
final class SpringStop
    implements ApplicationContextInitializer<ConfigurableApplicationContext>,
        ApplicationListener<ContextClosedEvent> {
  static final String CLOSER = "spring-context-close";
  private static final String DISPOSABLE_ADAPTER =
      "org.springframework.beans.factory.support.DisposableBeanAdapter";
  private static final String PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";
  private static final Duration SPRING_PHASE_TIMEOUT = Duration.ofSeconds(30);

  private final SpringApplication application;
  private volatile ConfigurableApplicationContext context;
  private volatile Duration closeTimeout = TerminusSpring.DEFAULT_CLOSE_TIMEOUT;
  private volatile Duration drainTimeout = SPRING_PHASE_TIMEOUT;
  private volatile Runnable loggingShutdown;
  private volatile Thread closer;

  /** The bean whose destruction began last on the closing thread, as {@code 'name' (class)}. */
  private volatile String destroying;

  SpringStop(SpringApplication application) {
    this.application = application;
  }

  ConfigurableApplicationContext start(String[] args) {
    application.setRegisterShutdownHook(false);
    application.addInitializers(this);
    application.addListeners(this);
    Terminus.shutdown()
        .add(Phase.LOGGING, "spring-logging", this::stopLogging)
        .add(Phase.STOP_SERVICES, "spring-context", this::closeContext)
        .add(Phase.DRAIN, "spring-web-server", this::drainWebServer)
        .add(Phase.ANNOUNCE, "spring-readiness", this::refuseTraffic);
    return application.run(args);
  }

  /** Takes the context, reads the timeouts (a bad value fails the start), tracks destruction. */
  @Override
  public void initialize(ConfigurableApplicationContext applicationContext) {
    if (context != null) {
      return;
    }
    Environment env = applicationContext.getEnvironment();
    closeTimeout =
        positive(
            env.getProperty(
                TerminusSpring.CLOSE_TIMEOUT_PROPERTY,
                Duration.class,
                TerminusSpring.DEFAULT_CLOSE_TIMEOUT),
            TerminusSpring.CLOSE_TIMEOUT_PROPERTY);
    drainTimeout =
        positive(
            env.getProperty(PHASE_TIMEOUT, Duration.class, SPRING_PHASE_TIMEOUT), PHASE_TIMEOUT);
    applicationContext.getBeanFactory().addBeanPostProcessor(new DestroyTracker());
    context = applicationContext;
  }

  /**
   * The context begins to close, whoever closes it: its beans are still there, so take Spring
   * Boot's logging system now, for the {@code spring-logging} task.
   */
  @Override
  public void onApplicationEvent(ContextClosedEvent event) {
    ConfigurableApplicationContext ctx = context;
    if (ctx == null || event.getApplicationContext() != ctx) {
      return; // a child context's event, passed on to its parent
    }
    if (ctx.getEnvironment().getProperty("logging.register-shutdown-hook", Boolean.class, true)
        && ctx.containsBean(LoggingApplicationListener.LOGGING_SYSTEM_BEAN_NAME)) {
      loggingShutdown =
          ctx.getBean(LoggingApplicationListener.LOGGING_SYSTEM_BEAN_NAME, LoggingSystem.class)
              .getShutdownHandler();
    }
  }

  private static Duration positive(Duration d, String property) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(property + " " + d + " must be positive");
    }
    return d;
  }

  private void refuseTraffic() {
    ConfigurableApplicationContext ctx = context;
    if (ctx != null && ctx.isActive()) {
      AvailabilityChangeEvent.publish(ctx, ReadinessState.REFUSING_TRAFFIC);
    }
  }

  /**
   * Runs Spring's graceful shutdown of the web server now and waits for it. The lifecycle bean is
   * then no longer running, so closing the context does not run it again.
   */
  private void drainWebServer() throws InterruptedException {
    ConfigurableApplicationContext ctx = context;
    if (ctx == null || !ctx.isActive()) {
      return;
    }
    for (WebServerGracefulShutdownLifecycle server :
        ctx.getBeansOfType(WebServerGracefulShutdownLifecycle.class, false, false).values()) {
      if (server.isRunning()) {
        CountDownLatch done = new CountDownLatch(1);
        server.stop(done::countDown);
        Duration timeout = drainTimeout;
        if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
          throw new IllegalStateException(
              "the web server's requests in flight did not finish within "
                  + format(timeout)
                  + " ("
                  + PHASE_TIMEOUT
                  + "); closing the context stops them");
        }
      }
    }
  }

  private void closeContext() throws Exception {
    ConfigurableApplicationContext ctx = context;
    if (ctx == null || !ctx.isActive()) {
      return;
    }
    Throwable[] failure = new Throwable[1];
    CountDownLatch done = new CountDownLatch(1);
    Thread t =
        new Thread(
            () -> {
              try {
                ctx.close();
              } catch (Throwable e) { // handed to the task, which reports it
                failure[0] = e;
              } finally {
                done.countDown();
              }
            },
            CLOSER);
    t.setDaemon(false); // listed among the threads of a report written while it hangs
    closer = t;
    t.start();
    Duration timeout = closeTimeout;
    try {
      if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        throw hung(t, timeout);
      }
    } catch (InterruptedException e) {
      t.interrupt();
      throw e;
    }
    if (failure[0] instanceof Exception) {
      throw (Exception) failure[0];
    }
    if (failure[0] != null) {
      throw new IllegalStateException("closing the application context failed", failure[0]);
    }
  }

  private IllegalStateException hung(Thread t, Duration timeout) {
    StackTraceElement[] stack = t.getStackTrace();
    boolean inDestroy = false;
    for (StackTraceElement e : stack) {
      inDestroy |= e.getClassName().equals(DISPOSABLE_ADAPTER);
    }
    String bean = destroying;
    String what =
        inDestroy && bean != null
            ? "bean " + bean + " did not return from its destroy method"
            : "the application context did not close";
    t.interrupt();
    IllegalStateException e =
        new IllegalStateException(
            what
                + " within "
                + format(timeout)
                + " ("
                + TerminusSpring.CLOSE_TIMEOUT_PROPERTY
                + "); the thread closing it was interrupted at"
                + " this exception's frames");
    e.setStackTrace(stack);
    return e;
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private void stopLogging() {
    Runnable r = loggingShutdown;
    if (r != null) {
      r.run();
    }
  }

  /** Notes, on the closing thread only, the bean whose destruction begins. */
  private final class DestroyTracker implements DestructionAwareBeanPostProcessor {
    @Override
    public void postProcessBeforeDestruction(Object bean, String beanName) {
      Thread t = Thread.currentThread();
      if (t == closer) {
        destroying = "'" + beanName + "' (" + bean.getClass().getName() + ")";
        t.setName(CLOSER + ": bean '" + beanName + "'");
      }
    }

    /** Every bean: which one hangs is not known in advance. */
    @Override
    public boolean requiresDestruction(Object bean) {
      return true;
    }
  }
}
