package dev.terminus;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The process-wide shutdown plan: the registered phases and the tasks registered into them.
 *
 * <p>Design: two lists guarded by the class lock. Tasks carry a sequence number; a stop takes them
 * off the list under the lock and runs them outside it, so each runs at most once even when a
 * runner and the JVM shutdown hook race, and a task may register further tasks. {@link
 * Terminus#call} remembers the sequence number at its start ({@link #mark()}) and runs or discards
 * only the tasks registered after it. Phase order is computed on demand: a stable topological sort
 * that keeps registration order among phases that do not depend on each other.
 */
final class Plan {
  /** A registered task. */
  static final class Task {
    final long seq;
    final Phase phase;
    final String name;
    final Duration timeout; // null: the phase's, else only the deadline bounds it
    final AutoCloseable action;

    Task(long seq, Phase phase, String name, Duration timeout, AutoCloseable action) {
      this.seq = seq;
      this.phase = phase;
      this.name = name;
      this.timeout = timeout;
      this.action = action;
    }

    Duration effectiveTimeout() {
      return timeout != null ? timeout : phase.timeout().orElse(null);
    }
  }

  private static final List<Phase> PHASES =
      new ArrayList<>(
          List.of(
              Phase.ANNOUNCE,
              Phase.DRAIN,
              Phase.STOP_SERVICES,
              Phase.FLUSH,
              Phase.CLOSE_RESOURCES,
              Phase.LOGGING));
  private static final List<Task> TASKS = new ArrayList<>();
  private static long seq;

  private Plan() {}

  static synchronized long mark() {
    return seq;
  }

  static synchronized int pending(long mark) {
    int n = 0;
    for (Task t : TASKS) {
      if (t.seq > mark) {
        n++;
      }
    }
    return n;
  }

  static void add(Phase phase, String name, Duration timeout, AutoCloseable action) {
    Duration total;
    synchronized (Plan.class) {
      if (!PHASES.contains(phase)) {
        throw new IllegalArgumentException(
            "phase '" + phase.name() + "' is not registered; add it with Shutdown.addPhase first");
      }
      seq++;
      TASKS.add(new Task(seq, phase, name != null ? name : "task " + seq, timeout, action));
      total = declaredTotal();
    }
    Session.checkBudget(total);
  }

  static void addPhase(Phase phase) {
    synchronized (Plan.class) {
      if (PHASES.contains(phase)) {
        throw new IllegalArgumentException("phase '" + phase.name() + "' is already registered");
      }
      List<String> unknown = new ArrayList<>();
      for (Phase d : phase.after()) {
        if (!PHASES.contains(d)) {
          unknown.add(d.name());
        }
      }
      for (Phase d : phase.before()) {
        if (!PHASES.contains(d)) {
          unknown.add(d.name());
        }
      }
      if (!unknown.isEmpty()) {
        throw new IllegalArgumentException(
            "phase '" + phase.name() + "' depends on unregistered phase(s) " + unknown);
      }
      PHASES.add(phase);
      try {
        order();
      } catch (IllegalArgumentException cycle) {
        PHASES.remove(phase);
        throw cycle;
      }
    }
  }

  /** The phases in the order they run. */
  static synchronized List<Phase> order() {
    Map<Phase, Set<Phase>> preds = new HashMap<>();
    for (Phase p : PHASES) {
      preds.put(p, new LinkedHashSet<>(p.after()));
    }
    for (Phase p : PHASES) {
      for (Phase b : p.before()) {
        preds.get(b).add(p); // registration checked that b is registered
      }
    }
    List<Phase> out = new ArrayList<>();
    Set<Phase> done = new LinkedHashSet<>();
    while (out.size() < PHASES.size()) {
      Phase next = null;
      for (Phase p : PHASES) {
        if (!done.contains(p) && done.containsAll(preds.getOrDefault(p, Set.of()))) {
          next = p;
          break;
        }
      }
      if (next == null) {
        List<String> stuck = new ArrayList<>();
        for (Phase p : PHASES) {
          if (!done.contains(p)) {
            stuck.add(p.name());
          }
        }
        throw new IllegalArgumentException("phases " + stuck + " form a dependency cycle");
      }
      done.add(next);
      out.add(next);
    }
    return out;
  }

  /** Removes and returns the last-registered task of {@code phase} above {@code mark}, or null. */
  static synchronized Task pollLast(Phase phase, long mark) {
    for (int i = TASKS.size() - 1; i >= 0; i--) {
      Task t = TASKS.get(i);
      if (t.phase == phase && t.seq > mark) {
        return TASKS.remove(i);
      }
    }
    return null;
  }

  /** Removes and returns every task of {@code phase} above {@code mark}, in registration order. */
  static synchronized List<Task> takeAll(Phase phase, long mark) {
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < TASKS.size(); ) {
      Task t = TASKS.get(i);
      if (t.phase == phase && t.seq > mark) {
        out.add(TASKS.remove(i));
      } else {
        i++;
      }
    }
    return out;
  }

  static synchronized void discard(long mark) {
    TASKS.removeIf(t -> t.seq > mark);
  }

  /** Removes custom phases registered while a call ran; the defaults stay. */
  static synchronized void discardPhases(int count) {
    while (PHASES.size() > count) {
      PHASES.remove(PHASES.size() - 1);
    }
  }

  static synchronized int phaseCount() {
    return PHASES.size();
  }

  /**
   * The longest a stop can take by the timeouts users declared: the sum over phases of the sum
   * (one by one) or the maximum (concurrent) of the declared task timeouts.
   */
  private static Duration declaredTotal() {
    Duration total = Duration.ZERO;
    for (Phase p : PHASES) {
      Duration phase = Duration.ZERO;
      for (Task t : TASKS) {
        Duration d = t.phase == p ? t.effectiveTimeout() : null;
        if (d != null) {
          phase = p.concurrent() ? (d.compareTo(phase) > 0 ? d : phase) : phase.plus(d);
        }
      }
      total = total.plus(phase);
    }
    return total;
  }
}
