package dev.terminus;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a stop did: why the program stopped, the status, each phase and task with its start,
 * duration and outcome, and the non-daemon threads still alive. Written to stderr as text or to a
 * file as JSON (atomically: a temporary file in the same directory, then a rename) when {@code
 * terminus.report} / {@code TERMINUS_REPORT} asks for it.
 *
 * <p>Safe for concurrent use: the stop's thread records, the watchdog may write.
 */
final class Report {
  /** One task's record. */
  static final class Entry {
    final String phase;
    final String task;
    final long start;
    volatile long end;
    volatile String outcome = "running";
    volatile String error;
    volatile StackTraceElement[] stack;
    volatile Thread thread;

    Entry(String phase, String task, long start) {
      this.phase = phase;
      this.task = task;
      this.start = start;
    }
  }

  final long startNanos = System.nanoTime();
  final Instant startedAt = Instant.now();
  private final String program;
  volatile String reason = "main returned";
  volatile String detail;
  volatile StackTraceElement[] reasonStack;
  volatile int status = Lifecycle.UNKNOWN;

  @GuardedBy("this")
  private final List<Entry> entries = new ArrayList<>();

  private volatile boolean written;

  Report(String program) {
    this.program = program;
  }

  /** Records why the program stopped, from the request or the exception that ended main. */
  void reason(ExitException pending, Throwable failure) {
    if (pending instanceof SignalExit) {
      reason = "signal";
      detail = ((SignalExit) pending).signal().fullName();
    } else if (pending instanceof ExitException.Foreign) {
      reason = "System.exit by a third party";
    } else if (pending != null) {
      reason = "exit requested";
      detail = "Exit.now(" + pending.status() + ")";
      reasonStack = pending.request().getStackTrace();
    } else if (failure != null) {
      reason = "uncaught exception";
      detail = failure.toString();
      reasonStack = failure.getStackTrace();
    }
  }

  /** Names the thread that called {@code System.exit}, for an exit begun by a third party. */
  void exitCaller(Thread caller) {
    reason = "System.exit by a third party";
    if (caller != null) {
      detail = "thread '" + caller.getName() + "'";
      reasonStack = caller.getStackTrace();
    }
  }

  Entry start(String phase, String task) {
    Entry e = new Entry(phase, task, System.nanoTime());
    synchronized (this) {
      entries.add(e);
    }
    return e;
  }

  void skipped(String phase, String task) {
    Entry e = start(phase, task);
    e.end = e.start;
    e.outcome = "skipped";
  }

  private synchronized List<Entry> entries() {
    return new ArrayList<>(entries);
  }

