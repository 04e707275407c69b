/**
 * The same small program under Terminus, plain JDK shutdown hooks, Pekko CoordinatedShutdown and
 * Spring Boot, for bench/harness.py. Every program takes the same arguments:
 *
 * <ul>
 *   <li>{@code exit}: do a little work, register 10 trivial cleanup tasks, exit normally
 *       (start-to-exit wall time and peak RSS);
 *   <li>{@code signal none|slow|many}: register no task, 10 tasks of 100 ms that may run
 *       concurrently, or 1,000 trivial tasks; print {@code ready}; wait for SIGTERM (shutdown
 *       latency).
 * </ul>
 */
package dev.terminus.bench.proc;
