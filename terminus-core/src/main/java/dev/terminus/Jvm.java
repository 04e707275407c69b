package dev.terminus;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The JVM behind one small seam: ending the process, its shutdown hook and its signal handlers.
 * {@link Terminus#run} gets the real one ({@link Runtimes}); {@link Terminus#call} a simulated one
 * that ends nothing, so the two differ only by the seam they are given.
 */
interface Jvm {
  /** {@code System.exit(status)}: runs the shutdown hooks, then ends the process. */
  void exit(int status);

  /** {@code Runtime.halt(status)}: ends the process at once (simulated: throws). */
  void halt(int status);

  /**
   * Ends the process by {@code signal} with its default disposition, as CPython does after an
   * uncaught {@code KeyboardInterrupt}; halts with {@code fallback} where that cannot be done.
   */
  void die(StopSignal signal, int fallback);

  /**
   * Arranges for the process to die by {@code signal} at the very end of {@code
   * exit(signal.number())}, after every hook and the JDK's own last steps; returns false where that
   * cannot be arranged (the caller then raises the signal from the shutdown hook).
   */
  boolean dieAtExit(StopSignal signal);

  /** Adds a JVM shutdown hook; returns false when the JVM's shutdown has already begun. */
  boolean addShutdownHook(Thread hook);

  /** Handles {@code signals} with {@code listener}; returns what to give {@link #restore}. */
  Map<StopSignal, Object> handle(Iterable<StopSignal> signals, Consumer<StopSignal> listener);

  /** Puts back the handlers {@link #handle} replaced. */
  void restore(Map<StopSignal, Object> previous);
}
