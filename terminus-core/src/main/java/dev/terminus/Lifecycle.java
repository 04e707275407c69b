package dev.terminus;

/**
 * The lifecycle of one run: the state machine that every way of stopping drives.
 *
 * <p>Design: the whole state is one immutable {@link State} in one volatile field, read without a
 * lock. Every change is a named transition, a compare-and-set loop (the compare-and-set holds this
 * object's monitor for two field accesses) that either moves to the next state or refuses, and
 * reports which it did; it has no other effect. The coordinator ({@link Run}) acts on the answer:
 * interrupts the main thread, arms the watchdog, runs the stop, ends the process. So the states can
 * be unit-tested in milliseconds, every pair of events in both orders.
 *
 * <pre>
 *   RUNNING ──request/signal──▶ REQUESTED ──withdraw──▶ RUNNING
 *      │                           │
 *      └──────── beginStop ────────┴──▶ STOPPING ──stopped──▶ STOPPED ──exiting──▶ EXITING
 *                                           (driven by the runner or the JVM hook;
 *   any state but EXITING ──force / halt──▶ EXITING        status known or unknown)
 * </pre>
 *
 * <ul>
 *   <li><b>RUNNING</b>: no exit requested. Sections may be entered.
 *   <li><b>REQUESTED</b>: the first request ({@link Exit#now}, a signal, or the JVM's own exit
 *       begun by a third party's {@code System.exit}) is pending; later requests are refused, so
 *       the first decides the status. Only {@link #withdraw} returns to RUNNING.
 *   <li><b>STOPPING</b>: the plan runs, driven by exactly one thread: the runner's, or the JVM
 *       shutdown hook's when no runner thread can. The status is known, or {@link #UNKNOWN} when a
 *       third party's {@code System.exit} started the exit.
 *   <li><b>STOPPED</b>: the plan has run.
 *   <li><b>EXITING</b>: the process is ending by {@code exit}, by {@code halt} (the deadline, or a
 *       forced stop), or by the signal itself. Nothing moves it back.
 * </ul>
 *
 * <p>Signals: the first signal received while an exit is already pending or under way only notes
 * itself (the first request's status stands); a second, different delivery forces the exit. A
 * repeat of the same signal within {@link #DUPLICATE_NANOS} of the first is the same delivery
 * arriving twice (a terminal's Ctrl+C reaches a supervisor and its child; coreutils {@code timeout}
 * signals the child, then its group) and is ignored.
 *
 * <p>Safe for concurrent use.
 */
final class Lifecycle {
  /** A status that is not known: a third party's {@code System.exit} chose it. */
  static final int UNKNOWN = -1;

  /**
   * Two deliveries of the same signal closer than this (1 ms) count as one: coreutils {@code
   * timeout} signals its child and then its process group, and the kernel merges the two only when
   * the first is still pending. A person's second Ctrl+C, or a test's, comes much later.
   */
  static final long DUPLICATE_NANOS = 1_000_000L;

  enum Stage {
    RUNNING,
    REQUESTED,
    STOPPING,
    STOPPED,
    EXITING
  }

  /** Who runs the stop. */
  enum Driver {
    RUNNER,
    HOOK
  }

  /** How the process ends. */
  enum Ending {
    EXIT,
    HALT,
    SIGNAL
  }

  /** One immutable state. */
  static final class State {
    final Stage stage;

    /** The first request; kept from REQUESTED to the end. Null when none was made. */
    final ExitException request;

    /** STOPPING and after: who runs the stop. */
    final Driver driver;

    /** STOPPING and after: the exit status, or {@link #UNKNOWN}. */
    final int status;

    /** The first signal received since the last withdrawal, or null. */
    final StopSignal signal;

    /** When {@link #signal} arrived, in {@link System#nanoTime()}. */
    final long signalAt;

    /** Whether the JVM's own shutdown (its hooks) has begun. */
    final boolean jvmExiting;

    /** EXITING: how. */
    final Ending ending;

    /** EXITING: whether a second signal forced it. */
    final boolean forced;

    private State(
        Stage stage,
        ExitException request,
        Driver driver,
        int status,
        StopSignal signal,
        long signalAt,
        boolean jvmExiting,
        Ending ending,
        boolean forced) {
      this.stage = stage;
      this.request = request;
      this.driver = driver;
      this.status = status;
      this.signal = signal;
      this.signalAt = signalAt;
      this.jvmExiting = jvmExiting;
      this.ending = ending;
      this.forced = forced;
    }

    private State stage(Stage s) {
      return new State(s, request, driver, status, signal, signalAt, jvmExiting, ending, forced);
    }

