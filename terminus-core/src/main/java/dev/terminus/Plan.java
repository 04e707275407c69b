package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A run's shutdown plan: the tasks registered into the process-wide phases.
 *
 * <p>Design: the phases are one process-wide list guarded by the class lock; each run (the process,
 * or one {@link Terminus#call}) has its own plan, whose tasks are guarded by the plan's lock. A
 * stop takes tasks off the list under the lock and runs them outside it, so each runs at most once,
 * and a task may register further tasks. The declared timeouts are summed as tasks arrive (per
 * phase: the sum, or the maximum for a concurrent phase), so registering is linear. Phase order is
 * computed on demand: a stable topological sort that keeps registration order among phases that do
 * not depend on each other.
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

  @GuardedBy("this")
  private final List<Task> tasks = new ArrayList<>();

  @GuardedBy("this")
  private long seq;

  /** Per phase: the sum (one by one) or maximum (concurrent) of its declared timeouts. */
  @GuardedBy("this")
  private final Map<Phase, Duration> declared = new HashMap<>();

  @GuardedBy("this")
  private Duration declaredTotal = Duration.ZERO;

  Plan() {}

  synchronized int size() {
    return tasks.size();
  }

  /**
   * Registers a task; returns the declared timeouts' new total when this registration made it grow,
   * else null.
   */
  Duration add(Phase phase, String name, Duration timeout, AutoCloseable action) {
    synchronized (Plan.class) {
      if (!PHASES.contains(phase)) {
        throw new IllegalArgumentException(
            "phase '" + phase.name() + "' is not registered; add it with Shutdown.addPhase first");
      }
    }
    synchronized (this) {
      seq++;
      Task t = new Task(seq, phase, name != null ? name : "task " + seq, timeout, action);
      tasks.add(t);
      Duration d = t.effectiveTimeout();
      if (d == null) {
        return null;
      }
      Duration before = declared.getOrDefault(phase, Duration.ZERO);
      Duration after = phase.concurrent() ? (d.compareTo(before) > 0 ? d : before) : before.plus(d);
      declared.put(phase, after);
      declaredTotal = declaredTotal.plus(after.minus(before));
      return declaredTotal;
    }
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

  /** Removes and returns the last-registered task of {@code phase}, or null. */
  synchronized Task pollLast(Phase phase) {
    for (int i = tasks.size() - 1; i >= 0; i--) {
      Task t = tasks.get(i);
      if (t.phase == phase) {
        return tasks.remove(i);
      }
    }
    return null;
  }

  /** Removes and returns every task of {@code phase}, in registration order. */
  synchronized List<Task> takeAll(Phase phase) {
    List<Task> out = new ArrayList<>();
    List<Task> rest = new ArrayList<>(tasks.size());
    for (Task t : tasks) {
      (t.phase == phase ? out : rest).add(t);
    }
    tasks.clear();
    tasks.addAll(rest);
    return out;
  }

  /** Whether a task is registered in one of {@code phases}. */
  synchronized boolean hasTaskIn(Phase... phases) {
    for (Task t : tasks) {
      for (Phase p : phases) {
        if (t.phase == p) {
          return true;
        }
      }
    }
    return false;
  }

  /** The threads of the executors registered with {@link Shutdown#stop}, when they are known. */
  synchronized java.util.Set<Thread> ownedThreads() {
    java.util.Set<Thread> owned = new java.util.HashSet<>();
    for (Task t : tasks) {
      if (t.action instanceof Shutdown.ExecutorStop) {
        owned.addAll(((Shutdown.ExecutorStop) t.action).threads());
      }
    }
    return owned;
  }

  /** Drops every task: nothing registered here will run. */
  synchronized void discard() {
    tasks.clear();
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
}
