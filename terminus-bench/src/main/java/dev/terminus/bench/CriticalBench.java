package dev.terminus.bench;

import dev.terminus.Critical;
import dev.terminus.Terminus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * Entering and leaving an empty critical section, against what a hand-made "no exit while this
 * runs" guard costs: an {@link AtomicInteger} increment plus decrement on a shared counter, and a
 * shared {@link ReentrantReadWriteLock} read lock plus unlock. The state is shared by the threads
 * ({@link Scope#Benchmark}), as Terminus's own counter is.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Benchmark)
public class CriticalBench {

  final AtomicInteger open = new AtomicInteger();
  final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

  @SuppressWarnings("try")
  static void critical() {
    try (Critical s = Terminus.critical("x")) {
      // empty: the cost of entering and leaving
    }
  }

  void atomicPair() {
    open.incrementAndGet();
    open.decrementAndGet();
  }

  void readLock() {
    lock.readLock().lock();
    lock.readLock().unlock();
  }

  @Benchmark
  public void critical_t1() {
    critical();
  }

  @Benchmark
  public void atomicPair_t1() {
    atomicPair();
  }

  @Benchmark
  public void readLock_t1() {
    readLock();
  }

  @Benchmark
  @Threads(2)
  public void critical_t2() {
    critical();
  }

  @Benchmark
  @Threads(2)
  public void atomicPair_t2() {
    atomicPair();
  }

  @Benchmark
  @Threads(2)
  public void readLock_t2() {
    readLock();
  }
}
