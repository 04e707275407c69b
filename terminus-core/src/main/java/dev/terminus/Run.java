package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One run, and the coordinator that acts on its {@link Lifecycle}: the process (with or without
 * {@link Terminus#run} attached), or one {@link Terminus#call}.
 *
 * <p>Design: the state lives in the lifecycle; this class asks it for a transition and carries out
 * what the answer calls for, through the {@link Jvm} seam it was given: interrupt the main thread
 * (never inside a critical section), arm the watchdog, run the stop, end the process. Dependencies
 * point one way: {@link Lifecycle}, {@link Plan}, {@link Sections}, {@link Watchdog} and {@link
 * Report} hold state and never call back here, except the watchdog through its {@link
 * Watchdog.Target} interface.
 *
 * <p>Which run a thread belongs to: the thread that runs a {@link Terminus#call} and the threads
 * started from it while it runs belong to the call (an inheritable thread-local says so); every
 * other thread belongs to the process. Requests, cleanup tasks and critical sections go to the
 * thread's run, so a call neither runs nor stops what the rest of the JVM registered.
 *
 * <p>Every path drives the same stop: {@code main} returns, {@link Exit#now}, an uncaught
 * exception, a signal, a third party's {@code System.exit} (through the one JVM shutdown hook), no
 * runner at all, and a call. Exactly one thread runs the stop: the runner's, or the JVM hook's when
 * no runner thread can (no runner, or the runner's thread is the one that called {@code
 * System.exit}).
 *
 * <p>Safe for concurrent use.
 */
final class Run implements Watchdog.Target {
  enum Mode {
    /** The process, with no runner attached (yet). */
    PROCESS,
    /** The process, with {@link Terminus#run} attached. */
    RUN,
    /** One {@link Terminus#call}. */
    CALL
  }

  /**
   * How long a request made by a worker thread waits before it interrupts the main thread, so that
   * the worker can withdraw its own request first. It is cut short when the worker's exception
   * leaves the worker, or a signal arrives.
   */
  static final Duration WORKER_GRACE = Duration.ofMillis(50);

  /** How long the JVM's own exit may take after Terminus stopped waiting for it. */
  static final Duration JVM_EXIT_GRACE = Duration.ofSeconds(2);

  // --- Which run a thread belongs to -----------------------------------------------------------

  private static final Object LOCK = new Object();
  private static volatile Run process; // created under LOCK
  private static volatile Run activeCall;

  @GuardedBy("LOCK")
  private static Run active; // the runner that is active

  private static final InheritableThreadLocal<Run> CALL_SCOPE = new InheritableThreadLocal<>();
  private static volatile boolean jvmShutdownStarted;

  @GuardedBy("LOCK")
  private static boolean standaloneHandler;

  private static volatile int standaloneStatus = Lifecycle.UNKNOWN;

  /** The run the current thread belongs to. */
  static Run current() {
    Run c = activeCall;
    if (c != null && CALL_SCOPE.get() == c) {
      return c;
    }
    return process();
  }

  /** The process's run, created on first use. */
  static Run process() {
    Run p = process;
    if (p == null) {
      synchronized (LOCK) {
        if (process == null) {
          process = new Run(Mode.PROCESS, Runtimes.REAL);
        }
        p = process;
      }
    }
    return p;
  }

  /**
   * Null while nothing is pending in the process and no call is active, so that {@link
   * Exit#checkpoint()} costs one volatile read; else the process's request, or {@link
   * #CALL_ACTIVE}. Recomputed under {@link #PUBLISH} after every transition that may change it.
   */
  private static volatile Object hot;

  private static final Object CALL_ACTIVE = new Object();
  private static final Object PUBLISH = new Object();

  private static void publish() {
    synchronized (PUBLISH) {
      Run p = process;
      hot = activeCall != null ? CALL_ACTIVE : p == null ? null : p.lifecycle.pending();
    }
  }

  /** The request pending for the current thread, or null: {@link Exit#checkpoint()}'s read. */
  static ExitException pending() {
    Object h = hot;
    if (h == null) {
      return null;
    }
    if (h instanceof ExitException) {
      return (ExitException) h;
    }
    return current().lifecycle.pending();
  }

  static boolean jvmShutdownStarted() {
    return jvmShutdownStarted;
  }

  // --- The run ---------------------------------------------------------------------------------

  final Lifecycle lifecycle = new Lifecycle();
  final Jvm jvm;

  /**
   * Made on first use, as {@link #sections}: start-up loads only what a request and the signal
   * handlers need; the plan's classes load with the first task or the stop.
   */
  private volatile Plan plan;

  /** Made on first use: start-up loads only what a request and the signal handlers need. */
  private volatile Sections sections;

  private volatile Watchdog watchdog;
  private volatile Mode mode;

  /** The runner's settings; null while no runner is attached. */
  private volatile Settings settings;

  /** The thread that runs the body; null while no runner is attached. */
  private volatile Thread main;

  private volatile Report report;

  /** Set when the JVM's shutdown hook may return and let the JVM's exit carry on. */
  @GuardedBy("this")
  private boolean released;

  /** Set when a stop has run; logging frameworks' own shutdown waits for it. */
  @GuardedBy("this")
  private boolean stopDone;

  private volatile boolean stopBegun;

  /** A worker's request whose interrupt of the main thread waits for {@link #WORKER_GRACE}. */
  private volatile ExitException nudgeFor;

  private volatile StopSignal ownExitSignal;
  private volatile Set<Thread> threadsBeforeExit = Set.of();
  private volatile boolean jvmExitGraceOver;

  /** The signal's request while a drain-first stop drains, before it is made. */
  private volatile SignalExit draining;

  /** The thread that called {@code System.exit} when a third party began the JVM's exit. */
  private volatile Thread exitCaller;

  private volatile boolean budgetWarned;

  @GuardedBy("LOCK")
  private Map<StopSignal, Object> previousHandlers = Map.of();

  @GuardedBy("LOCK")
  private Thread.UncaughtExceptionHandler previousUncaught;

  @GuardedBy("LOCK")
  private Thread hook;

  @GuardedBy("LOCK")
  private int phasesAtStart;

  private Run(Mode mode, Jvm jvm) {
    this.mode = mode;
    this.jvm = jvm;
  }

  Plan plan() {
    Plan p = plan;
    if (p == null) {
      synchronized (this) {
        if (plan == null) {
          plan = new Plan();
        }
        p = plan;
      }
    }
    return p;
  }

  /** Forgets every task not yet run; nothing to do when none was ever registered. */
  private void discardPlan() {
    Plan p = plan;
    if (p != null) {
      p.discard();
    }
  }

  Sections sections() {
    Sections s = sections;
    if (s == null) {
      synchronized (this) {
        if (sections == null) {
          sections = new Sections();
        }
        s = sections;
      }
    }
    return s;
  }

  private Watchdog watchdog() {
    Watchdog w = watchdog;
    if (w == null) {
      synchronized (this) {
        if (watchdog == null) {
          watchdog = new Watchdog(this);
        }
        w = watchdog;
      }
    }
    return w;
  }

  private synchronized void release() {
    released = true;
    notifyAll();
  }

  private synchronized void stopDone() {
    stopDone = true;
    notifyAll();
  }

  /** Waits for {@code done} (under this monitor), up to {@code nanos}, or forever when 0. */
  private synchronized boolean await(java.util.function.BooleanSupplier done, long nanos)
      throws InterruptedException {
    long until = System.nanoTime() + nanos;
    while (!done.getAsBoolean()) {
      if (nanos == 0) {
        wait();
      } else {
        long left = until - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  String name() {
    Settings s = settings;
    return s != null ? s.name : Settings.resolveName(null);
  }

  Duration deadline() {
    Settings s = settings;
    return s != null ? s.deadline : Settings.configuredDeadline();
  }

  private String reportDestination() {
    Settings s = settings;
    return s != null ? s.report : Settings.configuredReport();
  }

  private int statusFor(StopSignal sig) {
    Settings s = settings;
    return s != null ? s.statusFor(sig.name()) : sig.exitStatus();
  }

  private boolean raises(StopSignal sig, int status) {
    Settings s = settings;
    return (s == null || s.raise) && status == sig.exitStatus();
  }

  // --- Opening and closing ---------------------------------------------------------------------

  /**
   * Attaches {@link Terminus#run} to the process's run, or opens a {@link Terminus#call}, on the
   * current thread. Returns null when the JVM's exit had already begun (a signal during start-up):
   * that exit ends the process.
   *
   * @throws IllegalStateException if a runner is already active
   */
  static Run open(boolean call, Settings settings) {
    synchronized (LOCK) {
      if (active != null) {
        throw new IllegalStateException(
            "Terminus."
                + (active.mode == Mode.CALL ? "call" : "run")
                + " is already running on thread '"
                + active.main.getName()
                + "'; runners do not nest");
      }
      Run r;
      if (call) {
        r = new Run(Mode.CALL, new Runtimes.Simulated());
        r.phasesAtStart = Plan.phaseCount();
        CALL_SCOPE.set(r);
        activeCall = r;
        publish();
      } else {
        r = process();
        r.mode = Mode.RUN;
      }
      r.settings = settings;
      r.main = Thread.currentThread();
      active = r;
      r.previousUncaught = Thread.getDefaultUncaughtExceptionHandler();
      Thread.setDefaultUncaughtExceptionHandler(new QuietExits(r.previousUncaught));
      if (!call) {
        LineBuffer.install();
        if (!r.ensureHookLocked()) {
          return null;
        }
        if ("dev.terminus.TerminusLogManager"
            .equals(System.getProperty("java.util.logging.manager"))) {
          // Named as a string: touching the class would start java.util.logging in every program.
          TerminusLogManager.prepare();
        }
        // No EnumSet, Enum.valueOf or method reference here: each costs start time (reflection,
        // a lambda bootstrap) in every program.
        java.util.List<StopSignal> wanted = new java.util.ArrayList<>(3);
        for (String name : settings.signals.keySet()) {
          wanted.add(StopSignal.parse(name));
        }
        r.previousHandlers =
            r.jvm.handle(
                wanted,
                new java.util.function.Consumer<StopSignal>() {
                  @Override
                  public void accept(StopSignal sig) {
                    r.onSignal(sig);
                  }
                });
      }
      return r;
    }
  }

  /** Ends a {@link Terminus#call}: nothing it installed, registered or requested survives it. */
  void close() {
    synchronized (LOCK) {
      Watchdog w = watchdog;
      if (w != null) {
        w.disarm();
      }
      jvm.restore(previousHandlers);
      Thread.setDefaultUncaughtExceptionHandler(previousUncaught);
      discardPlan();
      Plan.discardPhases(phasesAtStart);
      CALL_SCOPE.remove();
      activeCall = null;
      active = null;
      publish();
      if (Thread.currentThread() == main) {
        Thread.interrupted();
      }
    }
    Watchdog w = watchdog;
    if (w != null) {
      w.awaitIdle();
    }
  }

  /** Installs the process's one JVM shutdown hook, through which a third party's exit runs. */
  static void ensureProcessHook() {
    Run p = process();
    synchronized (LOCK) {
      p.ensureHookLocked();
    }
  }

  @GuardedBy("LOCK")
  private boolean ensureHookLocked() {
    if (hook != null) {
      return true;
    }
    // A class rather than a lambda on the start-up path: each first lambda costs start time.
    Thread h =
        new Thread("terminus-shutdown") {
          @Override
          public void run() {
            onJvmShutdown();
          }
        };
    if (!jvm.addShutdownHook(h)) {
      return false;
    }
    hook = h;
    return true;
  }

  // --- Requests --------------------------------------------------------------------------------

  /** Makes {@code e} the current thread's run's request if it is the first; returns {@code e}. */
  static <E extends ExitException> E request(E e) {
    Run r = current();
    if (r.lifecycle.request(e)) {
      publish();
      Events.exitRequested(e);
      r.onRequested(e, false);
    }
    return e;
  }

  private void onRequested(ExitException e, boolean interruptNow) {
    if (mode == Mode.PROCESS) {
      installStandaloneHandler();
      return;
    }
    if (mode == Mode.RUN) {
      watchdog().arm(deadline());
    }
    Thread m = main;
    if (m == null || Thread.currentThread() == m) {
      return;
    }
    if (interruptNow) {
      Sections.interruptOutside(m);
    } else {
      nudgeFor = e;
      watchdog().nudge(WORKER_GRACE);
    }
  }

  /** Withdraws {@code original} if it is the request pending in its run. */
  static void withdraw(ExitException original) {
    Run c = activeCall;
    Run r = c != null && c.lifecycle.state().request == original ? c : process();
    if (r.lifecycle.withdraw(original)) {
      publish();
      if (r.nudgeFor == original) {
        r.nudgeFor = null;
      }
      Watchdog w = r.watchdog;
      if (w != null) {
        w.disarm();
      }
      Thread m = r.main;
      if (m != null) {
        Sections.cancelDeferred(m);
        if (Thread.currentThread() == m) {
          Thread.interrupted();
        }
      }
    }
  }

  @Override
  public void nudge() {
    ExitException e = nudgeFor;
    if (e != null && lifecycle.pending() == e) {
      nudgeFor = null;
      interruptMain();
    }
  }

  private void interruptMain() {
    Thread m = main;
    if (m != null && m != Thread.currentThread()) {
      Sections.interruptOutside(m);
    }
  }

  /** {@link Exit#halt}: under a call, simulated; otherwise the process halts. */
  static void halt(int status, String message) {
    Run r = current();
    if (r.mode == Mode.CALL) {
      if (message != null) {
        System.err.println(message);
        System.err.flush();
      }
      r.lifecycle.halting(status); // decisive even if the body catches the simulated halt
    } else if (message != null) {
      Runtimes.writeStderr(message);
    }
    r.jvm.halt(status);
  }

  // --- Signals ---------------------------------------------------------------------------------

  private void onSignal(StopSignal sig) {
    SignalExit request = new SignalExit(sig, statusFor(sig), null);
    Settings st = settings;
    boolean drainFirst = mode == Mode.RUN && st != null && st.drainFirst != null;
    Lifecycle.SignalOutcome outcome = lifecycle.signal(request, System.nanoTime(), drainFirst);
    publish();
    switch (outcome) {
      case REQUESTED:
        Events.exitRequested(request);
        onRequested(request, true);
        break;
      case DRAIN_FIRST:
        drainThenRequest(request, st.drainFirst);
        break;
      case NOTED:
        if (lifecycle.state().stage == Lifecycle.Stage.REQUESTED) {
          interruptMain(); // a worker's request still within its grace: the signal ends the wait
        }
        break;
      case FORCE:
        force(sig);
        break;
      default: // DUPLICATE, IGNORED
        break;
    }
  }

  /**
   * For programs that serve: announce, keep serving for {@code servingDelay}, drain, and only then
   * request the exit, which interrupts the main thread. Runs on its own thread, so the signal
   * handler returns at once and a second signal can still force the exit.
   */
  private void drainThenRequest(SignalExit request, Duration servingDelay) {
    draining = request;
    watchdog().arm(deadline());
    Report r = new Report(name());
    r.reason(request, null);
    report = r;
    // A Runnable, not a Thread subclass: the verifier would load a subclass with Run, at start.
    Runnable drain =
        new Runnable() {
          @Override
          public void run() {
            Stopper s = new Stopper(name(), plan(), sections(), r, System.err, null);
            try {
              s.runPhase(Phase.ANNOUNCE, deadline(), false);
              if (!servingDelay.isZero()) {
                Thread.sleep(Math.max(1, servingDelay.toMillis()));
              }
              s.runPhase(Phase.DRAIN, deadline(), true);
            } catch (InterruptedException e) {
              // Nobody interrupts the drain but the JVM's end: request the exit now.
            } finally {
              s.close();
            }
            if (lifecycle.request(request)) {
              publish();
              Events.exitRequested(request);
              onRequested(request, true);
            } else {
              interruptMain(); // something else was requested meanwhile: it decides
            }
          }
        };
    Thread drainer = new Thread(drain, "terminus-drain");
    drainer.setDaemon(true);
    drainer.start();
  }

  /** A second signal: end now, but never in the middle of a critical section. */
  private void force(StopSignal sig) {
    String name = name();
    int open = sections().open();
    if (open > 0) {
      Runtimes.writeStderr(
          name
              + ": "
              + sig.fullName()
              + " while stopping: waiting for "
              + open
              + " critical section(s) to close");
      sections().awaitClosed(Watchdog.nanos(deadline()), null);
    }
    Runtimes.writeStderr(name + ": " + sig.fullName() + " while stopping: exit forced");
    int status = statusFor(sig);
    if (raises(sig, status)) {
      jvm.die(sig, status);
    }
    jvm.halt(status);
  }

  // --- The runner ------------------------------------------------------------------------------

  /** How a run ended. */
  static final class Outcome {
    final int status;

    /** The signal to end the process by, or null for a plain exit. */
    final StopSignal signal;

    Outcome(int status, StopSignal signal) {
      this.status = status;
      this.signal = signal;
    }
  }

  /** What decides the status from the way the body ended. */
  interface Decision {
    Outcome decide(Throwable failure, ExitException pending);
  }

  /**
   * Runs the body and then the stop. Under {@link Terminus#run} it ends the process and never
   * returns; under a call it returns the outcome.
   */
  Outcome execute(String[] args, MainBody body, Decision decision) {
    Throwable failure = null;
    try {
      body.run(args);
    } catch (Runtimes.Halted h) {
      return halted();
    } catch (Throwable t) { // the runner boundary
      failure = t;
    }
    Lifecycle.State s = lifecycle.state();
    if (mode == Mode.CALL && s.stage == Lifecycle.Stage.EXITING) {
      return halted(); // a simulated halt that the body caught: still decisive
    }
    if (failure == null && mode == Mode.RUN) {
      awaitNonDaemonThreads();
    }
    Outcome o = decision.decide(failure, lifecycle.pending());
    if (!lifecycle.beginStop(o.status)) {
      // The process is already ending: forced by a second signal, or halted by the deadline.
      if (mode == Mode.CALL) {
        return halted();
      }
      parkForever();
    }
    if (Thread.currentThread() == main) {
      Thread.interrupted(); // the request's interrupt has done its work; let cleanup block
    }
    Report early = report; // a drain-first stop began it
    Report r = early != null ? early : new Report(name());
    r.reason(lifecycle.pending(), failure);
    Thread caller = exitCaller;
    if (lifecycle.pending() instanceof ExitException.Foreign) {
      r.exitCaller(caller);
    }
    r.status = o.status;
    report = r;
    if (mode == Mode.RUN) {
      watchdog().arm(deadline());
    }
    runStop(r, caller);
    lifecycle.stopped();
    if (mode == Mode.CALL) {
      lifecycle.exiting(Lifecycle.Ending.EXIT);
      return o;
    }
    end(o);
    throw new AssertionError("unreachable");
  }

  private Outcome halted() {
    discardPlan();
    Lifecycle.State s = lifecycle.state();
    return new Outcome(s.stage == Lifecycle.Stage.EXITING && s.status >= 0 ? s.status : 1, null);
  }

  /** Ends the process after the runner's stop; never returns. */
  private void end(Outcome o) {
    Runtimes.flush();
    if (o.signal != null) {
      threadsBeforeExit = liveThreads();
      ownExitSignal = o.signal;
    }
    if (lifecycle.exiting(Lifecycle.Ending.EXIT)) {
      if (o.signal != null && jvm.dieAtExit(o.signal)) {
        // The C library raises the signal once the JVM's exit is done, deleteOnExit included.
        ownExitSignal = null;
        jvm.exit(o.signal.number());
      }
      jvm.exit(o.status); // runs the hooks; ours ends by the signal once the others are done
    } else {
      finishInJvmExit(o.status, o.signal);
    }
    parkForever();
  }

  /**
   * Ends a stop that ran while the JVM's own exit was under way. An unknown status is the third
   * party's: let the JVM's exit carry on with it. A known one (the first request's) stands: halt
   * with it, or end by the signal.
   */
  private void finishInJvmExit(int status, StopSignal signal) {
    if (status == Lifecycle.UNKNOWN || (signal == null && status == standaloneStatus)) {
      release();
      return;
    }
    Runtimes.flush();
    if (lifecycle.exiting(signal != null ? Lifecycle.Ending.SIGNAL : Lifecycle.Ending.HALT)) {
      if (signal != null) {
        jvm.die(signal, status);
      }
      jvm.halt(status);
    }
  }

  private void runStop(Report r, Thread exitCaller) {
    stopBegun = true;
    try {
      new Stopper(name(), plan(), sections(), r, System.err, exitCaller).run(deadline());
      Runtimes.flush();
      r.write(reportDestination(), false);
    } finally {
      stopDone();
    }
  }

  static void parkForever() {
    while (true) {
      LockSupport.park();
    }
  }

  /**
   * The JVM's rule when main returns: wait for the other non-daemon threads, except the threads of
   * executors registered with {@link Shutdown#stop}, which the plan stops. An exit request ends the
   * wait. The threads waited for are named on stderr once the configured wait has passed, unless
   * the program serves (it has {@link Phase#ANNOUNCE} or {@link Phase#DRAIN} tasks, or drains
   * before unwinding): a server's threads are meant to outlive its {@code main}.
   */
  private void awaitNonDaemonThreads() {
    Settings st = settings;
    if (st.exitOnMainReturn) {
      return;
    }
    long reportAt = System.nanoTime() + Watchdog.nanos(st.threadsReportAfter);
    boolean reported = false;
    // A drain-first signal keeps main waiting here until the drain has made the request.
    while (lifecycle.pending() == null) {
      Thread other = firstWaitedFor();
      if (other == null) {
        return;
      }
      try {
        long left = reportAt - System.nanoTime();
        if (!reported && left <= 0) {
          reported = true;
          if (!serves()) {
            reportWaitingThreads(st);
          }
        }
        // Bounded slices: an executor registered meanwhile may own the thread waited for.
        long slice = TimeUnit.MILLISECONDS.toNanos(200);
        TimeUnit.NANOSECONDS.timedJoin(
            other, reported ? slice : Math.min(slice, Math.max(1, left)));
      } catch (InterruptedException e) {
        // An exit was requested (the loop ends) or someone else interrupted us: keep waiting.
      }
    }
  }

  private boolean serves() {
    Settings st = settings;
    Plan p = plan;
    return (st != null && st.drainFirst != null)
        || (p != null && p.hasTaskIn(Phase.ANNOUNCE, Phase.DRAIN));
  }

  /** A live non-daemon thread that keeps the process alive and that no registered executor owns. */
  private Thread firstWaitedFor() {
    Plan p = plan;
    Set<Thread> owned = p == null ? Set.of() : p.ownedThreads();
    for (Thread t : liveThreads()) {
      if (waitedFor(t, owned)) {
        return t;
      }
    }
    return null;
  }

  private boolean waitedFor(Thread t, Set<Thread> owned) {
    return t != main
        && t.isAlive()
        && !t.isDaemon()
        && !t.getName().equals("DestroyJavaVM")
        && !owned.contains(t);
  }

  private void reportWaitingThreads(Settings st) {
    StringBuilder b = new StringBuilder();
    b.append(st.name)
        .append(": main returned ")
        .append(Durations.format(st.threadsReportAfter))
        .append(" ago; the JVM waits for these non-daemon threads:");
    Plan p = plan;
    Set<Thread> owned = p == null ? Set.of() : p.ownedThreads();
    for (Thread t : liveThreads()) {
      if (waitedFor(t, owned)) {
        b.append(System.lineSeparator())
            .append("  thread '")
            .append(t.getName())
            .append("' ")
            .append(t.getState());
        for (StackTraceElement e : t.getStackTrace()) {
          b.append(System.lineSeparator()).append("\tat ").append(e);
        }
      }
    }
    System.err.println(b);
    System.err.flush();
  }

  // --- The deadline ----------------------------------------------------------------------------

  @Override
  public void deadlinePassed() {
    Lifecycle.State s = lifecycle.state();
    if (jvmExitGraceOver) {
      Runtimes.writeStderr(
          name()
              + ": the JVM's exit is still blocked "
              + Durations.format(JVM_EXIT_GRACE)
              + " after the deadline; halting with status "
              + Exit.DEADLINE_EXCEEDED);
      jvm.halt(Exit.DEADLINE_EXCEEDED);
      return;
    }
    SignalExit drain = draining;
    if (s.stage == Lifecycle.Stage.RUNNING && drain == null) {
      return; // withdrawn meanwhile
    }
    boolean stopping = s.stage.compareTo(Lifecycle.Stage.STOPPING) >= 0;
    ExitException request = s.request != null ? s.request : drain;
    int status = stopping ? s.status : Lifecycle.statusOf(request);
    Report r = report;
    if (r == null) {
      r = new Report(name());
      r.reason(request, null);
    }
    Stopper.skipRemaining(r, plan());
    String name = name();
    String limit = Durations.format(deadline());
    if (status == Lifecycle.UNKNOWN) {
      // A third party's System.exit: stop waiting and let the JVM's own exit carry on with its
      // status; halt only if something else still blocks it.
      r.status = Lifecycle.UNKNOWN;
      r.write(reportDestination(), false);
      Runtimes.writeStderr(
          name
              + ": shutdown not finished within the deadline of "
              + limit
              + "; letting the JVM's exit go on with its own status");
      jvmExitGraceOver = true;
      watchdog().rearm(JVM_EXIT_GRACE);
      release();
      return;
    }
    if (status == 0) {
      status = Exit.DEADLINE_EXCEEDED;
    }
    if (!lifecycle.halting(status)) {
      return; // ending by a forced signal already
    }
    r.status = status;
    r.write(reportDestination(), true);
    Events.deadlineExceeded(status, deadline());
    String what = stopping ? "shutdown" : "exit requested with status " + request.status() + " but";
    Runtimes.writeStderr(
        name
            + ": "
            + what
            + " not finished within the deadline of "
            + limit
            + "; halting with status "
            + status);
    jvm.halt(status);
  }

  // --- The JVM's shutdown hook -----------------------------------------------------------------

  private void onJvmShutdown() {
    jvmShutdownStarted = true;
    // Our own exit needs no caller: a stack walk of every thread costs 1.5-2.5 ms in a cold JVM.
    Thread caller = lifecycle.state().stage == Lifecycle.Stage.EXITING ? null : exitCaller();
    exitCaller = caller;
    Thread m = main;
    boolean runnerCanDrive = mode == Mode.RUN && m != null && m.isAlive() && m != caller;
    Lifecycle.JvmExit what = lifecycle.jvmExit(new ExitException.Foreign(null), runnerCanDrive);
    publish();
    switch (what) {
      case OWN:
        afterOwnExit();
        return;
      case RUNNER_DRIVES:
        watchdog().arm(deadline());
        interruptMain();
        awaitReleased();
        return;
      case HOOK_DRIVES:
        watchdog().arm(deadline());
        driveFromHook(caller);
        awaitReleased();
        return;
      default: // ENDING: a halt or a death by signal is under way
        awaitReleased();
    }
  }

  private void driveFromHook(Thread caller) {
    Lifecycle.State s = lifecycle.state();
    Report r = new Report(name());
    r.reason(s.request, null);
    if (s.request instanceof ExitException.Foreign) {
      r.exitCaller(caller);
    }
    r.status = s.status;
    report = r;
    // The stop runs on its own thread, so that the deadline can let this hook return.
    Runnable drive =
        new Runnable() {
          @Override
          public void run() {
            runStop(r, caller);
            lifecycle.stopped();
            finishInJvmExit(s.status, null);
          }
        };
    Thread driver = new Thread(drive, "terminus-stop-driver");
    driver.setDaemon(true);
    driver.start();
  }

  @SuppressWarnings("GuardedBy") // await evaluates the condition holding this
  private void awaitReleased() {
    boolean interrupted = false;
    while (true) {
      try {
        await(() -> released, 0);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** The thread that called {@code System.exit}: the one running {@code Shutdown.exit}. */
  private static Thread exitCaller() {
    for (Thread t : liveThreads()) {
      for (StackTraceElement e : t.getStackTrace()) {
        if (e.getClassName().equals("java.lang.Shutdown") && e.getMethodName().equals("exit")) {
          return t;
        }
      }
    }
    return null;
  }

  /**
   * Ends the process by the signal once every other shutdown hook has finished, so libraries that
   * flush in their hooks still do.
   */
  private void afterOwnExit() {
    StopSignal signal = ownExitSignal;
    if (signal == null) {
      return;
    }
    awaitOtherHooks();
    Runtimes.flush();
    jvm.die(signal, signal.exitStatus());
  }

  private void awaitOtherHooks() {
    // The exiting thread starts every hook before it joins the first one, so once it waits in
    // ApplicationShutdownHooks, every hook thread exists; they are the threads that did not exist
    // just before System.exit.
    long until = System.nanoTime() + Watchdog.nanos(deadline());
    while (!joiningHooks(main) && System.nanoTime() - until < 0) {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(200));
    }
    Set<Thread> before = threadsBeforeExit;
    for (Thread t : liveThreads()) {
      if (t == Thread.currentThread() || before.contains(t)) {
        continue;
      }
      long left = until - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static boolean joiningHooks(Thread t) {
    Thread.State st = t.getState();
    if (st != Thread.State.WAITING && st != Thread.State.TIMED_WAITING) {
      return !t.isAlive();
    }
    for (StackTraceElement e : t.getStackTrace()) {
      if (e.getClassName().equals("java.lang.ApplicationShutdownHooks")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits, up to {@code nanos}, for a stop in progress or to come to finish. Lets logging
   * frameworks' own shutdown wait until the plan's last phase has logged.
   */
  @SuppressWarnings("GuardedBy") // await evaluates the condition holding p
  static void awaitStop(long nanos) {
    Run p = process;
    if (p == null) {
      return;
    }
    synchronized (LOCK) {
      if (p.hook == null && !p.stopBegun) {
        return; // no stop is running and none will run from the hook
      }
    }
    try {
      p.await(() -> p.stopDone, Math.max(1, nanos));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // --- Registration ----------------------------------------------------------------------------

  /** Registers a task in the current thread's run. */
  static void register(Phase phase, String name, Duration timeout, AutoCloseable task) {
    Run r = current();
    if (r.mode != Mode.CALL) {
      ensureProcessHook(); // no runner yet: the tasks still run when the JVM exits
    }
    Duration total = r.plan().add(phase, name, timeout, task);
    if (total != null && !r.budgetWarned && total.compareTo(r.deadline()) > 0) {
      r.budgetWarned = true;
      System.getLogger("dev.terminus")
          .log(
              System.Logger.Level.WARNING,
              "shutdown plan: the declared task timeouts add up to {0}, past the deadline of {1};"
                  + " the deadline will cut the stop short",
              Durations.format(total),
              Durations.format(r.deadline()));
    }
  }

  // --- Uncaught exceptions ---------------------------------------------------------------------

  /**
   * Without a runner, an ExitException that nobody catches still exits with its status: the default
   * uncaught-exception handler (chained to the previous one) prints the message, if any, and calls
   * System.exit, whose shutdown hook runs the plan.
   */
  private static void installStandaloneHandler() {
    synchronized (LOCK) {
      if (standaloneHandler || active != null) {
        return;
      }
      standaloneHandler = true;
      Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
      Thread.setDefaultUncaughtExceptionHandler(
          (t, e) -> {
            if (e instanceof ExitException
                && !(e instanceof ExitException.Foreign)
                && activeRunner() == null) {
              exitStandalone((ExitException) e);
            } else {
              passOn(previous, t, e);
            }
          });
    }
  }

  static Run activeRunner() {
    synchronized (LOCK) {
      return active;
    }
  }

  static boolean processHookInstalled() {
    Run p = process;
    if (p == null) {
      return false;
    }
    synchronized (LOCK) {
      return p.hook != null;
    }
  }

  boolean handlesSignals() {
    synchronized (LOCK) {
      return !previousHandlers.isEmpty();
    }
  }

  /** Lets a registered exit end a worker silently; other exceptions go where they went before. */
  private static final class QuietExits implements Thread.UncaughtExceptionHandler {
    private final Thread.UncaughtExceptionHandler previous;

    QuietExits(Thread.UncaughtExceptionHandler previous) {
      this.previous = previous;
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
      if (e instanceof ExitException) {
        // The request has left its thread: it can no longer be withdrawn, so main need not wait.
        Run c = activeCall;
        Run r = c != null && CALL_SCOPE.get() == c ? c : process;
        if (r != null && r.mode == Mode.PROCESS && !(e instanceof ExitException.Foreign)) {
          // A thread outside the active call, in a process with no runner: as without any runner,
          // the uncaught exit ends the process with its status.
          exitStandalone((ExitException) e);
        }
        if (r != null) {
          r.nudge();
        }
        return; // the request is registered; the process exits with it
      }
      passOn(previous, t, e);
    }
  }

  /** Without a runner, an uncaught exit ends the process with its status and message. */
  private static void exitStandalone(ExitException exit) {
    if (exit.message() != null) {
      System.err.println(exit.message());
    }
    standaloneStatus = exit.status();
    Runtimes.REAL.exit(exit.status());
  }

  /** What the JVM would do with an uncaught exception: the previous handler, or the stack trace. */
  private static void passOn(Thread.UncaughtExceptionHandler previous, Thread t, Throwable e) {
    if (previous != null) {
      previous.uncaughtException(t, e);
    } else {
      System.err.print("Exception in thread \"" + t.getName() + "\" ");
      e.printStackTrace(System.err);
    }
  }

  static Set<Thread> liveThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] all = new Thread[root.activeCount() + 16];
    int n;
    while ((n = root.enumerate(all, true)) == all.length) {
      all = new Thread[all.length * 2];
    }
    Set<Thread> live = new HashSet<>();
    for (int i = 0; i < n; i++) {
      live.add(all[i]);
    }
    return live;
  }
}
