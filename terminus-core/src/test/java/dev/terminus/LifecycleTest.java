package dev.terminus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.terminus.Lifecycle.Ending;
import dev.terminus.Lifecycle.JvmExit;
import dev.terminus.Lifecycle.SignalOutcome;
import dev.terminus.Lifecycle.Stage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The lifecycle state machine in-JVM: every transition, and every pair of events in both orders.
 */
class LifecycleTest {
  private static final long MS = 1_000_000L;

  private static ExitException exit(int status) {
    return new ExitException(status, null, null);
  }

  private static SignalExit signal(StopSignal s) {
    return new SignalExit(s, s.exitStatus(), null);
  }

  @Test
  void firstRequestWinsAndLaterOnesAreRefused() {
    Lifecycle l = new Lifecycle();
    ExitException first = exit(3);
    assertThat(l.request(first)).isTrue();
    assertThat(l.request(exit(4))).isFalse();
    assertThat(l.pending()).isSameAs(first);
    assertThat(l.state().stage).isEqualTo(Stage.REQUESTED);
  }

  @Test
  void withdrawReturnsToRunningOnlyForThePendingRequest() {
    Lifecycle l = new Lifecycle();
    ExitException first = exit(3);
    l.request(first);
    assertThat(l.withdraw(exit(3))).as("another request").isFalse();
    assertThat(l.withdraw(first)).isTrue();
    assertThat(l.state().stage).isEqualTo(Stage.RUNNING);
    assertThat(l.pending()).isNull();
    assertThat(l.withdraw(first)).as("idempotent").isFalse();
  }

  @Test
  void aSignalThatFindsARequestPendingIsNotedAndTheRequestStands() {
    Lifecycle l = new Lifecycle();
    ExitException first = exit(3);
    l.request(first);
    assertThat(l.signal(signal(StopSignal.TERM), 0)).isEqualTo(SignalOutcome.NOTED);
    assertThat(l.pending()).isSameAs(first);
    assertThat(l.state().stage).isEqualTo(Stage.REQUESTED);
  }

  @Test
  void onlyASecondSignalForces() {
    Lifecycle l = new Lifecycle();
    assertThat(l.signal(signal(StopSignal.INT), 0)).isEqualTo(SignalOutcome.REQUESTED);
    assertThat(l.beginStop(130)).isTrue();
    assertThat(l.signal(signal(StopSignal.INT), 500 * MS)).isEqualTo(SignalOutcome.FORCE);
    assertThat(l.state().stage).isEqualTo(Stage.EXITING);
    assertThat(l.state().forced).isTrue();
    assertThat(l.signal(signal(StopSignal.INT), 900 * MS))
        .as("forced once")
        .isEqualTo(SignalOutcome.IGNORED);
  }

  @Test
  void theSameSignalDeliveredTwiceAtOnceIsOneDelivery() {
    Lifecycle l = new Lifecycle();
    l.signal(signal(StopSignal.TERM), 0);
    assertThat(l.signal(signal(StopSignal.TERM), Lifecycle.DUPLICATE_NANOS - 1))
        .isEqualTo(SignalOutcome.DUPLICATE);
    assertThat(l.signal(signal(StopSignal.INT), Lifecycle.DUPLICATE_NANOS - 1))
        .as("a different signal is a second signal")
        .isEqualTo(SignalOutcome.FORCE);
  }

  @Test
  void aFirstSignalDuringAStopThatMainsReturnBeganIsOnlyNoted() {
    Lifecycle l = new Lifecycle();
    l.beginStop(0);
    assertThat(l.signal(signal(StopSignal.INT), 0)).isEqualTo(SignalOutcome.NOTED);
    assertThat(l.state().stage).isEqualTo(Stage.STOPPING);
    assertThat(l.signal(signal(StopSignal.INT), 10 * MS)).isEqualTo(SignalOutcome.FORCE);
  }

  @Test
  void withdrawnSignalForgetsItSoTheNextCtrlCIsAFirstOneAgain() {
    Lifecycle l = new Lifecycle();
    SignalExit first = signal(StopSignal.INT);
    l.signal(first, 0);
    l.withdraw(first);
    assertThat(l.signal(signal(StopSignal.INT), 10 * MS)).isEqualTo(SignalOutcome.REQUESTED);
  }

  @Test
  void jvmExitWithARunnerThatCanDriveLetsItDrive() {
    Lifecycle l = new Lifecycle();
    ExitException foreign = new ExitException.Foreign(null);
    assertThat(l.jvmExit(foreign, true)).isEqualTo(JvmExit.RUNNER_DRIVES);
    assertThat(l.pending()).as("checkpoints and sections see it").isSameAs(foreign);
    assertThat(l.withdraw(foreign)).as("the JVM's exit cannot be withdrawn").isFalse();
    assertThat(l.beginStop(Lifecycle.UNKNOWN)).isTrue();
    assertThat(l.stopped()).isTrue();
    assertThat(l.exiting(Ending.EXIT)).as("a second System.exit would block").isFalse();
    assertThat(l.exiting(Ending.HALT)).isTrue();
  }