  private long ms(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - startNanos);
  }

  /** Writes the report where {@code destination} says: {@code stderr}, or a JSON file path. */
  void write(String destination, boolean halting) {
    if (destination == null || written) {
      return;
    }
    written = true;
    long now = System.nanoTime();
    for (Entry e : entries()) {
      Thread t = e.thread;
      if (e.outcome.equals("running") && t != null && t.isAlive()) {
        e.stack = t.getStackTrace();
        e.error = halting ? "cut short by the deadline" : "still running";
        e.outcome = "timed out";
      }
    }
    List<ThreadInfo> threads = threads();
    if (destination.equalsIgnoreCase("stderr")) {
      Runtimes.writeStderr(text(now, threads, halting));
    } else {
      try {
        writeAtomically(Path.of(destination), json(now, threads, halting));
      } catch (IOException | RuntimeException e) {
        Runtimes.writeStderr(program + ": cannot write the report to " + destination + ": " + e);
      }
    }
  }

  private static List<ThreadInfo> threads() {
    List<ThreadInfo> out = new ArrayList<>();
    try {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      for (Thread t : Run.liveThreads()) {
        if (t.isDaemon()
            || t == Thread.currentThread()
            || !t.isAlive()
            || t.getName().equals("DestroyJavaVM")) {
          continue;
        }
        @SuppressWarnings("deprecation") // getId(): threadId() is JDK 19+
        long id = t.getId();
        ThreadInfo info = mx.getThreadInfo(id, Integer.MAX_VALUE);
        if (info != null) {
          out.add(info);
        }
      }
    } catch (RuntimeException | LinkageError e) {
      // java.management is absent or refuses: the report goes without threads.
    }
    return out;
  }

  private String text(long now, List<ThreadInfo> threads, boolean halting) {
    StringBuilder b = new StringBuilder();
    b.append(program).append(": stop report: ").append(reason);
    if (detail != null) {
      b.append(" (").append(detail).append(')');
    }
    b.append('\n');
    if (reasonStack != null) {
      for (StackTraceElement e : reasonStack) {
        b.append("    at ").append(e).append('\n');
      }
    }
    for (Entry e : entries()) {
      long end = e.end != 0 ? e.end : now;
      b.append("  ").append(e.phase).append(" / ").append(e.task).append(": ").append(e.outcome);
      if (e.error != null) {
        b.append(": ").append(e.error);
      }
      b.append(" (start ")
          .append(ms(e.start))
          .append(" ms, ")
          .append(TimeUnit.NANOSECONDS.toMillis(end - e.start))
          .append(" ms)\n");
      if (e.stack != null) {
        for (StackTraceElement s : e.stack) {
          b.append("      at ").append(s).append('\n');
        }
      }
    }
    String ignored = Signals.ignoredAtStart();
    if (!ignored.isEmpty()) {
      b.append("  signals ignored since start, left ignored: ").append(ignored).append('\n');
    }
    for (ThreadInfo t : threads) {
      b.append("  thread '").append(t.getThreadName()).append("' ").append(t.getThreadState());
      if (t.getLockName() != null) {
        b.append(" on ").append(t.getLockName());
      }
      if (t.getLockOwnerName() != null) {
        b.append(" owned by '").append(t.getLockOwnerName()).append('\'');
      }
      b.append('\n');
      for (StackTraceElement s : t.getStackTrace()) {
        b.append("      at ").append(s).append('\n');
      }
    }
    b.append(program)
        .append(": ")
        .append(halting ? "halted by the deadline" : "stopped")
        .append(
            status == Lifecycle.UNKNOWN
                ? " with status unknown (the JVM exits with the status" + " System.exit was given)"
                : " with status " + status)
        .append(" after ")
        .append(ms(now))
        .append(" ms");
    return b.toString();
  }

  private String json(long now, List<ThreadInfo> threads, boolean halting) {
    StringBuilder b = new StringBuilder("{\n");
    b.append("  \"program\": ").append(q(program)).append(",\n");
    b.append("  \"startedAt\": ").append(q(startedAt.toString())).append(",\n");
    b.append("  \"reason\": ").append(q(reason)).append(",\n");
    b.append("  \"detail\": ").append(q(detail)).append(",\n");
    b.append("  \"reasonStack\": ").append(stack(reasonStack)).append(",\n");
    b.append("  \"status\": ")
        .append(status == Lifecycle.UNKNOWN ? "null" : Integer.toString(status))
        .append(",\n");
    b.append("  \"statusKnown\": ").append(status != Lifecycle.UNKNOWN).append(",\n");
    b.append("  \"halted\": ").append(halting).append(",\n");
    b.append("  \"durationMs\": ").append(ms(now)).append(",\n");
    b.append("  \"signalsIgnored\": [");
    String ignored = Signals.ignoredAtStart();
    if (!ignored.isEmpty()) {
      b.append('"').append(ignored.replace(", ", "\", \"")).append('"');
    }
    b.append("],\n");
    b.append("  \"tasks\": [");
    String sep = "\n";
    for (Entry e : entries()) {
      long end = e.end != 0 ? e.end : now;
      b.append(sep)
          .append("    {\"phase\": ")
          .append(q(e.phase))
          .append(", \"task\": ")
          .append(q(e.task))
          .append(", \"startMs\": ")
          .append(ms(e.start))
          .append(", \"durationMs\": ")
          .append(TimeUnit.NANOSECONDS.toMillis(end - e.start))
          .append(", \"outcome\": ")
          .append(q(e.outcome))
          .append(", \"error\": ")
          .append(q(e.error))
          .append(", \"stack\": ")
          .append(stack(e.stack))
          .append('}');
      sep = ",\n";
    }
    b.append("\n  ],\n  \"threads\": [");
    sep = "\n";
    for (ThreadInfo t : threads) {
      b.append(sep)
          .append("    {\"name\": ")
          .append(q(t.getThreadName()))
          .append(", \"state\": ")
          .append(q(t.getThreadState().toString()))
          .append(", \"waitingOn\": ")
          .append(q(t.getLockName()))
          .append(", \"lockOwner\": ")
          .append(q(t.getLockOwnerName()))
          .append(", \"stack\": ")
          .append(stack(t.getStackTrace()))
          .append('}');
      sep = ",\n";
    }
    b.append("\n  ]\n}\n");
    return b.toString();
  }

  private static String stack(StackTraceElement[] stack) {
    if (stack == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < stack.length; i++) {
      b.append(i == 0 ? "" : ", ").append(q(stack[i].toString()));
    }
    return b.append(']').toString();
  }

  static String q(String s) {
    if (s == null) {
      return "null";
    }
    StringBuilder b = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"':
          b.append("\\\"");
          break;
        case '\\':
          b.append("\\\\");
          break;
        case '\n':
          b.append("\\n");
          break;
        case '\r':
          b.append("\\r");
          break;
        case '\t':
          b.append("\\t");
          break;
        default:
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
      }
    }
    return b.append('"').toString();
  }

  private static void writeAtomically(Path target, String content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(tmp, content.getBytes(StandardCharsets.UTF_8));
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
