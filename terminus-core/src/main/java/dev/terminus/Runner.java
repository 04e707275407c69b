package dev.terminus;

import java.nio.channels.ClosedByInterruptException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A configured runner, made by {@link Terminus#builder()}: runs a main body and turns the way it
 * ended into an exit status.
 *
 * <p>How the status is decided, in order:
 *
 * <ol>
 *   <li>An exit request that is still pending decides it, whether the body threw it, caught it, or
 *       never saw it (a request from another thread or a signal). Its message, if any, goes to
 *       stderr. If the body ended with a different exception meanwhile (say, thrown by a {@code
 *       finally} block), that exception's stack trace is printed too, and a requested 0 becomes 1:
 *       a failure is never reported as success.
 *   <li>The body returned normally: 0, once the other non-daemon threads have ended (the JVM's
 *       rule).
 *   <li>An {@link ExitException} escaped (one that was withdrawn and thrown again): its status.
 *   <li>The exception, or the first exception along its cause chain, that implements {@link
 *       ExitStatus} or that a {@linkplain Terminus.Builder#map mapping} covers (the most specific
 *       mapped class wins): one line {@code <program>: <message>} on stderr, that status.
 *   <li>Anything else: its stack trace on stderr, status 1.
 * </ol>
 *
 * <p>Immutable; safe for concurrent use, though only one {@code run} or {@code call} may be active
 * in a JVM at a time.
 */
public final class Runner {
  private final Terminus.Builder config;

  Runner(Terminus.Builder config) {
    this.config = config;
  }

  /**
   * Runs {@code main}, runs the cleanup tasks, flushes {@code System.out} and {@code System.err},
   * and exits the process with the status the run ended with; see {@link Terminus#run}.
   *
   * @param args the command-line arguments, passed to {@code main}
   * @param main the program's body
   * @throws IllegalStateException if a runner is already active in this JVM
   * @throws NullPointerException if {@code args} or {@code main} is null
   */
  public void run(String[] args, MainBody main) {
    Settings settings = settingsOrNull(args, main);
    if (settings == null) {
      Runtimes.REAL.exit(Exit.CONFIG_ERROR);
    }
    Run run = Run.open(false, settings);
    if (run == null) {
      // The JVM's exit began before the runner could start (a signal during start-up): that
      // exit runs the cleanup and ends the process; the body must not start.
      Run.parkForever();
    }
    run.execute(args, main, decision(settings, true));
  }

  /**
   * Runs {@code main} as {@link #run} does but returns the exit status instead of exiting; see
   * {@link Terminus#call}.
   *
   * @param args the command-line arguments, passed to {@code main}
   * @param main the program's body
   * @return the exit status, in {@code [0, 255]}
   * @throws IllegalStateException if a runner is already active in this JVM
   * @throws NullPointerException if {@code args} or {@code main} is null
   */
  public int call(String[] args, MainBody main) {
    Settings settings = settingsOrNull(args, main);
    if (settings == null) {
      return Exit.CONFIG_ERROR;
    }
    Run run = Run.open(true, settings);
    try {
      return run.execute(args, main, decision(settings, false)).status;
    } finally {
      run.close();
    }
  }

  private Settings settingsOrNull(String[] args, MainBody main) {
    if (args == null) {
      throw new NullPointerException("args");
    }
    if (main == null) {
      throw new NullPointerException("main");
    }
    try {
      return config.settings();
    } catch (IllegalArgumentException e) {
      System.err.println(Settings.resolveName(config.name) + ": " + e.getMessage());
      System.err.flush();
      return null;
    }
  }

  /** A class, not a lambda: a capturing lambda's bootstrap costs milliseconds at every start. */
  private static Run.Decision decision(Settings settings, boolean realExit) {
    return new Run.Decision() {
      @Override
      public Run.Outcome decide(Throwable failure, ExitException pending) {
        return Runner.decide(failure, pending, settings, realExit);
      }
    };
  }

  private static Run.Outcome decide(
      Throwable failure, ExitException pending, Settings settings, boolean realExit) {
    if (pending instanceof ExitException.Foreign) {
      // A third party's System.exit: the JVM exits with the status it was given.
      if (failure != null && !(failure instanceof ExitException) && !interruption(failure)) {
        printStackTrace(failure);
      }
      return new Run.Outcome(Lifecycle.UNKNOWN, null);
    }
    if (pending != null) {
      int status = pending.status();
      if (failure != null && !(failure instanceof ExitException) && !interruption(failure)) {
        printStackTrace(failure);
        if (status == 0) {
          status = 1;
        }
      }
      announce(pending, settings);
      StopSignal signal = null;
      if (pending instanceof SignalExit) {
        SignalExit se = (SignalExit) pending;
        boolean clean = status == se.signal().exitStatus();
        if (realExit && settings.raise && clean) {
          signal = se.signal();
        }
      }
      return new Run.Outcome(status, signal);
    }
    if (failure == null) {
      return new Run.Outcome(0, null);
    }
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Throwable c = failure; c != null && seen.add(c); c = c.getCause()) {
      if (c instanceof ExitException) {
        announce((ExitException) c, settings);
        return new Run.Outcome(((ExitException) c).status(), null);
      }
      Integer status = null;
      if (c instanceof ExitStatus) {
        int s = ((ExitStatus) c).exitStatus();
        if (Statuses.valid(s)) {
          status = s;
        } else {
          System.err.println(
              settings.name
                  + ": "
                  + c.getClass().getName()
                  + ".exitStatus() returned "
                  + s
                  + ", outside [0, 255]; exiting with 1");
          status = 1;
        }
      } else {
        status = mapped(c.getClass(), settings.mappings);
      }
      if (status != null) {
        String message = c.getMessage() != null ? c.getMessage() : c.getClass().getName();
        System.err.println(settings.name + ": " + message);
        return new Run.Outcome(status, null);
      }
    }
    printStackTrace(failure);
    return new Run.Outcome(1, null);
  }

  private static Integer mapped(
      Class<?> type, List<Map.Entry<Class<? extends Throwable>, Integer>> mappings) {
    Map.Entry<Class<? extends Throwable>, Integer> best = null;
    for (Map.Entry<Class<? extends Throwable>, Integer> m : mappings) {
      if (m.getKey().isAssignableFrom(type)
          && (best == null || best.getKey().isAssignableFrom(m.getKey()))) {
        best = m;
      }
    }
    return best != null ? best.getValue() : null;
  }

  private static boolean interruption(Throwable t) {
    return t instanceof InterruptedException || t instanceof ClosedByInterruptException;
  }

  private static void announce(ExitException e, Settings settings) {
    if (e instanceof SignalExit) {
      System.err.println(settings.name + ": " + ((SignalExit) e).signal().describe());
    } else if (e.message() != null) {
      System.err.println(e.message());
    }
  }

  private static void printStackTrace(Throwable t) {
    System.err.print("Exception in thread \"" + Thread.currentThread().getName() + "\" ");
    t.printStackTrace(System.err);
  }
}
