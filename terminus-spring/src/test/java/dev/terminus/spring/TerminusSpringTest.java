package dev.terminus.spring;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;

/** {@link TerminusSpring}'s argument checks, in this JVM: each fails before anything starts. */
class TerminusSpringTest {

  @Test
  void runRejectsNullArgs() {
    assertThatThrownBy(() -> TerminusSpring.run(null, TerminusSpringTest.class))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("args");
  }

  @Test
  void runRejectsNullSources() {
    assertThatThrownBy(() -> TerminusSpring.run(new String[0], (Class<?>[]) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sources");
  }

  @Test
  void runRejectsANullSource() {
    assertThatThrownBy(() -> TerminusSpring.run(new String[0], TerminusSpringTest.class, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("sources[]");
  }

  @Test
  void runRejectsNoSources() {
    assertThatThrownBy(() -> TerminusSpring.run(new String[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sources is empty: name the application's class");
  }

  @Test
  void startRejectsANullApplication() {
    assertThatThrownBy(() -> TerminusSpring.start(null, new String[0]))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("application");
  }

  @Test
  void startRejectsNullArgs() {
    assertThatThrownBy(
            () -> TerminusSpring.start(new SpringApplication(TerminusSpringTest.class), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("args");
  }
}
