package dev.terminus.it;

import static dev.terminus.it.ScenarioRegistry.say;

import dev.terminus.Phase;
import dev.terminus.Terminus;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/** Programs for ConfigIT: {@code java ConfigScenarios NAME}, configured from outside. */
public final class ConfigScenarios {
  private static final ScenarioRegistry ALL = new ScenarioRegistry();

  static {
    ALL.add("body", a -> Terminus.run(a, x -> say("body ran")));
    // A task whose timeout passes any deadline under 5m: the warning names the deadline in force.
    ALL.add(
        "budget",
        a ->
            Terminus.run(
                a,
                x -> {
                  Terminus.shutdown().add(Phase.FLUSH, "slow", Duration.ofMinutes(5), () -> {});
                  say("registered");
                }));
    ALL.add(
        "await-signal",
        a ->
            Terminus.run(
                a,
                x -> {
                  try {
                    say("ready");
                    new CountDownLatch(1).await();
                  } finally {
                    say("finally ran");
                  }
                }));
  }

  private ConfigScenarios() {}

  public static void main(String[] args) {
    ALL.run(args);
  }
}
