package dev.terminus.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.it.Child.Result;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** System.out under Terminus.run on a pipe whose reader leaves. */
@Timeout(300)
class OutputIT {
  private static String shellCommand(String scenario, String... jvm) {
    return Child.command(OutputScenarios.class, List.of(jvm)).stream()
        .map(s -> "'" + s + "'").collect(Collectors.joining(" ")) + " " + scenario;
  }

  /** Pipes the scenario into {@code head -n 1}, which exits after the first line. */
  private static Result intoHead(String... jvm) {
    String pipeline = shellCommand("yes", jvm) + " | head -n 1";
    try (Child c = Child.exec(List.of("bash", "-c", pipeline), Map.of(), null)) {
      return c.finish();
    }
  }

  @Test
  void checkErrorTurnsTrueOnceTheReaderOfThePipeIsGone() {
    Result r = intoHead();
    assertThat(r.stdout()).isEqualTo("y\n");
    assertThat(r.stderr()).isEqualTo("checkError true" + System.lineSeparator());
  }

  @Test
  void theJdksOwnStreamDoesTheSame() {
    Result r = intoHead("-Dterminus.stdout=jdk");
    assertThat(r.stderr()).isEqualTo("checkError true" + System.lineSeparator());
  }
}
