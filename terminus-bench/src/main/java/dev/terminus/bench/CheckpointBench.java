package dev.terminus.bench;

import dev.terminus.Exit;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link Exit#checkpoint()} with nothing pending, against the two things a loop would otherwise
 * poll: a plain volatile read (same shape as the checkpoint: a static volatile reference, null
 * check, throw if set) and {@code Thread.currentThread().isInterrupted()}.
 *
 * <p>Iteration counts, forks and time come from the command line (bench/run.sh).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CheckpointBench {

  /** Stands in for the pending request: never set. */
  static volatile RuntimeException pending;

  /** The baseline: one volatile read and a null check, as the checkpoint does. */
  static void volatileCheck() {
    RuntimeException p = pending;
    if (p != null) {
      throw p;
    }
  }

  @Benchmark
  public void volatileRead_t1() {
    volatileCheck();
  }

  @Benchmark
  public void checkpoint_t1() {
    Exit.checkpoint();
  }

  @Benchmark
  public boolean isInterrupted_t1() {
    return Thread.currentThread().isInterrupted();
  }

  @Benchmark
  @Threads(2)
  public void volatileRead_t2() {
    volatileCheck();
  }

  @Benchmark
  @Threads(2)
  public void checkpoint_t2() {
    Exit.checkpoint();
  }

  @Benchmark
  @Threads(2)
  public boolean isInterrupted_t2() {
    return Thread.currentThread().isInterrupted();
  }
}
