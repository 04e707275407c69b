package dev.terminus.spring.docs;

import dev.terminus.spring.TerminusSpring;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's and docs/services.md's Spring Boot sample, compiled. Outside the {@code app}
 * package, so {@code WebApp}'s component scan does not find it; {@code TerminusSpringIT} runs the
 * same call on {@code WebApp} ({@code terminus} mode).
 */
@SpringBootApplication
public class Shop {
  public static void main(String[] args) {
    TerminusSpring.run(args, Shop.class);
  }
}
