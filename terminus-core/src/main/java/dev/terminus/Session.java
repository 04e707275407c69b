package dev.terminus;

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
final class Session {
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
  final int mark;
  final Watchdog watchdog;
  final long started = System.nanoTime();

  volatile boolean stopping;
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
    this.mark = Cleanup.mark();
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
        s.previousHandlers = Signals.install(settings.signals.keySet(), s::onSignal);
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
      Cleanup.discard(mark);
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
        hook = new Thread(Session::onJvmShutdown, "terminus-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
      }
    }
  }

  private void installUncaughtHandler() {
    previousUncaught = Thread.getDefaultUncaughtExceptionHandler();
    Thread.UncaughtExceptionHandler previous = previousUncaught;
    Thread.setDefaultUncaughtExceptionHandler(
        (t, e) -> {
          if (e instanceof ExitException) {
            return; // the request is registered; the process exits with it
          }
          if (previous != null) {
            previous.uncaughtException(t, e);
          } else {
            System.err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace(System.err);
          }
        });
  }

  static void requested(ExitException e) {
    Session s = active;
    if (s == null) {
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

  void onSignal(String name) {
    if (Requests.pending != null || stopping) {
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

  /** The body has ended: the deadline now bounds the cleanup. */
  void beginShutdown(int status) {
    finalStatus = status;
    stopping = true;
    if (mode == Mode.RUN) {
      watchdog.arm(settings.deadline);
    }
  }

  /**
   * The drain: waits for open critical sections to close before cleanup closes what they use.
   * The watchdog bounds the whole stop, so this wait needs no bound of its own but the deadline.
   */
  void drainCriticalSections() {
    if (Critical.open() > 0) {
      Critical.awaitClosed(settings.deadline.toNanos());
    }
  }

  void deadlinePassed() {
    ExitException p = Requests.pending;
    if (!stopping && p == null) {
      return; // withdrawn meanwhile
    }
    int status = stopping ? finalStatus : p.status();
    if (status == 0) {
      status = DEADLINE_EXCEEDED;
    }
    String what = stopping ? "shutdown" : "exit requested with status " + p.status() + " but";
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
    Session s = active;
    if (s != null && s.exiting) {
      s.afterOwnExit();
      return;
    }
    // A third party's System.exit, or the JVM ending on its own: the same cleanup runs.
    String name = s != null ? s.settings.name : Settings.resolveName(null);
    if (s != null) {
      s.stopping = true;
      if (s.mode == Mode.RUN) {
        s.watchdog.arm(s.settings.deadline);
      }
    }
    if (Critical.open() > 0) {
      Critical.awaitClosed(s != null ? s.settings.deadline.toNanos() : Settings.DEFAULT_DEADLINE.toNanos());
    }
    Cleanup.run(0, name, System.err);
    Runtimes.flush();
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
   * The JVM's rule when main returns: wait for the other non-daemon threads. An exit request
   * interrupts the wait.
   */
  void awaitNonDaemonThreads() {
    while (Requests.pending == null) {
      Thread other = null;
      for (Thread t : liveThreads()) {
        if (t != main && t.isAlive() && !t.isDaemon()) {
          other = t;
          break;
        }
      }
      if (other == null) {
        return;
      }
      try {
        other.join();
      } catch (InterruptedException e) {
        // An exit was requested (the loop ends) or someone else interrupted us: keep waiting.
      }
    }
  }
}
