package dev.terminus.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A stop ladder such as {@code INT:5s,TERM:5s,KILL}: each step sends its signal to the child and
 * all its descendants, then waits up to its duration for all of them to end before the next step.
 *
 * @param steps the steps, in order, never empty
 */
public record Ladder(List<Step> steps) {

  /** The default ladder: {@code INT:5s,TERM:5s,KILL}. */
  public static final Ladder DEFAULT = parse("INT:5s,TERM:5s,KILL");

  /**
   * One step of a ladder.
   *
   * @param signal the signal to send
   * @param duration how long to wait for the process tree to end after sending it
   */
  public record Step(SignalName signal, Duration duration) {
    @Override
    public String toString() {
      return signal.number() == 9
          ? signal.name()
          : signal.name() + ":" + DurationParser.format(duration);
    }
  }

  /** Copies the list. */
  public Ladder {
    steps = List.copyOf(steps);
  }

  /**
   * Parses a ladder.
   *
   * @param spec comma-separated steps {@code SIGNAL[:DURATION]}; a step without duration waits
   *     {@value #DEFAULT_WAIT_SECONDS} seconds
   * @return the ladder
   * @throws IllegalArgumentException with a one-line message for an empty or malformed ladder
   */
  public static Ladder parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty ladder (expected steps like INT:5s,TERM:5s,KILL)");
    }
    List<Step> steps = new ArrayList<>();
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      if (p.isEmpty()) {
        throw new IllegalArgumentException(
            "empty step in ladder '" + spec + "' (expected steps like INT:5s,TERM:5s,KILL)");
      }
      if (!steps.isEmpty() && steps.get(steps.size() - 1).signal().number() == 9) {
        throw new IllegalArgumentException(
            "step '" + p + "' after KILL in ladder '" + spec + "' (KILL must be the last step)");
      }
      int colon = p.indexOf(':');
      SignalName sig = SignalName.parse(colon < 0 ? p : p.substring(0, colon));
      if (sig.number() == 9 && colon >= 0) {
        throw new IllegalArgumentException(
            "a wait on KILL in ladder '"
                + spec
                + "' (KILL cannot be caught: write KILL alone; terminus then waits up to "
                + DEFAULT_WAIT_SECONDS
                + "s for the tree to end)");
      }
      Duration wait =
          colon < 0
              ? Duration.ofSeconds(DEFAULT_WAIT_SECONDS)
              : DurationParser.parse(p.substring(colon + 1));
      steps.add(new Step(sig, wait));
    }
    return new Ladder(steps);
  }

  /** Seconds a step without a duration waits. */
  public static final int DEFAULT_WAIT_SECONDS = 5;

  /**
   * Whether some step sends SIGKILL, the one signal a process cannot ignore.
   *
   * @return true if the ladder ends the tree for sure
   */
  public boolean endsWithKill() {
    return steps.stream().anyMatch(s -> s.signal().number() == 9);
  }

  @Override
  public String toString() {
    return steps.stream().map(Step::toString).collect(Collectors.joining(","));
  }
}
