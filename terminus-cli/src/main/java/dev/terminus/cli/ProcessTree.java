package dev.terminus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every process that belongs to a supervised child: the child itself, its descendants found with
 * {@link ProcessHandle#descendants()}, and — from a scan of {@code /proc/[pid]/stat} — processes
 * whose parent, process group or session leads to a member, so that a {@code setsid} escapee
 * started by the tree is included as long as it was seen once.
 *
 * <p>Each member is remembered with its start time, so a pid the kernel reuses for an unrelated
 * process is never signalled. Members are never forgotten: every {@link #snapshot()} adds to the
 * set of pids ever seen.
 */
public final class ProcessTree {
  private static final Path PROC = Path.of("/proc");

  /** pid → start time (clock ticks since boot from /proc, or -1 when unknown). */
  private final Map<Long, Long> members = new LinkedHashMap<>();

  private final long leader;
  private final long self = ProcessHandle.current().pid();

  /**
   * Starts tracking the tree of {@code leader}.
   *
   * @param leader the supervised child
   */
  public ProcessTree(ProcessHandle leader) {
    this.leader = leader.pid();
    Stat s = readStat(this.leader);
    members.put(this.leader, s == null ? -1L : s.start);
  }

  /** One line of /proc/[pid]/stat, the fields we use. */
  record Stat(long pid, char state, long ppid, long pgrp, long session, long start) {}

  /**
   * Adds every process now in the tree to the set of members.
   *
   * @return the members now alive, the leader first
   */
  public synchronized List<Long> snapshot() {
    ProcessHandle.of(leader)
        .ifPresent(h -> h.descendants().forEach(d -> members.putIfAbsent(d.pid(), startOf(d.pid()))));
    if (Files.isDirectory(PROC)) {
      Map<Long, Stat> all = scan();
      boolean grew = true;
      while (grew) {
        grew = false;
        for (Stat s : all.values()) {
          if (s.pid == self || members.containsKey(s.pid)) {
            continue;
          }
          if (isMember(s.ppid, all) || isMember(s.pgrp, all) || isMember(s.session, all)) {
            members.put(s.pid, s.start);
            grew = true;
          }
        }
      }
    }
    return alive();
  }

  /** A live member, or a group/session id that a member once led. */
  private boolean isMember(long pid, Map<Long, Stat> all) {
    Long start = members.get(pid);
    if (start == null) {
      return false;
    }
    Stat now = all.get(pid);
    // Same process still there, or gone (a group or session id outlives its leader, and the
    // kernel does not reuse a pid while a group or session with that id exists).
    return now == null || start < 0 || now.start == start;
  }

  /**
   * Adds a process found some other way (a test that knows an escapee's pid) to the members.
   *
   * @param pid a live process
   */
  synchronized void adopt(long pid) {
    members.putIfAbsent(pid, startOf(pid));
  }

  /**
   * The members alive now (zombies count as ended).
   *
   * @return pids, the leader first if alive
   */
  public synchronized List<Long> alive() {
    List<Long> out = new ArrayList<>();
    for (Map.Entry<Long, Long> e : members.entrySet()) {
      if (isAlive(e.getKey(), e.getValue())) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Every pid ever seen in the tree.
   *
   * @return pids, the leader first
   */
  public synchronized List<Long> everSeen() {
    return new ArrayList<>(members.keySet());
  }

  /**
   * Whether a member is still the same live process.
   *
   * @param pid a member's pid
   * @return true if it runs (not a zombie) and has the start time it had when first seen
   */
  public synchronized boolean isAlive(long pid) {
    Long start = members.get(pid);
    return start != null && isAlive(pid, start);
  }

  private static boolean isAlive(long pid, long start) {
    if (Files.isDirectory(PROC)) {
      Stat s = readStat(pid);
      return s != null && s.state != 'Z' && s.state != 'X' && (start < 0 || s.start == start);
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static long startOf(long pid) {
    Stat s = readStat(pid);
    return s == null ? -1L : s.start;
  }

  private static Map<Long, Stat> scan() {
    Map<Long, Stat> all = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path p : dir) {
        long pid;
        try {
          pid = Long.parseLong(p.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        Stat s = readStat(pid);
        if (s != null) {
          all.put(pid, s);
        }
      }
    } catch (IOException | RuntimeException e) {
      // /proc unreadable: fall back to ProcessHandle.descendants() alone
    }
    return all;
  }

  /**
   * Reads /proc/[pid]/stat.
   *
   * @param pid a pid
   * @return the fields, or null if the process is gone or /proc is not there
   */
  static Stat readStat(long pid) {
    String line;
    try {
      line = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return parseStat(line);
  }

  /**
   * Parses one /proc/[pid]/stat line; the command name may hold spaces and parentheses.
   *
   * @param line the file's content
   * @return the fields, or null if malformed
   */
  static Stat parseStat(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) {
      return null;
    }
    try {
      long pid = Long.parseLong(line.substring(0, open).trim());
      String[] f = line.substring(close + 1).trim().split("\\s+");
      // f[0] = field 3 (state), f[1] = ppid, f[2] = pgrp, f[3] = session, f[19] = starttime (22)
      return new Stat(
          pid,
          f[0].charAt(0),
          Long.parseLong(f[1]),
          Long.parseLong(f[2]),
          Long.parseLong(f[3]),
          Long.parseLong(f[19]));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * The pid of the leader.
   *
   * @return the supervised child's pid
   */
  public long leader() {
    return leader;
  }

  /**
   * A live handle for a member, checking it is still the same process.
   *
   * @param pid a member's pid
   * @return the handle, or empty if it ended
   */
  public Optional<ProcessHandle> handle(long pid) {
    return isAlive(pid) ? ProcessHandle.of(pid) : Optional.empty();
  }
}
