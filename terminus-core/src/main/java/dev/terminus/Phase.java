package dev.terminus;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A phase of the coordinated stop: a typed value, so a typo fails at compile time, not during a
 * shutdown.
 *
 * <p>The default plan runs, in order: {@link #ANNOUNCE} (flip readiness, deregister), {@link
 * #DRAIN} (wait for in-flight work; open {@linkplain Critical critical sections} close here),
 * {@link #STOP_SERVICES} (executors, consumers, schedulers), {@link #FLUSH} (buffers, offsets),
 * {@link #CLOSE_RESOURCES} (pools, files; the {@link Terminus#atExit} tasks run here) and {@link
 * #LOGGING}, last, so lines logged by every earlier task are written.
 *
 * <p>Add a phase with {@link #builder(String)} and {@link Shutdown#addPhase(Phase)}:
 *
 * <pre>{@code
 * Phase caches = Phase.builder("persist-caches")
 *     .after(Phase.STOP_SERVICES)
 *     .before(Phase.FLUSH)
 *     .concurrent(true)
 *     .timeout(Duration.ofSeconds(2))
 *     .build();
 * Terminus.shutdown().addPhase(caches);
 * }</pre>
 *
 * <p>Phases are compared by identity. Immutable; safe for concurrent use.
 */
public final class Phase {
  /** Flip readiness, deregister from discovery: first. */
  public static final Phase ANNOUNCE = new Phase("announce", Set.of(), Set.of(), false, null);

  /** Wait for in-flight work; open critical sections are waited for at its start. */
  public static final Phase DRAIN = new Phase("drain", Set.of(ANNOUNCE), Set.of(), false, null);

  /** Stop executors, consumers and schedulers. */
  public static final Phase STOP_SERVICES =
      new Phase("stop-services", Set.of(DRAIN), Set.of(), false, null);

  /** Flush buffers and commit offsets. */
  public static final Phase FLUSH =
      new Phase("flush", Set.of(STOP_SERVICES), Set.of(), false, null);

  /** Close pools and files; the {@link Terminus#atExit} tasks run here. */
  public static final Phase CLOSE_RESOURCES =
      new Phase("close-resources", Set.of(FLUSH), Set.of(), false, null);

  /** Shut logging down: last, so nothing logged during the stop is lost. */
  public static final Phase LOGGING =
      new Phase("logging", Set.of(CLOSE_RESOURCES), Set.of(), false, null);

  private final String name;
  private final Set<Phase> after;
  private final Set<Phase> before;
  private final boolean concurrent;
  private final Duration timeout;

  private Phase(
      String name, Set<Phase> after, Set<Phase> before, boolean concurrent, Duration timeout) {
    this.name = name;
    this.after = Collections.unmodifiableSet(new LinkedHashSet<>(after));
    this.before = Collections.unmodifiableSet(new LinkedHashSet<>(before));
    this.concurrent = concurrent;
    this.timeout = timeout;
  }

  /**
   * Starts a new phase.
   *
   * @param name the phase's name, for reports
   * @return a builder
   * @throws IllegalArgumentException if {@code name} is blank
   * @throws NullPointerException if {@code name} is null
   */
  public static Builder builder(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("phase name must not be blank");
    }
    return new Builder(name);
  }

  /**
   * Returns the phase's name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the phases this one runs after.
   *
   * @return an unmodifiable set
   */
  public Set<Phase> after() {
    return after;
  }

  /**
   * Returns the phases this one runs before.
   *
   * @return an unmodifiable set
   */
  public Set<Phase> before() {
    return before;
  }

  /**
   * Tells whether the tasks of this phase run concurrently rather than one by one, last registered
   * first.
   *
   * @return whether the phase is concurrent
   */
  public boolean concurrent() {
    return concurrent;
  }

  /**
   * Returns the timeout of a task registered without one, if the phase sets one; otherwise such a
   * task is bounded only by the deadline.
   *
   * @return the default task timeout
   */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Builds a {@link Phase}. Not safe for concurrent use. */
  public static final class Builder {
    private final String name;
    private final Set<Phase> after = new LinkedHashSet<>();
    private final Set<Phase> before = new LinkedHashSet<>();
    private boolean concurrent;
    private Duration timeout;

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Runs the phase after each of {@code phases}.
     *
     * @param phases the phases to follow
     * @return this builder
     * @throws NullPointerException if {@code phases} or one of them is null
     */
    public Builder after(Phase... phases) {
      for (Phase p : Objects.requireNonNull(phases, "phases")) {
        after.add(Objects.requireNonNull(p, "phases[]"));
      }
      return this;
    }

    /**
     * Runs the phase before each of {@code phases}.
     *
     * @param phases the phases to precede
     * @return this builder
     * @throws NullPointerException if {@code phases} or one of them is null
     */
    public Builder before(Phase... phases) {
      for (Phase p : Objects.requireNonNull(phases, "phases")) {
        before.add(Objects.requireNonNull(p, "phases[]"));
      }
      return this;
    }

    /**
     * Runs the phase's tasks concurrently: the phase takes as long as its slowest task.
     *
     * @param concurrent whether the tasks run concurrently
     * @return this builder
     */
    public Builder concurrent(boolean concurrent) {
      this.concurrent = concurrent;
      return this;
    }

    /**
     * Sets the timeout of tasks registered in this phase without one.
     *
     * @param timeout a positive duration
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is not positive
     * @throws NullPointerException if {@code timeout} is null
     */
    public Builder timeout(Duration timeout) {
      this.timeout = positive(timeout, "timeout");
      return this;
    }

    /**
     * Builds the phase; register it with {@link Shutdown#addPhase(Phase)}.
     *
     * @return the phase
     */
    public Phase build() {
      return new Phase(name, after, before, concurrent, timeout);
    }
  }

  static Duration positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(what + " " + d + " must be positive");
    }
    return d;
  }
}
