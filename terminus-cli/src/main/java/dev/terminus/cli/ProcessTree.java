package dev.terminus.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Every process that belongs to a supervised child: the child itself, its descendants found with
 * {@link ProcessHandle#descendants()}, and — from a scan of {@code /proc/[pid]/stat} — processes
 * whose parent, process group or session leads to a member, so that a {@code setsid} escapee
 * started by the tree is included as long as it was seen once. With a marker, a process whose
 * environment carries it is a member too, and as a child subreaper, every orphan re-parented to
 * this process: so a double-forked escapee, whose parent died before any scan saw it, is found.
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
  private final long leaderStart;
  private final long self = ProcessHandle.current().pid();
  private final String marker;
  private final LongPredicate ownHelper;
  private final boolean subreaper;

  /** "pid:start" of processes whose environment was read and does not hold the marker. */
  private final Set<String> unmarked = new HashSet<>();

  /** Members that ended as zombies of this process (orphans it adopted as a subreaper). */
  private final List<Long> adoptedZombies = new ArrayList<>();

  /**
   * Starts tracking the tree of {@code leader}.
   *
   * @param leader the supervised child
   */
  public ProcessTree(ProcessHandle leader) {
    this(leader, null, pid -> false, false);
  }

  /**
   * Starts tracking the tree of {@code leader}, with two more ways to find a member.
   *
   * @param leader the supervised child
   * @param marker a value of {@value #MARKER} that the child's environment holds, or null: a
   *     process started after the leader whose environment holds it is a member, wherever it went
   *     (a double-forked {@code setsid} escapee keeps its environment)
   * @param ownHelper the processes this process started for itself, never members
   * @param subreaper whether this process is a child subreaper: its other children are orphans of
   *     the tree, re-parented to it
   */
  ProcessTree(ProcessHandle leader, String marker, LongPredicate ownHelper, boolean subreaper) {
    this.leader = leader.pid();
    Stat s = readStat(this.leader);
    this.leaderStart = s == null ? -1L : s.start;
    members.put(this.leader, leaderStart);
    this.marker = marker;
    this.ownHelper = ownHelper;
    this.subreaper = subreaper;
  }

  /** The environment variable that marks the processes of a {@code terminus run}. */
  static final String MARKER = "TERMINUS_RUN_ID";

  /** One line of /proc/[pid]/stat, the fields we use. */
  record Stat(long pid, char state, long ppid, long pgrp, long session, long start) {}

  /**
   * Adds every process now in the tree to the set of members.
   *
   * @return the members now alive, the leader first
   */
  public synchronized List<Long> snapshot() {
    ProcessHandle.of(leader)
        .ifPresent(
            h -> h.descendants().forEach(d -> members.putIfAbsent(d.pid(), startOf(d.pid()))));
    if (Files.isDirectory(PROC)) {
      Map<Long, Stat> all = scan();
      boolean grew = true;
      while (grew) {
        grew = false;
        for (Stat s : all.values()) {
          if (s.pid == self || members.containsKey(s.pid)) {
            continue;
          }
          if (isMember(s.ppid, all)
              || isMember(s.pgrp, all)
              || isMember(s.session, all)
              || (subreaper && s.ppid == self && !ownHelper.test(s.pid))
              || marked(s)) {
            members.put(s.pid, s.start);
            grew = true;
          }
        }
      }
      unmarked.removeIf(k -> !all.containsKey(Long.parseLong(k.substring(0, k.indexOf(':')))));
      for (Stat s : all.values()) {
        if (subreaper
            && s.state == 'Z'
            && s.ppid == self
            && s.pid != leader
            && members.containsKey(s.pid)
            && !adoptedZombies.contains(s.pid)) {
          adoptedZombies.add(s.pid);
        }
      }
    }
    return alive();
  }

  /**
   * The orphans of the tree that ended as zombies of this process since the last call, for the
   * caller to reap ({@code waitpid}): the JDK reaps only the processes it started.
   *
   * @return their pids
   */
  synchronized List<Long> takeAdoptedZombies() {
    List<Long> out = new ArrayList<>(adoptedZombies);
    adoptedZombies.clear();
    return out;
  }

  /** Whether a process started after the leader carries the marker in its environment. */
  private boolean marked(Stat s) {
    if (marker == null || leaderStart < 0 || s.start < leaderStart) {
      return false;
    }
    String key = s.pid + ":" + s.start;
    if (unmarked.contains(key)) {
      return false;
    }
    byte[] env;
    try {
      env = Files.readAllBytes(PROC.resolve(Long.toString(s.pid)).resolve("environ"));
    } catch (IOException | RuntimeException e) {
      unmarked.add(key); // another user's process, or gone
      return false;
    }
    byte[] prefix = (MARKER + "=").getBytes(StandardCharsets.US_ASCII);
    int start = 0;
    for (int i = 0; i <= env.length; i++) {
      if (i == env.length || env[i] == 0) {
        if (i - start > prefix.length && startsWith(env, start, prefix)) {
          String value =
              new String(
                  env,
                  start + prefix.length,
                  i - start - prefix.length,
                  StandardCharsets.ISO_8859_1);
          for (String id : value.split(",")) {
            if (id.equals(marker)) {
              return true;
            }
          }
        }
        start = i + 1;
      }
    }
    unmarked.add(key);
    return false;
  }

  private static boolean startsWith(byte[] b, int at, byte[] prefix) {
    for (int k = 0; k < prefix.length; k++) {
      if (b[at + k] != prefix[k]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The command name of a process, as {@code ps} shows it.
   *
   * @param pid a process
   * @return its name from {@code /proc/PID/comm}, or {@code "?"}
   */
  static String name(long pid) {
    try {
      return Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("comm"), StandardCharsets.UTF_8)
          .strip();
    } catch (IOException | RuntimeException e) {
      return ProcessHandle.of(pid)
          .flatMap(h -> h.info().command())
          .map(c -> Path.of(c).getFileName().toString())
          .orElse("?");
    }
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
      line =
          Files.readString(
              PROC.resolve(Long.toString(pid)).resolve("stat"), StandardCharsets.UTF_8);
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
