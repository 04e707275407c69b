package dev.terminus;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of the one active {@link Terminus#run} or {@link Terminus#call}.
 *
 * <p>Design: at most one session is active per JVM ({@link #active}). It knows the thread that runs
 * the main body, which it interrupts when an exit is requested from elsewhere; it owns the
 * watchdog, the signal handlers it installed (run only), and the JVM shutdown hook's view of what
 * is going on. States, in order: running the body; {@code stopping} (the body has ended, cleanup is
 * under way); {@code exiting} (the runner called {@code System.exit}). Fields written by one thread
 * and read by others are volatile; no user code runs under a lock.
 */
final class Session implements Signals.Listener {
  enum Mode {
    RUN,
    CALL
  }

  /** Status when the deadline passes and no non-zero status was requested. */
  static final int DEADLINE_EXCEEDED = 124;

  static volatile Session active;
  private static Thread hook; // guarded by Session.class

  final Mode mode;
  final Settings settings;
  final Thread main;
  final long mark;
  private final int phases;
  final Watchdog watchdog;

  volatile boolean stopping;
  volatile Report report;
  /** Counted down when the runner's stop has finished. */
  final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
  private final java.util.concurrent.atomic.AtomicBoolean stopClaimed =
      new java.util.concurrent.atomic.AtomicBoolean();
  /** Set when the JVM's own shutdown began while this session ran. */
  static volatile boolean jvmShutdownStarted;
  /** Counted down when the stop in progress, by a runner or the hook, has finished. */
  private static final java.util.concurrent.CountDownLatch STOP_DONE =
      new java.util.concurrent.CountDownLatch(1);
  private static volatile boolean stopRunning;

  /**
   * Waits, up to {@code nanos}, for a stop in progress to finish; returns at once when none is.
   * Lets logging frameworks' own shutdown wait until the plan's last phase has logged.
   */
  static void awaitStop(long nanos) {
    if (!stopRunning && !hookInstalled()) {
      return; // no stop is running and none will run from the hook
    }
    try {
      STOP_DONE.await(nanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void stopStarted() {
    stopRunning = true;
  }

  static void stopFinished() {
    STOP_DONE.countDown();
  }
  volatile int finalStatus;
  volatile boolean exiting;
  private volatile String raiseOnExit;
  private volatile Set<Thread> threadsBeforeExit = Set.of();
  private volatile ExitException interrupter;
  private Map<String, sun.misc.SignalHandler> previousHandlers = Map.of();
  private Thread.UncaughtExceptionHandler previousUncaught;

  private Session(Mode mode, Settings settings) {
    this.mode = mode;
    this.settings = settings;
    this.main = Thread.currentThread();
    this.mark = Plan.mark();
    this.phases = Plan.phaseCount();
    this.watchdog = new Watchdog(this);
  }

  static Session open(Mode mode, Settings settings) {
    synchronized (Session.class) {
      if (active != null) {
        throw new IllegalStateException(
            "Terminus."
                + active.mode.name().toLowerCase(java.util.Locale.ROOT)
                + " is already running on thread '"
                + active.main.getName()
                + "'; runners do not nest");
      }
      Session s = new Session(mode, settings);
      active = s;
      s.installUncaughtHandler();
      if (mode == Mode.RUN) {
        LineBuffer.install();
        ensureHook();
        if ("dev.terminus.TerminusLogManager".equals(System.getProperty("java.util.logging.manager"))) {
          // Named as a string: touching the class would start java.util.logging in every program.
          TerminusLogManager.prepare();
        }
        s.previousHandlers = Signals.install(settings.signals.keySet(), s);
      }
      return s;
    }
  }

  boolean handlesSignals() {
    return !previousHandlers.isEmpty();
  }

  static boolean hookInstalled() {
    synchronized (Session.class) {
      return hook != null;
    }
  }

  /** Ends a {@link Terminus#call}: nothing it installed or requested survives it. */
  void close() {
    synchronized (Session.class) {
      watchdog.disarm();
      Signals.restore(previousHandlers);
      Thread.setDefaultUncaughtExceptionHandler(previousUncaught);
      Plan.discard(mark);
      Plan.discardPhases(phases);
      Requests.clear();
      if (Thread.currentThread() == main) {
        Thread.interrupted();
      }
      active = null;
    }
  }

  /** Installs the single JVM shutdown hook through which a third party's System.exit runs. */
  static void ensureHook() {
    synchronized (Session.class) {
      if (hook == null) {
        // Classes rather than lambdas on the start-up path: each first lambda costs start time.
        hook =
            new Thread("terminus-shutdown") {
              @Override
              public void run() {
                onJvmShutdown();
              }
            };
        Runtime.getRuntime().addShutdownHook(hook);
      }
    }
  }

  private static boolean standalone; // guarded by Session.class

  /**
   * Without a runner, an ExitException that nobody catches still exits with its status: the
   * default uncaught-exception handler (chained to the previous one) prints the message, if any,
   * and calls System.exit, whose shutdown hook runs the plan.
   */
  private static void installStandaloneHandler() {
    synchronized (Session.class) {
      if (standalone || active != null) {
        return;
      }
      standalone = true;
      Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
      Thread.setDefaultUncaughtExceptionHandler(
          (t, e) -> {
            if (e instanceof ExitException && active == null) {
              ExitException exit = (ExitException) e;
              if (exit.message() != null) {
                System.err.println(exit.message());
              }
              Runtimes.exit(exit.status());
            } else if (previous != null) {
              previous.uncaughtException(t, e);
            } else {
              System.err.print("Exception in thread \"" + t.getName() + "\" ");
              e.printStackTrace(System.err);
            }
          });
    }
  }

  private void installUncaughtHandler() {
    previousUncaught = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler(new QuietExits(previousUncaught));
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
        return; // the request is registered; the process exits with it
      }
      if (previous != null) {
        previous.uncaughtException(t, e);
      } else {
        System.err.print("Exception in thread \"" + t.getName() + "\" ");
        e.printStackTrace(System.err);
      }
    }
  }

  static void requested(ExitException e) {
    Events.exitRequested(e);
    Session s = active;
    if (s == null) {
      installStandaloneHandler();
      return;
    }
    if (!s.stopping && Thread.currentThread() != s.main) {
      s.interrupter = e;
      s.main.interrupt();
    }
    if (s.mode == Mode.RUN) {
      s.watchdog.arm(s.settings.deadline);
    }
  }

  static void withdrawn(ExitException e) {
    Session s = active;
    if (s == null) {
      return;
    }
    if (s.interrupter == e) {
      s.interrupter = null;
      if (Thread.currentThread() == s.main) {
        Thread.interrupted();
      }
    }
    if (!s.stopping) {
      s.watchdog.disarm();
    }
  }

  private static Duration warnedTotal;

  /** Warns when the declared task timeouts add up past the deadline. */
  static void checkBudget(Duration total) {
    Session s = active;
    Duration deadline = s != null ? s.settings.deadline : Settings.configuredDeadline();
    synchronized (Session.class) {
      if (total.compareTo(deadline) <= 0 || warnedTotal != null) {
        return; // once per process: the first registration that crosses the deadline
      }
      warnedTotal = total;
    }
    System.getLogger("dev.terminus")
        .log(
            System.Logger.Level.WARNING,
            "shutdown plan: the declared task timeouts add up to {0}, past the deadline of {1};"
                + " the deadline will cut the stop short",
            Durations.format(total),
            Durations.format(deadline));
  }

  @Override
  public void onSignal(String name) {
    if (Requests.pending() != null || stopping) {
      if (Critical.open() > 0) {
        // Never cut a commit in half: let the open sections finish (the watchdog still bounds
        // this), then force the exit.
        Runtimes.writeStderr(
            settings.name + ": SIG" + name + " while stopping: waiting for "
                + Critical.open() + " critical section(s) to close");
        Critical.awaitClosed(settings.deadline.toNanos());
      }
      force(name);
    }
    if (!Requests.tryRequest(new SignalExit(name, settings.statusFor(name), null))) {
      force(name);
    }
  }

  private void force(String name) {
    Runtimes.writeStderr(settings.name + ": SIG" + name + " while stopping: exit forced");
    Runtimes.haltNow(128 + Signals.number(name));
  }

  /** Whoever claims the stop first runs it: the runner, or the JVM shutdown hook. */
  boolean claimStop() {
    return stopClaimed.compareAndSet(false, true);
  }

  /** The body has ended: the deadline now bounds the cleanup. */
  void beginShutdown(int status, Report report) {
    this.report = report;
    finalStatus = status;
    stopping = true;
    if (mode == Mode.RUN) {
      watchdog.arm(settings.deadline);
    }
  }

  void deadlinePassed() {
    ExitException p = Requests.pending();
    if (!stopping && p == null) {
      return; // withdrawn meanwhile
    }
    int status = stopping ? finalStatus : p.status();
    if (status == 0) {
      status = DEADLINE_EXCEEDED;
    }
    String what = stopping ? "shutdown" : "exit requested with status " + p.status() + " but";
    Report r = report;
    if (r == null) {
      r = new Report(settings.name);
      r.reason(p, null);
    }
    r.status = status;
    Stopper.skipRemaining(r, mark);
    r.write(settings.report, true);
    Events.deadlineExceeded(status, settings.deadline);
    Runtimes.writeStderr(
        settings.name
            + ": "
            + what
            + " not finished within the deadline of "
            + Durations.format(settings.deadline)
            + "; halting with status "
            + status);
    Runtimes.haltNow(status);
  }

  /** Called by the runner just before it calls System.exit. */
  void exitingBy(String signal) {
    if (signal != null) {
      threadsBeforeExit = liveThreads();
      raiseOnExit = signal;
    }
    exiting = true;
  }

  private static void onJvmShutdown() {
    jvmShutdownStarted = true;
    Session s = active;
    if (s != null && s.exiting) {
      s.afterOwnExit();
      return;
    }
    if (s != null && !s.claimStop()) {
      // System.exit was called while the runner's stop runs (from a task, say): the stop goes on,
      // the first request's status wins, and nothing deadlocks.
      s.main.interrupt();
      try {
        s.stopped.await(s.settings.deadline.toNanos(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      Runtimes.flush();
      Runtimes.haltNow(s.finalStatus);
      return;
    }
    // A third party's System.exit, or the JVM ending on its own: the same plan runs here.
    String name = s != null ? s.settings.name : Settings.resolveName(null);
    Report report = new Report(name);
    report.reason = "System.exit by a third party";
    Thread caller = exitCaller();
    if (caller != null) {
      report.detail = "thread '" + caller.getName() + "'";
      report.reasonStack = caller.getStackTrace();
    }
    Duration deadline = s != null ? s.settings.deadline : Settings.configuredDeadline();
    if (s != null) {
      s.report = report;
      s.stopping = true;
      if (s.mode == Mode.RUN) {
        s.watchdog.arm(deadline);
      }
    }
    stopStarted();
    try {
      new Stopper(name, s != null ? s.mark : 0, report, System.err).run(deadline);
      Runtimes.flush();
      report.write(s != null ? s.settings.report : Settings.configuredReport(), false);
    } finally {
      stopFinished();
    }
  }

  /** The thread that called System.exit: the one running Shutdown.exit. */
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
    String signal = raiseOnExit;
    if (signal == null) {
      return;
    }
    awaitOtherHooks();
    Runtimes.flush();
    Signals.raise(signal); // returns only if that failed: System.exit's 128+N stands
  }

  private void awaitOtherHooks() {
    // The exiting thread starts every hook before it joins the first one, so once it waits in
    // ApplicationShutdownHooks, every hook thread exists; they are the threads that did not exist
    // just before System.exit.
    long until = System.nanoTime() + settings.deadline.toNanos();
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

  /**
   * The JVM's rule when main returns: wait for the other non-daemon threads, naming them on stderr
   * once the configured wait has passed. An exit request interrupts the wait.
   */
  void awaitNonDaemonThreads() {
    if (settings.exitOnMainReturn) {
      return;
    }
    long reportAt = System.nanoTime() + settings.threadsReportAfter.toNanos();
    boolean reported = false;
    while (Requests.pending() == null) {
      Thread other = null;
      for (Thread t : liveThreads()) {
        if (t != main && t.isAlive() && !t.isDaemon() && !t.getName().equals("DestroyJavaVM")) {
          other = t;
          break;
        }
      }
      if (other == null) {
        return;
      }
      try {
        long left = reportAt - System.nanoTime();
        if (reported || left <= 0) {
          if (!reported) {
            reported = true;
            reportWaitingThreads();
          }
          other.join();
        } else {
          TimeUnit.NANOSECONDS.timedJoin(other, left);
        }
      } catch (InterruptedException e) {
        // An exit was requested (the loop ends) or someone else interrupted us: keep waiting.
      }
    }
  }

  private void reportWaitingThreads() {
    StringBuilder b = new StringBuilder();
    b.append(settings.name).append(": main returned ")
        .append(Durations.format(settings.threadsReportAfter))
        .append(" ago; the JVM waits for these non-daemon threads:");
    for (Thread t : liveThreads()) {
      if (t != main && t.isAlive() && !t.isDaemon() && !t.getName().equals("DestroyJavaVM")) {
        b.append(System.lineSeparator()).append("  thread '").append(t.getName()).append("' ")
            .append(t.getState());
        for (StackTraceElement e : t.getStackTrace()) {
          b.append(System.lineSeparator()).append("\tat ").append(e);
        }
      }
    }
    System.err.println(b);
    System.err.flush();
  }
}