    /** The request that is pending, or null: set from REQUESTED to the end. */
    ExitException pending() {
      return stage == Stage.RUNNING ? null : request;
    }

    @Override
    public String toString() {
      return stage
          + (request != null ? " request=" + request.status() : "")
          + (driver != null ? " by " + driver : "")
          + (stage.compareTo(Stage.STOPPING) >= 0 ? " status=" + status : "")
          + (signal != null ? " signal=" + signal : "")
          + (jvmExiting ? " jvm-exiting" : "")
          + (ending != null ? " ending=" + ending : "")
          + (forced ? " forced" : "");
    }
  }

  static final State INITIAL =
      new State(Stage.RUNNING, null, null, UNKNOWN, null, 0, false, null, false);

  /**
   * Changed only by {@link #compareAndSet}. Not an {@code AtomicReference}: its first use in a JVM
   * initialises the VarHandle machinery, 1-3 ms on the start path of every program.
   */
  private volatile State state = INITIAL;

  State state() {
    return state;
  }

  /** The pending request, or null; a volatile read. */
  ExitException pending() {
    return state.pending();
  }

  /**
   * Replaces {@code expected} by {@code next} if it is still the state; every transition's step.
   */
  private synchronized boolean compareAndSet(State expected, State next) {
    if (state != expected) {
      return false;
    }
    state = next;
    return true;
  }

  // ---------------------------------------------------------------------------------------------
  // Transitions. Each returns what happened; none has another effect.

  /** RUNNING → REQUESTED. Refused once anything is pending or the stop has begun. */
  boolean request(ExitException e) {
    while (true) {
      State s = state;
      if (s.stage != Stage.RUNNING) {
        return false;
      }
      State next =
          new State(
              Stage.REQUESTED, e, null, UNKNOWN, s.signal, s.signalAt, s.jvmExiting, null, false);
      if (compareAndSet(s, next)) {
        return true;
      }
    }
  }

  /** REQUESTED → RUNNING, only for the request that is pending and only before the stop. */
  boolean withdraw(ExitException original) {
    while (true) {
      State s = state;
      if (s.stage != Stage.REQUESTED || s.request != original || s.jvmExiting) {
        return false;
      }
      if (compareAndSet(s, INITIAL)) {
        return true;
      }
    }
  }

  /** What a received signal does. */
  enum SignalOutcome {
    /** The first request: the normal stop begins. */
    REQUESTED,
    /**
     * The first signal, for a program that drains before it unwinds: noted, but nothing is
     * requested yet; the coordinator drains, then makes the request.
     */
    DRAIN_FIRST,
    /** The first signal, but an exit was already pending or under way: noted; its status stands. */
    NOTED,
    /** The same delivery arriving twice: ignored. */
    DUPLICATE,
    /** A second signal: the exit is forced. */
    FORCE,
    /** A signal after the exit was forced or is ending by halt or signal: nothing more to do. */
    IGNORED
  }

  /** A signal arrived at {@code now}; {@code asRequest} is the request it makes from RUNNING. */
  SignalOutcome signal(SignalExit asRequest, long now) {
    return signal(asRequest, now, false);
  }

  /**
   * A signal arrived at {@code now}. With {@code drainFirst}, a first signal in RUNNING is only
   * noted (a second one still forces): the program keeps running while it drains.
   */
  SignalOutcome signal(SignalExit asRequest, long now, boolean drainFirst) {
    StopSignal sig = asRequest.signal();
    while (true) {
      State s = state;
      State next;
      SignalOutcome outcome;
      if (s.forced || (s.stage == Stage.EXITING && s.ending != Ending.EXIT)) {
        return SignalOutcome.IGNORED;
      } else if (s.signal == null) {
        if (s.stage == Stage.RUNNING && drainFirst) {
          next = new State(Stage.RUNNING, null, null, UNKNOWN, sig, now, false, null, false);
          outcome = SignalOutcome.DRAIN_FIRST;
        } else if (s.stage == Stage.RUNNING) {
          next = new State(Stage.REQUESTED, asRequest, null, UNKNOWN, sig, now, false, null, false);
          outcome = SignalOutcome.REQUESTED;
        } else {
          next =
              new State(
                  s.stage, s.request, s.driver, s.status, sig, now, s.jvmExiting, s.ending, false);
          outcome = SignalOutcome.NOTED;
        }
      } else if (s.signal == sig && now - s.signalAt < DUPLICATE_NANOS) {
        return SignalOutcome.DUPLICATE;
      } else {
        next =
            new State(
                Stage.EXITING,
                s.request,
                s.driver,
                s.status,
                s.signal,
                s.signalAt,
                s.jvmExiting,
                Ending.SIGNAL,
                true);
        outcome = SignalOutcome.FORCE;
      }
      if (compareAndSet(s, next)) {
        return outcome;
      }
    }
  }

