/**
 * The same small program under Terminus, plain JDK shutdown hooks, Pekko CoordinatedShutdown and
 * Spring Boot, for bench/bench.py. Every program takes the same arguments:
 *
 * <ul>
 *   <li>{@code exit}: do a little work, register 10 trivial cleanup tasks, exit normally
 *       (start-to-exit wall time and peak RSS);
 *   <li>{@code signal none|slow|many}: register no task, 10 tasks of 100 ms that may run
 *       concurrently, or 1,000 trivial tasks; print {@code ready}; wait for SIGTERM (shutdown
 *       latency).
 * </ul>
 *
 * <p>Terminus and plain {@code main} only:
 *
 * <ul>
 *   <li>{@code probe}: {@code exit}, writing {@code System.nanoTime()} stamps on stderr, so the
 *       harness can split the wall time (JVM start, start path, body, stop, JVM exit);
 *   <li>{@code register}: register 100,000 trivial tasks, write the time taken by the first 10,000
 *       and by all on stderr, exit normally;
 *   <li>{@code startpath}: {@code exit}, with {@link dev.terminus.bench.proc.StartMark} loaded just
 *       before {@code Terminus.run} and {@link dev.terminus.bench.proc.BodyMark} first thing in the
 *       body, for {@code -Xlog:class+load} and the bytecode-counting agent.
 * </ul>
 */
package dev.terminus.bench.proc;
