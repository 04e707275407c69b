/**
 * Test a program's exits in a real child process or in-JVM.
 *
 * <ul>
 *   <li>{@link dev.terminus.test.ChildProcess}: start a main class, a jar or any command with a
 *       clean environment, default signal dispositions and its own process group; wait for its
 *       lines; signal it or its group; get a {@link dev.terminus.test.ChildResult}. Every wait has
 *       a timeout; a timeout, a failed wait and {@code close()} kill the child and all its
 *       descendants.
 *   <li>{@link dev.terminus.test.TerminusAssertions}: fluent assertions on results and files.
 *   <li>{@link dev.terminus.test.Children} and {@link dev.terminus.test.TerminusExtension}: a
 *       test's children, closed after it; the test fails if one of them, or a process it started,
 *       outlived it.
 *   <li>{@link dev.terminus.test.InJvm}: {@code Terminus.call} with captured output and the list of
 *       cleanup tasks that ran.
 * </ul>
 */
package dev.terminus.test;
