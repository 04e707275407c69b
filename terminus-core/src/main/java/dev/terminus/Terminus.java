package dev.terminus;

import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Runs a program's main body so that every way it can end becomes the right exit status, with its
 * cleanup done.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *   Terminus.run(args, a -> {
 *     var out = Files.newBufferedWriter(Path.of(a[0]));
 *     Terminus.atExit("output", out);
 *     copy(System.in, out);
 *   });
 * }
 * }</pre>
 *
 * <p>{@link #run} does, in order: installs handlers for SIGINT, SIGTERM and SIGHUP and one JVM
 * shutdown hook; runs the body; when it returns, waits for the other non-daemon threads as the JVM
 * would; decides the status (see {@link Runner}); prints the exit message, if any; runs the {@link
 * #atExit} tasks, last registered first; flushes {@code System.out} and {@code System.err}; and
 * exits. A signal exit ends by the signal itself, as CPython does after an uncaught {@code
 * KeyboardInterrupt}, so the parent sees a death by SIGINT, SIGTERM or SIGHUP. The whole stop, from
 * the request to the end of the cleanup, is bounded by a deadline (30 s unless configured); when it
 * passes the process halts.
 *
 * <p>The cleanup runs as a coordinated stop: see {@link Shutdown} for phases, timeouts and the
 * report ({@code terminus.report} / {@code TERMINUS_REPORT}: {@code stderr}, or a file path for
 * JSON).
 *
 * <p>Configuration comes from the {@link #builder()}, then system properties, then environment
 * variables (later ones win, so a variable overrides a property; a blank value counts as unset):
 * {@code terminus.deadline} / {@code TERMINUS_DEADLINE} (a duration such as {@code 500ms}, {@code
 * 10s}, {@code 2m}), {@code terminus.signals} / {@code TERMINUS_SIGNALS} (for example {@code
 * INT,TERM=0,HUP} or {@code none}), {@code terminus.signal-exit} / {@code TERMINUS_SIGNAL_EXIT}
 * ({@code raise} or {@code status}), and {@code terminus.name} / {@code TERMINUS_NAME} (the
 * program's name in messages). A malformed value is reported on stderr and the program exits with
 * 78 ({@code EX_CONFIG}) before its body runs.
 *
 * <p>Safe for concurrent use.
 */
public final class Terminus {
  private Terminus() {}

  /**
   * Runs {@code main} with the default configuration, then exits the process; never returns.
   *
   * @param args the command-line arguments, passed to {@code main}
   * @param main the program's body
   * @throws IllegalStateException if a runner is already active in this JVM
   * @throws NullPointerException if {@code args} or {@code main} is null
   */
  public static void run(String[] args, MainBody main) {
    builder().build().run(args, main);
  }

  /**
   * Runs {@code main} with the default configuration and returns the exit status instead of
   * exiting, so applications can test their own exit paths.
   *
   * <p>The call owns the thread that runs it and the threads started from it while it runs; the
   * rest of the JVM is outside it. It runs only the cleanup tasks its own threads registered,
   * flushes as {@link #run} does, and leaves nothing behind: no shutdown hook, signal handler,
   * thread, cleanup task or pending exit request. Its exit request stops only its own threads
   * ({@link Exit#checkpoint()} and {@link #critical(String)} elsewhere are unaffected), and its
   * drain waits only for their critical sections. It installs no signal handler and enforces no
   * deadline. {@link Exit#halt} inside it is simulated and decisive: no cleanup task runs and the
   * call returns the halt's status even if the body catches it and goes on. A signal exit is
   * reported as 128 + the signal's number.
   *
   * @param args the command-line arguments, passed to {@code main}
   * @param main the program's body
   * @return the exit status, in {@code [0, 255]}
   * @throws IllegalStateException if a runner is already active in this JVM
   * @throws NullPointerException if {@code args} or {@code main} is null
   */
  public static int call(String[] args, MainBody main) {
    return builder().build().call(args, main);
  }

  /**
   * Registers a cleanup task, run once when the program exits gracefully: after {@code main}
   * returns, after {@link Exit#now}, after an uncaught exception, on a handled signal, and when a
   * third party calls {@code System.exit} directly. Never after {@link Exit#halt}.
   *
   * <p>Tasks run last registered first, each at most once. A task that throws is reported on stderr
   * with its name and the exception's message; the other tasks still run and the exit status does
   * not change.
   *
   * @param task the task; its {@code close()} is called
   * @throws NullPointerException if {@code task} is null
   */
  public static void atExit(AutoCloseable task) {
    Objects.requireNonNull(task, "task");
    register(null, task);
  }

  /**
   * Registers a named cleanup task; as {@link #atExit(AutoCloseable)}, and reports name the task.
   *
   * @param name the task's name, for reports
   * @param task the task; its {@code close()} is called
   * @throws NullPointerException if {@code name} or {@code task} is null
   */
  public static void atExit(String name, AutoCloseable task) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(task, "task");
    register(name, task);
  }

  private static void register(String name, AutoCloseable task) {
    Run.register(Phase.CLOSE_RESOURCES, name, null, task);
  }

  /**
   * Returns the process-wide coordinated stop, to register phases and tasks.
   *
   * @return the shutdown plan
   */
  public static Shutdown shutdown() {
    return Shutdown.INSTANCE;
  }

  /**
   * Enters a critical section, refused once an exit has been requested; see {@link Critical}.
   *
   * <pre>{@code
   * try (var section = Terminus.critical("transfer")) {
   *   transfer(from, to, amount);
   *   connection.commit();
   * }
   * }</pre>
   *
   * @param name the section's name, for reports
   * @return the open section; close it with try-with-resources
   * @throws ExitException the pending exit request, if there is one (a fresh exception of the same
   *     type and status, as {@link Exit#checkpoint()} throws)
   * @throws NullPointerException if {@code name} is null
   */
  public static Critical critical(String name) {
    Objects.requireNonNull(name, "name");
    return Critical.enter(name, Run.current());
  }

  /**
   * Returns a builder for a configured {@link Runner}.
   *
   * @return a new builder with the defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Configures a {@link Runner}. Values set here are defaults that system properties and
   * environment variables override (see {@link Terminus}).
   *
   * <pre>{@code
   * Terminus.builder()
   *     .name("ledger")
   *     .deadline(Duration.ofSeconds(10))
   *     .map(java.nio.file.NoSuchFileException.class, 66) // EX_NOINPUT
   *     .build()
   *     .run(args, Ledger::main);
   * }</pre>
   *
   * <p>Not safe for concurrent use.
   */
  public static final class Builder {
    String name;
    private Duration deadline;
    private final Map<String, Integer> signals = Settings.defaultSignals();
    private boolean raise = true;
    private Duration threadsReportAfter;
    private boolean exitOnMainReturn;
    private Duration drainFirst;
    private final List<Map.Entry<Class<? extends Throwable>, Integer>> mappings = new ArrayList<>();

    Builder() {}

    /**
     * Sets the program's name, used in messages such as {@code <name>: <message>}; by default the
     * main class's simple name, or the jar's name.
     *
     * @param name the name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     */
    public Builder name(String name) {
      this.name = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the deadline for the whole stop, from the exit request (or the end of the body) to the
     * end of the process; 30 s by default.
     *
     * @param deadline a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code deadline} is zero or negative
     * @throws NullPointerException if {@code deadline} is null
     */
    public Builder deadline(Duration deadline) {
      Objects.requireNonNull(deadline, "deadline");
      if (deadline.isZero() || deadline.isNegative()) {
        throw new IllegalArgumentException("deadline " + deadline + " must be positive");
      }
      this.deadline = deadline;
      return this;
    }

    /**
     * Chooses which signals are handled, by name ({@code "INT"}, {@code "TERM"}, {@code "HUP"},
     * with or without {@code SIG}); the others keep the JDK's behaviour. With no argument, none is
     * handled. By default all three are.
     *
     * @param names the signals to handle
     * @return this builder
     * @throws IllegalArgumentException if a name is not one of INT, TERM, HUP
     * @throws NullPointerException if {@code names} or one of them is null
     */
    public Builder signals(String... names) {
      Map<String, Integer> chosen = new LinkedHashMap<>();
      for (String n : Objects.requireNonNull(names, "names")) {
        String sig = Signals.canonical(Objects.requireNonNull(n, "names[]"));
        chosen.put(sig, signals.getOrDefault(sig, 128 + Signals.number(sig)));
      }
      signals.clear();
      signals.putAll(chosen);
      return this;
    }

    /**
     * Sets the status a clean exit on {@code signal} reports, for service managers that count 143
     * as a failure: {@code signalStatus("TERM", 0)}. A status other than 128 + the signal's number
     * is a plain exit with that status, not a death by the signal. The signal becomes handled if it
     * was not.
     *
     * @param signal the signal's name
     * @param status the status, in {@code [0, 255]}
     * @return this builder
     * @throws IllegalArgumentException if the signal is unknown or the status out of range
     * @throws NullPointerException if {@code signal} is null
     */
    public Builder signalStatus(String signal, int status) {
      signals.put(
          Signals.canonical(Objects.requireNonNull(signal, "signal")), Statuses.check(status));
      return this;
    }

    /**
     * Chooses how a signal exit ends: by the signal itself ({@code true}, the default: the parent
     * sees a death by SIGINT and a shell loop stops), or by a plain exit with status 128 + N.
     *
     * @param raise whether to end by the signal
     * @return this builder
     */
    public Builder raiseSignal(boolean raise) {
      this.raise = raise;
      return this;
    }

    /**
     * Maps an exception class (and its subclasses) to an exit status: when such an exception ends
     * the body, the program prints one line {@code <program>: <message>} and exits with {@code
     * status}. The most specific mapped class wins.
     *
     * @param type the exception class
     * @param status the status, in {@code [0, 255]}
     * @return this builder
     * @throws IllegalArgumentException if {@code status} is out of range
     * @throws NullPointerException if {@code type} is null
     */
    public Builder map(Class<? extends Throwable> type, int status) {
      Objects.requireNonNull(type, "type");
      mappings.add(new AbstractMap.SimpleImmutableEntry<>(type, Statuses.check(status)));
      return this;
    }

    /**
     * Sets how long after {@code main} returns the non-daemon threads that keep the process alive
     * are named on stderr with their stacks; 10 s by default. The JVM's rule stands: the process
     * waits for them, unless {@link #exitWhenMainReturns(boolean)} says otherwise.
     *
     * @param after a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code after} is not positive
     * @throws NullPointerException if {@code after} is null
     */
    public Builder threadsReportAfter(Duration after) {
      this.threadsReportAfter = Phase.positive(after, "after");
      return this;
    }

    /**
     * Makes {@code main}'s return end the process even while non-daemon threads still run (they are
     * stopped by the plan, then by the exit); by default the process waits for them.
     *
     * @param exit whether main's return ends the process
     * @return this builder
     */
    public Builder exitWhenMainReturns(boolean exit) {
      this.exitOnMainReturn = exit;
      return this;
    }

    /**
     * Makes a signal drain the program before it unwinds, for programs that serve: on the first
     * SIGINT, SIGTERM or SIGHUP the {@link Phase#ANNOUNCE} tasks run (readiness down), the program
     * keeps serving for {@code servingDelay} (a load balancer or Kubernetes still routes to it for
     * a few seconds), then the open critical sections and the {@link Phase#DRAIN} tasks run (stop
     * accepting, finish in-flight work); only then is the exit requested and the main thread
     * interrupted, and the rest of the plan runs as usual. Until then nothing is requested: {@link
     * Exit#checkpoint()} does not throw and critical sections are entered as before. A second
     * signal still forces the exit, and the deadline bounds the whole stop from the first signal.
     * Off by default; {@code terminus.drain-first} / {@code TERMINUS_DRAIN_FIRST} ({@code on},
     * {@code off}, or the serving delay) overrides it.
     *
     * @param servingDelay how long to keep serving after the announcement; zero for none
     * @return this builder
     * @throws IllegalArgumentException if {@code servingDelay} is negative
     * @throws NullPointerException if {@code servingDelay} is null
     */
    public Builder drainBeforeUnwinding(Duration servingDelay) {
      Objects.requireNonNull(servingDelay, "servingDelay");
      if (servingDelay.isNegative()) {
        throw new IllegalArgumentException(
            "servingDelay " + servingDelay + " must not be negative");
      }
      this.drainFirst = servingDelay;
      return this;
    }

    /**
     * Builds the runner. System properties and environment variables are read when it runs.
     *
     * @return a new runner with a copy of this configuration
     */
    public Runner build() {
      Builder copy = new Builder();
      copy.name = name;
      copy.deadline = deadline;
      copy.signals.clear();
      copy.signals.putAll(signals);
      copy.raise = raise;
      copy.mappings.addAll(mappings);
      copy.threadsReportAfter = threadsReportAfter;
      copy.exitOnMainReturn = exitOnMainReturn;
      copy.drainFirst = drainFirst;
      return new Runner(copy);
    }

    Settings settings() {
      return Settings.resolve(
          name,
          deadline,
          new LinkedHashMap<>(signals),
          raise,
          mappings,
          threadsReportAfter,
          exitOnMainReturn,
          drainFirst);
    }
  }
}
