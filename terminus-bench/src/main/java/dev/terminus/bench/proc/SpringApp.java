package dev.terminus.bench.proc;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;

/**
 * The program under Spring Boot: a minimal non-web application whose tasks are beans. Trivial tasks
 * are {@link DisposableBean}s (destroyed one after the other on close); the slow ones are {@link
 * SmartLifecycle} beans of one phase that stop asynchronously, so Spring waits for them
 * concurrently. {@code exit} ends with {@link SpringApplication#exit}; on SIGTERM Spring's own
 * shutdown hook closes the context.
 */
public final class SpringApp {
  private SpringApp() {}

  /** The (empty) primary configuration. */
  @Configuration(proxyBeanMethods = false)
  public static class Config {}

  /** A trivial cleanup task. */
  public static final class Trivial implements DisposableBean {
    @Override
    public void destroy() {
      Work.trivialTask();
    }
  }

  /** A slow task that stops on its own thread and reports back, as SmartLifecycle allows. */
  public static final class Slow implements SmartLifecycle {
    private volatile boolean running;

    @Override
    public void start() {
      running = true;
    }

    @Override
    public void stop() {
      Work.slowTask();
      running = false;
    }

    @Override
    public void stop(Runnable callback) {
      Thread t =
          new Thread(
              () -> {
                Work.slowTask();
                running = false;
                callback.run();
              });
      t.start();
    }

    @Override
    public boolean isRunning() {
      return running;
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String scenario = Work.scenario(args);
    SpringApplication app = new SpringApplication(Config.class);
    app.setWebApplicationType(WebApplicationType.NONE);
    app.setBannerMode(Banner.Mode.OFF);
    app.setLogStartupInfo(false);
    app.addInitializers(
        ctx -> {
          GenericApplicationContext g = (GenericApplicationContext) ctx;
          int trivial =
              scenario.equals("exit")
                  ? Work.EXIT_TASKS
                  : scenario.equals("many") ? Work.MANY_TASKS : 0;
          for (int i = 0; i < trivial; i++) {
            g.registerBean("task" + i, Trivial.class, Trivial::new);
          }
          if (scenario.equals("slow")) {
            for (int i = 0; i < Work.SLOW_TASKS; i++) {
              g.registerBean("task" + i, Slow.class, Slow::new);
            }
          }
        });
    ConfigurableApplicationContext ctx = app.run(args);
    if (scenario.equals("exit")) {
      Work.small();
      System.exit(SpringApplication.exit(ctx));
    }
    Work.ready();
    Work.waitForSignal();
  }
}
