package dev.terminus;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The bridge to {@code sun.misc.Signal}: installs and restores handlers, and ends the process by a
 * signal. Every failure degrades to the JDK's own behaviour and is logged once at debug level.
 */
final class Signals {
  static final List<String> NAMES = List.of("INT", "TERM", "HUP");

  /** Looked up only when there is something to say: the lookup starts a logging backend. */
  private static final class Log {
    static final System.Logger LOG = System.getLogger("dev.terminus");
  }

  /**
   * The signals found ignored when the handlers were installed (a background job, {@code nohup}),
   * for the stop report: {@code SIGINT, SIGHUP}, or empty. Not logged at start: looking up a {@code
   * System.Logger} starts the platform's logging, about 10 ms and 200 classes in a cold JVM.
   */
  private static volatile String ignoredAtStart = "";

  private Signals() {}

  static String ignoredAtStart() {
    return ignoredAtStart;
  }

  static int number(String name) {
    switch (name) {
      case "HUP":
        return 1;
      case "INT":
        return 2;
      case "TERM":
        return 15;
      default:
        throw new IllegalArgumentException(
            "unknown signal '" + name + "' (Terminus handles INT, TERM and HUP)");
    }
  }

  /** Accepts {@code int}, {@code SIGINT}, {@code 2} and returns {@code INT}. */
  static String canonical(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.startsWith("SIG")) {
      t = t.substring(3);
    }
    for (String n : NAMES) {
      if (t.equals(n) || t.equals(Integer.toString(number(n)))) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        "unknown signal '" + text.trim() + "' (Terminus handles INT, TERM and HUP)");
  }

  /**
   * Installs {@code listener} for each signal; returns the handlers it replaced. A signal the
   * platform or JVM will not let us handle (Windows, {@code -Xrs}) keeps the JDK's behaviour; one
   * that was ignored when the JVM started (a background job, {@code nohup}) stays ignored.
   */
  static Map<StopSignal, Object> install(
      Iterable<StopSignal> signals, Consumer<StopSignal> listener) {
    Map<StopSignal, Object> previous = new HashMap<>();
    for (StopSignal sig : signals) {
      String name = sig.name();
      try {
        sun.misc.SignalHandler old =
            sun.misc.Signal.handle(
                new sun.misc.Signal(name),
                new sun.misc.SignalHandler() {
                  @Override
                  public void handle(sun.misc.Signal s) {
                    listener.accept(sig);
                  }
                });
        if (old == sun.misc.SignalHandler.SIG_IGN) {
          // The JVM started with this signal ignored (a background job): respect that.
          sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
          String seen = ignoredAtStart;
          ignoredAtStart = seen.isEmpty() ? sig.fullName() : seen + ", " + sig.fullName();
          continue;
        }
        previous.put(sig, old);
      } catch (IllegalArgumentException | UnsupportedOperationException e) {
        Log.LOG.log(
            System.Logger.Level.DEBUG,
            "SIG{0} cannot be handled here ({1}); the JDK's own behaviour applies",
            name,
            e.getMessage());
      }
    }
    return previous;
  }

  static void restore(Map<StopSignal, Object> previous) {
    for (Map.Entry<StopSignal, Object> e : previous.entrySet()) {
      try {
        sun.misc.Signal.handle(
            new sun.misc.Signal(e.getKey().name()), (sun.misc.SignalHandler) e.getValue());
      } catch (IllegalArgumentException ignored) {
        // It was installed moments ago; the platform will not refuse it now.
      }
    }
  }

  /**
   * Ends this process by {@code name}: restores the default disposition and sends the signal to our
   * own pid with {@code kill}. Returns only if that failed.
   */
  static boolean raise(StopSignal signal) {
    String name = signal.name();
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_DFL);
      Process kill =
          new ProcessBuilder("kill", "-s", name, "--", Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      int status = kill.waitFor();
      if (status == 0) {
        // A fatal signal with the default disposition ends the process when it is delivered;
        // wait for the kernel to finish it rather than race it to a normal exit.
        Thread.sleep(2_000);
      }
      Log.LOG.log(
          System.Logger.Level.DEBUG, "kill -{0} exited {1}; exiting with a status", name, status);
    } catch (java.io.IOException | IllegalArgumentException e) {
      Log.LOG.log(
          System.Logger.Level.DEBUG,
          "cannot end by SIG{0} ({1}); exiting with a status instead",
          name,
          e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }
}