  /** What the JVM's shutdown hook found. */
  enum JvmExit {
    /** The runner's own {@code System.exit}: only the ending remains. */
    OWN,
    /** A runner thread runs (or will run) the stop; the hook waits for it. */
    RUNNER_DRIVES,
    /** Nobody else can run the stop: the hook runs it. */
    HOOK_DRIVES,
    /** The process is already ending by halt or signal: nothing to do. */
    ENDING
  }

  /**
   * The JVM's shutdown has begun. {@code foreign} becomes the request if none is pending, so
   * sections are refused and checkpoints throw; {@code runnerCanDrive} says whether a runner's main
   * thread is alive and not the thread that called {@code System.exit}.
   */
  JvmExit jvmExit(ExitException foreign, boolean runnerCanDrive) {
    while (true) {
      State s = state;
      State next;
      JvmExit outcome;
      switch (s.stage) {
        case EXITING:
          return s.ending == Ending.EXIT ? JvmExit.OWN : JvmExit.ENDING;
        case RUNNING:
        case REQUESTED:
          ExitException r = s.stage == Stage.RUNNING ? foreign : s.request;
          if (runnerCanDrive) {
            next =
                new State(
                    Stage.REQUESTED, r, null, UNKNOWN, s.signal, s.signalAt, true, null, false);
            outcome = JvmExit.RUNNER_DRIVES;
          } else {
            next =
                new State(
                    Stage.STOPPING,
                    r,
                    Driver.HOOK,
                    statusOf(r),
                    s.signal,
                    s.signalAt,
                    true,
                    null,
                    false);
            outcome = JvmExit.HOOK_DRIVES;
          }
          break;
        default: // STOPPING, STOPPED: the driver goes on
          next =
              new State(
                  s.stage, s.request, s.driver, s.status, s.signal, s.signalAt, true, null, false);
          outcome = s.driver == Driver.HOOK ? JvmExit.ENDING : JvmExit.RUNNER_DRIVES;
      }
      if (compareAndSet(s, next)) {
        return outcome;
      }
    }
  }

  /** A request's status, or {@link #UNKNOWN} for the JVM's exit begun by a third party. */
  static int statusOf(ExitException r) {
    return r == null ? UNKNOWN : r.status();
  }

  /**
   * RUNNING or REQUESTED → STOPPING, driven by the runner with {@code status}. Refused when the
   * stop has begun already or the process is ending.
   */
  boolean beginStop(int status) {
    while (true) {
      State s = state;
      if (s.stage != Stage.RUNNING && s.stage != Stage.REQUESTED) {
        return false;
      }
      State next =
          new State(
              Stage.STOPPING,
              s.request,
              Driver.RUNNER,
              status,
              s.signal,
              s.signalAt,
              s.jvmExiting,
              null,
              false);
      if (compareAndSet(s, next)) {
        return true;
      }
    }
  }

  /** STOPPING → STOPPED; refused otherwise (a forced exit or a halt overtook the stop). */
  boolean stopped() {
    while (true) {
      State s = state;
      if (s.stage != Stage.STOPPING) {
        return false;
      }
      if (compareAndSet(s, s.stage(Stage.STOPPED))) {
        return true;
      }
    }
  }

  /**
   * STOPPED → EXITING by {@code how}; refused otherwise, and refused for {@link Ending#EXIT} once
   * the JVM's exit has begun (a second {@code System.exit} would block forever).
   */
  boolean exiting(Ending how) {
    while (true) {
      State s = state;
      if (s.stage != Stage.STOPPED || (how == Ending.EXIT && s.jvmExiting)) {
        return false;
      }
      State next =
          new State(
              Stage.EXITING,
              s.request,
              s.driver,
              s.status,
              s.signal,
              s.signalAt,
              s.jvmExiting,
              how,
              false);
      if (compareAndSet(s, next)) {
        return true;
      }
    }
  }

  /**
   * Any state → EXITING by halt with {@code status} (the deadline, a simulated halt). Refused only
   * when the process is already ending by halt or signal.
   */
  boolean halting(int status) {
    while (true) {
      State s = state;
      if (s.stage == Stage.EXITING && s.ending != Ending.EXIT) {
        return false;
      }
      State next =
          new State(
              Stage.EXITING,
              s.request,
              s.driver,
              status,
              s.signal,
              s.signalAt,
              s.jvmExiting,
              Ending.HALT,
              s.forced);
      if (compareAndSet(s, next)) {
        return true;
      }
    }
  }
}