  @Test
  void jvmExitWithNoRunnerIsDrivenByTheHookWithTheStatusUnknown() {
    Lifecycle l = new Lifecycle();
    assertThat(l.jvmExit(new ExitException.Foreign(null), false)).isEqualTo(JvmExit.HOOK_DRIVES);
    assertThat(l.state().status).isEqualTo(Lifecycle.UNKNOWN);
    assertThat(l.beginStop(0)).as("one driver").isFalse();
  }

  @Test
  void jvmExitAfterAPendingRequestKeepsThatRequestsStatus() {
    Lifecycle l = new Lifecycle();
    l.request(exit(5));
    assertThat(l.jvmExit(new ExitException.Foreign(null), false)).isEqualTo(JvmExit.HOOK_DRIVES);
    assertThat(l.state().status).isEqualTo(5);
  }

  @Test
  void theRunnersOwnExitIsRecognisedByTheHook() {
    Lifecycle l = new Lifecycle();
    l.beginStop(0);
    l.stopped();
    assertThat(l.exiting(Ending.EXIT)).isTrue();
    assertThat(l.jvmExit(new ExitException.Foreign(null), true)).isEqualTo(JvmExit.OWN);
  }

  @Test
  void aHaltOvertakesEverythingButAnotherHaltOrAForcedSignal() {
    Lifecycle l = new Lifecycle();
    l.beginStop(0);
    assertThat(l.halting(124)).isTrue();
    assertThat(l.stopped()).as("the stop was overtaken").isFalse();
    assertThat(l.halting(3)).isFalse();
    assertThat(l.state().status).isEqualTo(124);
  }

  // --- Every pair of events, in both orders ------------------------------------------------------

  private static final ExitException A = exit(3);
  private static final ExitException B = exit(4);

  private static Map<String, Function<Lifecycle, Object>> events(long at) {
    Map<String, Function<Lifecycle, Object>> e = new LinkedHashMap<>();
    e.put("request A", l -> l.request(A));
    e.put("request B", l -> l.request(B));
    e.put("withdraw A", l -> l.withdraw(A));
    e.put("SIGINT", l -> l.signal(signal(StopSignal.INT), at));
    e.put("SIGTERM", l -> l.signal(signal(StopSignal.TERM), at));
    e.put("jvm exit (runner)", l -> l.jvmExit(new ExitException.Foreign(null), true));
    e.put("jvm exit (hook)", l -> l.jvmExit(new ExitException.Foreign(null), false));
    e.put("begin stop", l -> l.beginStop(0));
    e.put("stopped", Lifecycle::stopped);
    e.put("exit", l -> l.exiting(Ending.EXIT));
    e.put("halt", l -> l.halting(124));
    return e;
  }

  @Test
  void everyPairOfEventsInBothOrdersKeepsTheInvariants() {
    List<String> names = new ArrayList<>(events(0).keySet());
    int pairs = 0;
    for (String first : names) {
      for (String second : names) {
        Lifecycle l = new Lifecycle();
        Lifecycle.State s0 = l.state();
        events(0).get(first).apply(l);
        Lifecycle.State s1 = l.state();
        events(10 * MS).get(second).apply(l);
        Lifecycle.State s2 = l.state();
        String pair = first + " then " + second + ": " + s0 + " -> " + s1 + " -> " + s2;
        // Exiting is final.
        if (s1.stage == Stage.EXITING) {
          assertThat(s2.stage).as(pair).isEqualTo(Stage.EXITING);
        }
        // The stage only moves forward, except a withdrawal back to RUNNING.
        if (!second.startsWith("withdraw")) {
          assertThat(s2.stage.compareTo(s1.stage)).as(pair).isGreaterThanOrEqualTo(0);
        }
        // The first request stands: a later event never replaces it, only a withdrawal clears it.
        if (s1.request != null && !second.startsWith("withdraw")) {
          assertThat(s2.request).as(pair).isSameAs(s1.request);
        }
        // Nothing but a request, a signal or the JVM's exit creates one.
        if (s1.request == null && s2.request != null) {
          assertThat(second).as(pair).matches("request.*|SIG.*|jvm exit.*");
        }
        // The JVM's exit, once begun, is never forgotten.
        if (s1.jvmExiting) {
          assertThat(s2.jvmExiting).as(pair).isTrue();
        }
        // A stop in progress has exactly one driver.
        if (s2.stage == Stage.STOPPING) {
          assertThat(s2.driver).as(pair).isNotNull();
        }
        // A status is never invented as 0 for the JVM's exit begun by a third party.
        if (s2.request instanceof ExitException.Foreign
            && s2.stage == Stage.STOPPING
            && s2.driver == Lifecycle.Driver.HOOK) {
          assertThat(s2.status).as(pair).isEqualTo(Lifecycle.UNKNOWN);
        }
        pairs++;
      }
    }
    assertThat(pairs).isEqualTo(names.size() * names.size());
  }
}
