package dev.terminus.test;

import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads one of a child's output streams on a daemon thread: keeps the whole text, and hands out its
 * lines in order to {@link #next}, so a test waits on a line, an event. A line is the text up to a
 * {@code \n} (a {@code \r} before it is dropped), or the text after the last {@code \n} when the
 * stream ends.
 */
final class Pump {
  @GuardedBy("this")
  private final StringBuilder text = new StringBuilder();

  @GuardedBy("this")
  private final List<String> lines = new ArrayList<>();

  @GuardedBy("this")
  private int taken; // lines already handed to next()

  @GuardedBy("this")
  private boolean ended;

  private final CountDownLatch end = new CountDownLatch(1);

  /** Completed with the reaper's announcement, when this pump watches for it. */
  private final CompletableFuture<Long> announced;

  private Pump(CompletableFuture<Long> announced) {
    this.announced = announced;
  }

  /** Starts reading {@code in}; if {@code announced} is not null, the first line is the pid's. */
  static Pump start(InputStream in, String name, CompletableFuture<Long> announced) {
    Pump p = new Pump(announced);
    Thread t = new Thread(() -> p.read(in), name);
    t.setDaemon(true);
    t.start();
    return p;
  }

  private void read(InputStream in) {
    boolean first = announced != null;
    StringBuilder line = new StringBuilder();
    try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
      char[] buf = new char[8192];
      for (int n; (n = r.read(buf)) != -1; ) {
        synchronized (this) {
          for (int i = 0; i < n; i++) {
            char c = buf[i];
            line.append(c);
            if (!first) {
              text.append(c);
            }
            if (c == '\n') {
              String l = line.toString();
              line.setLength(0);
              if (first) {
                first = false;
                if (l.startsWith(Reaper.PID_LINE)) {
                  announced.complete(Long.parseLong(l.substring(Reaper.PID_LINE.length()).strip()));
                  continue;
                }
                announced.complete(-1L);
                text.append(l);
              }
              addLine(l.substring(0, l.length() - 1));
            }
          }
          notifyAll();
        }
      }
    } catch (IOException | RuntimeException e) {
      // The stream is closed (the kit killed the child); what was read stays.
    } finally {
      synchronized (this) {
        if (line.length() > 0) {
          if (first) {
            text.append(line);
          }
          addLine(line.toString());
        }
        ended = true;
        notifyAll();
      }
      if (announced != null) {
        announced.complete(-1L);
      }
      end.countDown();
    }
  }

  @GuardedBy("this")
  private void addLine(String l) {
    lines.add(l.endsWith("\r") ? l.substring(0, l.length() - 1) : l);
  }

  /**
   * Waits until the text read so far contains {@code wanted}; false if the stream ends first.
   * Throws {@link java.util.concurrent.TimeoutException} when the deadline passes.
   */
  synchronized boolean awaitText(String wanted, long deadline)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    while (text.indexOf(wanted) < 0) {
      if (ended) {
        return false;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new java.util.concurrent.TimeoutException();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  /**
   * Returns the next line not handed out before that {@code match} accepts, skipping the others;
   * null if the stream ends first. Throws {@link java.util.concurrent.TimeoutException} when the
   * deadline ({@link System#nanoTime()}) passes.
   */
  synchronized String next(Predicate<String> match, long deadline)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    while (true) {
      while (taken < lines.size()) {
        String l = lines.get(taken++);
        if (match.test(l)) {
          return l;
        }
      }
      if (ended) {
        return null;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new java.util.concurrent.TimeoutException();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /**
   * Waits until the lines so far satisfy {@code condition} and returns them; null if the stream
   * ends first. Throws {@link java.util.concurrent.TimeoutException} when the deadline passes.
   */
  synchronized List<String> awaitLines(
      java.util.function.Predicate<List<String>> condition, long deadline)
      throws InterruptedException, java.util.concurrent.TimeoutException {
    while (true) {
      List<String> now = List.copyOf(lines);
      if (condition.test(now)) {
        return now;
      }
      if (ended) {
        return null;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new java.util.concurrent.TimeoutException();
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
  }

  /** Waits until the stream ends; false if the deadline passed first. */
  boolean awaitEnd(long deadline) throws InterruptedException {
    return end.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  synchronized String text() {
    return text.toString();
  }

  synchronized List<String> lines() {
    return List.copyOf(lines);
  }
}
