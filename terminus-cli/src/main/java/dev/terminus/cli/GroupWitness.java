package dev.terminus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells whether a signal {@code terminus} received was sent to its whole process group — a
 * terminal's Ctrl+C, {@code kill -- -PGID}, a shell's {@code kill %1} — or to its pid alone. A
 * command that runs in {@code terminus}'s group got a group signal at the same moment, and must not
 * get it a second time: a second Ctrl+C means "force" to Python and Terminus programs.
 *
 * <p>Design: a sentinel, {@code env --block-signal=HUP,INT,TERM -- cat}, sits in {@code terminus}'s
 * process group with those signals blocked. A signal sent to the group is queued in every member as
 * it is sent, so it is pending in the sentinel before {@code terminus}'s handler runs, and stays
 * visible there ({@code ShdPnd} in {@code /proc/PID/status}); a signal sent to {@code terminus}'s
 * pid alone is not. Standard signals do not queue twice, so the sentinel is replaced each time it
 * has caught something; what it caught is kept until the matching signal event is consumed. The
 * sentinel reads a pipe from {@code terminus}, so it ends with it.
 *
 * <p>Without {@code /proc} or an {@code env} with {@code --block-signal} (coreutils 8.31 or later),
 * nothing is known to be a group signal and every signal is forwarded. Not safe for concurrent use:
 * only the supervising thread calls it.
 */
final class GroupWitness implements AutoCloseable {
  private static final List<SignalName> WATCHED =
      List.of(SignalName.HUP, SignalName.INT, SignalName.TERM);

  private final long pgrp;
  private Process sentinel;

  /** Every sentinel ever started: an ended one may linger until the JDK reaps it. */
  private final java.util.Set<Long> sentinels = new java.util.HashSet<>();

  /** Bits (1 << (signal - 1)) of group signals seen and not yet consumed. */
  private long caught;

  private GroupWitness(long pgrp) {
    this.pgrp = pgrp;
  }

  /**
   * Starts a witness for this process's group.
   *
   * @return the witness; one that knows nothing if no sentinel can be started
   */
  static GroupWitness start() {
    ProcessTree.Stat self = ProcessTree.readStat(ProcessHandle.current().pid());
    GroupWitness w = new GroupWitness(self == null ? -1 : self.pgrp());
    if (self != null) {
      w.sentinel = w.spawn();
    }
    return w;
  }

  /**
   * This process's group id.
   *
   * @return the pgid, or -1 when unknown
   */
  long pgrp() {
    return pgrp;
  }

  /**
   * Whether {@code pid} is in this process's group (so it got a group signal too).
   *
   * @param pid a process
   * @return true if its process group is ours
   */
  boolean inGroup(long pid) {
    if (pgrp < 0) {
      return false;
    }
    ProcessTree.Stat s = ProcessTree.readStat(pid);
    return s != null && s.pgrp() == pgrp;
  }

  /**
   * Whether {@code signal}, just received, was sent to the whole process group; consumes that
   * observation.
   *
   * @param signal a signal {@code terminus} received
   * @return true if the group got it
   */
  boolean sentToGroup(SignalName signal) {
    collect();
    long bit = bit(signal.number());
    if ((caught & bit) != 0) {
      caught &= ~bit;
      return true;
    }
    return false;
  }

  private void collect() {
    if (sentinel == null) {
      return;
    }
    long pending = pending(sentinel.pid());
    if (pending < 0) {
      sentinel.destroy();
      sentinel = spawn();
      return;
    }
    long mask = 0;
    for (SignalName s : WATCHED) {
      mask |= bit(s.number());
    }
    if ((pending & mask) != 0) {
      caught |= pending & mask;
      sentinel.destroyForcibly();
      sentinel = spawn();
    }
  }

  private static long bit(int signal) {
    return 1L << (signal - 1);
  }

  /** The signals pending in {@code pid} (thread and shared), or -1 if it cannot be read. */
  private static long pending(long pid) {
    try {
      long bits = 0;
      boolean found = false;
      for (String line :
          Files.readAllLines(
              Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
        if (line.startsWith("ShdPnd:") || line.startsWith("SigPnd:")) {
          bits |= Long.parseUnsignedLong(line.substring(7).trim(), 16);
          found = true;
        }
      }
      return found ? bits : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private Process spawn() {
    StringBuilder names = new StringBuilder();
    for (SignalName s : WATCHED) {
      names.append(names.length() == 0 ? "" : ",").append(s.name());
    }
    try {
      Process p =
          new ProcessBuilder("env", "--block-signal=" + names, "--", "cat")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      sentinels.add(p.pid());
      // Blocked in the sentinel, and in our group: otherwise it witnesses nothing.
      ProcessTree.Stat s = ProcessTree.readStat(p.pid());
      if (s == null || s.pgrp() != pgrp || !blocksWatched(p.pid())) {
        p.destroyForcibly();
        return null;
      }
      return p;
    } catch (IOException e) {
      return null;
    }
  }

  /** Whether the sentinel runs (env has exec'd cat) with the watched signals blocked. */
  private static boolean blocksWatched(long pid) {
    // env execs cat at once; until then its mask is not yet set. Read until cat runs.
    for (int i = 0; i < 200; i++) {
      try {
        long blocked = -1;
        String name = null;
        for (String line :
            Files.readAllLines(
                Path.of("/proc", Long.toString(pid), "status"), StandardCharsets.UTF_8)) {
          if (line.startsWith("SigBlk:")) {
            blocked = Long.parseUnsignedLong(line.substring(7).trim(), 16);
          } else if (line.startsWith("Name:")) {
            name = line.substring(5).trim();
          }
        }
        if ("cat".equals(name)) {
          long mask = 0;
          for (SignalName s : WATCHED) {
            mask |= bit(s.number());
          }
          return (blocked & mask) == mask;
        }
        if (name == null) {
          return false;
        }
        Thread.sleep(1);
      } catch (IOException | RuntimeException e) {
        return false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * Whether {@code pid} is the sentinel (a child of {@code terminus}, not of the command).
   *
   * @param pid a process
   * @return true if it is the current sentinel
   */
  boolean isSentinel(long pid) {
    return sentinels.contains(pid);
  }

  /** Ends the sentinel. */
  @Override
  public void close() {
    if (sentinel != null) {
      sentinel.destroyForcibly();
      sentinel = null;
    }
  }
}
