package dev.terminus.spring.docs;

import dev.terminus.Terminus;
import dev.terminus.spring.TerminusSpring;
import dev.terminus.spring.app.WebApp;
import java.time.Duration;
import org.springframework.boot.SpringApplication;

/**
 * The configured-runner sample of docs/services.md, compiled; {@code TerminusSpringIT} runs it, on
 * the tests' {@code WebApp}.
 */
public final class ConfiguredShop {
  private ConfiguredShop() {}

  public static void main(String[] args) {
    Terminus.builder()
        .drainBeforeUnwinding(Duration.ofSeconds(5))
        .build()
        .run(args, a -> TerminusSpring.start(new SpringApplication(WebApp.class), a));
  }
}
