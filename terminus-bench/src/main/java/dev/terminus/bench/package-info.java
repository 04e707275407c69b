/**
 * Benchmarks of Terminus: JMH micro-benchmarks in this package, whole-process programs in {@code
 * dev.terminus.bench.proc}. Run them with {@code bench/run.sh}, never from {@code mvn verify}.
 */
package dev.terminus.bench;
