/**
 * Stop a JVM program the right way: {@link dev.terminus.Exit#now(int)} for a graceful exit that
 * runs {@code finally} blocks, {@link dev.terminus.Exit#halt(int)} for an immediate one, {@link
 * dev.terminus.ExitStatus} for errors that carry their status, and {@link
 * dev.terminus.Terminus#run(String[], MainBody)} to turn the way {@code main} ended into a status,
 * run the cleanup tasks, flush, and exit.
 *
 * <p>Package-wide rules: a {@code null} argument is rejected with a {@link NullPointerException}
 * naming the parameter; exit statuses are in {@code [0, 255]}; durations are positive.
 */
package dev.terminus;
