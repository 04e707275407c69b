package dev.terminus.test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child processes of one test: each one started through it is closed by {@link #close()}, which
 * fails if any of them, or any process one of them started, was still running.
 *
 * <p>{@link TerminusExtension} passes one to each test method that declares a parameter of this
 * type and closes it after the test. Without JUnit, use it in try-with-resources:
 *
 * <pre>{@code
 * try (Children children = new Children()) {
 *   ChildResult r = children.java(Tool.class).args("in.txt").run();
 *   ...
 * } // fails if Tool left a process running
 * }</pre>
 *
 * <p>Safe for use from several threads.
 */
public final class Children implements AutoCloseable {
  // Comments, not @GuardedBy, in this public class: users' javac reads its fields' annotations and
  // warns (-Xlint:classfile) when the annotation's class is not on their class path.
  private final List<ChildProcess> started = new ArrayList<>(); // guarded by this
  private boolean closed; // guarded by this

  /** An empty set of children. */
  public Children() {}

  /**
   * As {@link ChildProcess#java(Class)}, closed with this set.
   *
   * @param mainClass the class with {@code main}
   * @return a builder
   */
  public ChildProcess.Builder java(Class<?> mainClass) {
    return track(ChildProcess.java(mainClass));
  }

  /**
   * As {@link ChildProcess#java(String)}, closed with this set.
   *
   * @param mainClass the binary name of the class with {@code main}
   * @return a builder
   */
  public ChildProcess.Builder java(String mainClass) {
    return track(ChildProcess.java(mainClass));
  }

  /**
   * As {@link ChildProcess#jar(Path)}, closed with this set.
   *
   * @param jar the jar
   * @return a builder
   */
  public ChildProcess.Builder jar(Path jar) {
    return track(ChildProcess.jar(jar));
  }

  /**
   * As {@link ChildProcess#command(String...)}, closed with this set.
   *
   * @param command the program and its arguments
   * @return a builder
   */
  public ChildProcess.Builder command(String... command) {
    return track(ChildProcess.command(command));
  }

  /**
   * As {@link ChildProcess#command(List)}, closed with this set.
   *
   * @param command the program and its arguments
   * @return a builder
   */
  public ChildProcess.Builder command(List<String> command) {
    return track(ChildProcess.command(command));
  }

  private ChildProcess.Builder track(ChildProcess.Builder b) {
    return b.onStart(this::add);
  }

  private void add(ChildProcess c) {
    boolean late;
    synchronized (this) {
      late = closed;
      if (!late) {
        started.add(c);
      }
    }
    if (late) {
      c.close();
      throw new IllegalStateException("these children are closed: start no more");
    }
  }

  /**
   * The children started so far, in order.
   *
   * @return the children
   */
  public synchronized List<ChildProcess> started() {
    return List.copyOf(started);
  }

  /**
   * Closes every child (killing what still runs) and returns the processes that were still running:
   * children the test did not close, or processes they started that outlived them.
   *
   * @return descriptions of the processes that outlived their test (pid and command line)
   */
  public List<String> closeAll() {
    List<ChildProcess> all;
    synchronized (this) {
      closed = true;
      all = List.copyOf(started);
    }
    List<String> outlived = new ArrayList<>();
    for (ChildProcess c : all) {
      List<String> live = c.liveProcesses();
      if (!live.isEmpty()) {
        outlived.add(c + " left " + live);
      }
      c.close();
    }
    return outlived;
  }

  /**
   * Closes every child, as {@link #closeAll()}.
   *
   * @throws AssertionError if a child or a process it started was still running (they are killed)
   */
  @Override
  public void close() {
    List<String> outlived = closeAll();
    if (!outlived.isEmpty()) {
      throw new AssertionError(
          "processes outlived the test and were killed:\n  " + String.join("\n  ", outlived));
    }
  }
}
