package dev.terminus.spring.docs;

import dev.terminus.spring.TerminusSpring;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's and docs/services.md's Spring Boot sample, compiled; {@code TerminusSpringIT} runs
 * it. Outside the {@code app} package, so {@code WebApp}'s component scan does not find it.
 */
@SpringBootApplication
public class Shop {
  public static void main(String[] args) {
    TerminusSpring.run(args, Shop.class);
  }
}
