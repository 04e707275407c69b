package dev.terminus.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

class TerminusExtensionIT {
  /** Pids seen by the sample tests below, read back by the real tests (one run at a time). */
  static final AtomicLong SLEEPER = new AtomicLong();

  /** Run by the JUnit Platform test kit, not directly: its tests are the subjects. */
  @ExtendWith(TerminusExtension.class)
  static class Samples {
    @Test
    void leavesAChildRunning(Children children) {
      ChildProcess c = children.command("sh", "-c", "echo ready; exec sleep 600").start();
      c.awaitLine("ready");
      SLEEPER.set(c.pid());
    }

    @Test
    void leavesAGrandchildRunning(Children children) {
      ChildResult r =
          children.command("sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $!").start().await();
      SLEEPER.set(Long.parseLong(r.stdout().strip()));
    }

    @Test
    void closesWhatItStarted(Children children) {
      try (ChildProcess c = children.command("sh", "-c", "echo ready; exec sleep 600").start()) {
        c.awaitLine("ready");
        SLEEPER.set(c.pid());
      }
    }

    @Test
    void waitsForItsChildToEnd(Children children) {
      children.command("true").run();
    }
  }

  private static Events run(String method) {
    return EngineTestKit.engine("junit-jupiter")
        .configurationParameter("junit.jupiter.conditions.deactivate", "*")
        .selectors(
            org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod(
                Samples.class, method, Children.class.getName()))
        .execute()
        .testEvents();
  }

  private static List<String> failures(Events events) {
    List<String> messages = new ArrayList<>();
    events
        .failed()
        .stream()
        .map(Event::getPayload)
        .forEach(
            p ->
                p.ifPresent(
                    x ->
                        messages.add(
                            String.valueOf(
                                ((org.junit.platform.engine.TestExecutionResult) x)
                                    .getThrowable()
                                    .map(Throwable::getMessage)
                                    .orElse("")))));
    return messages;
  }

  @Test
  void aChildStillRunningAfterTheTestFailsItAndIsKilled() {
    Events events = run("leavesAChildRunning");
    assertThat(events.failed().count()).isEqualTo(1);
    assertThat(failures(events).get(0))
        .contains("processes outlived the test and were killed")
        .contains(SLEEPER.get() + " (");
    assertThat(Processes.isAlive(SLEEPER.get())).isFalse();
  }

  @Test
  void aGrandchildStillRunningAfterTheTestFailsItAndIsKilled() {
    Events events = run("leavesAGrandchildRunning");
    assertThat(events.failed().count()).isEqualTo(1);
    assertThat(failures(events).get(0)).contains(SLEEPER.get() + " (");
    assertThat(Processes.isAlive(SLEEPER.get())).isFalse();
  }

  @Test
  void aTestThatClosesItsChildrenPasses() {
    assertThat(run("closesWhatItStarted").succeeded().count()).isEqualTo(1);
    assertThat(run("waitsForItsChildToEnd").succeeded().count()).isEqualTo(1);
    assertThat(Processes.isAlive(SLEEPER.get())).isFalse();
  }
}
