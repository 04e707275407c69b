package dev.terminus;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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

  private Signals() {}

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

  static String describe(String signal) {
    switch (signal) {
      case "INT":
        return "interrupted (SIGINT)";
      case "TERM":
        return "terminated (SIGTERM)";
      default:
        return "hung up (SIGHUP)";
    }
  }

  interface Listener {
    void onSignal(String name);
  }

  /**
   * Installs {@code listener} for each signal; returns the handlers it replaced, by name. A signal
   * the platform or JVM will not let us handle (Windows, {@code -Xrs}, a signal ignored when the
   * JVM started) keeps the JDK's behaviour.
   */
  static Map<String, sun.misc.SignalHandler> install(Iterable<String> names, Listener listener) {
    Map<String, sun.misc.SignalHandler> previous = new HashMap<>();
    for (String name : names) {
      try {
        sun.misc.SignalHandler old =
            sun.misc.Signal.handle(
                new sun.misc.Signal(name),
                new sun.misc.SignalHandler() {
                  @Override
                  public void handle(sun.misc.Signal sig) {
                    listener.onSignal(name);
                  }
                });
        if (old == sun.misc.SignalHandler.SIG_IGN) {
          // The JVM started with this signal ignored (a background job): respect that.
          sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_IGN);
          Log.LOG.log(System.Logger.Level.DEBUG, "SIG{0} is ignored by this process; left ignored", name);
          continue;
        }
        previous.put(name, old);
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

  static void restore(Map<String, sun.misc.SignalHandler> previous) {
    for (Map.Entry<String, sun.misc.SignalHandler> e : previous.entrySet()) {
      try {
        sun.misc.Signal.handle(new sun.misc.Signal(e.getKey()), e.getValue());
      } catch (IllegalArgumentException ignored) {
        // It was installed moments ago; the platform will not refuse it now.
      }
    }
  }

  /**
   * Ends this process by {@code name}: restores the default disposition and sends the signal to
   * our own pid with {@code kill}. Returns only if that failed.
   */
  static boolean raise(String name) {
    try {
      sun.misc.Signal.handle(new sun.misc.Signal(name), sun.misc.SignalHandler.SIG_DFL);
      Process kill =
          new ProcessBuilder(
                  "kill", "-s", name, "--", Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      int status = kill.waitFor();
      if (status == 0) {
        // A fatal signal with the default disposition ends the process when it is sent; wait
        // for the kernel to finish it rather than race it to a normal exit.
        Thread.sleep(5_000);
      }
      Log.LOG.log(System.Logger.Level.DEBUG, "kill -{0} exited {1}; exiting with a status", name, status);
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
