package dev.terminus.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Signals and liveness for any process, for tests that reach past their {@link ChildProcess}: a
 * grandchild whose pid the child printed, a shell's process group.
 *
 * <p>Signals are sent with the {@code kill} command as {@code kill -s SIG -- PID} (and {@code --
 * -PGID} for a group): the {@code --} keeps procps' {@code kill} from reading a negative number as
 * an option. A signal is a name with or without {@code SIG} ({@code INT}, {@code SIGTERM}) or a
 * number. Each call waits for {@code kill} to finish, within a minute.
 *
 * <p>Liveness, children and group membership are read from {@code /proc} on Linux; elsewhere {@link
 * #isAlive} and {@link #children} fall back to {@link ProcessHandle} (which counts a zombie as
 * alive) and {@link #groupMembers} finds nothing.
 */
public final class Processes {
  private static final Duration KILL_TIMEOUT = Duration.ofMinutes(1);
  private static final Path PROC = Path.of("/proc");

  private Processes() {}

  /**
   * Sends {@code signal} to the process {@code pid}.
   *
   * @param signal a signal name ({@code INT}, {@code SIGTERM}) or number
   * @param pid the process
   * @throws AssertionError if {@code kill} fails, for example because the process has ended
   */
  public static void signal(String signal, long pid) {
    if (pid <= 0) {
      throw new IllegalArgumentException("pid must be positive, was " + pid);
    }
    kill(signal, Long.toString(pid));
  }

  /**
   * Sends {@code signal} to every process in the process group {@code pgid}, as a terminal does for
   * Ctrl+C ({@code INT}) with its foreground group.
   *
   * @param signal a signal name or number
   * @param pgid the process group's id (the pid of its leader)
   * @throws AssertionError if {@code kill} fails, for example because the group is empty
   */
  public static void signalGroup(String signal, long pgid) {
    if (pgid <= 1) {
      throw new IllegalArgumentException("process group must be above 1, was " + pgid);
    }
    kill(signal, "-" + pgid);
  }

  private static void kill(String signal, String target) {
    String name = signal.strip();
    if (name.isEmpty() || !name.matches("[A-Za-z0-9+-]+")) {
      throw new IllegalArgumentException("not a signal: '" + signal + "'");
    }
    if (name.toUpperCase(java.util.Locale.ROOT).startsWith("SIG")) {
      name = name.substring(3);
    }
    List<String> cmd = List.of("kill", "-s", name, "--", target);
    try {
      Process kill = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      kill.getOutputStream().close();
      byte[] out = kill.getInputStream().readAllBytes();
      if (!kill.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        kill.destroyForcibly();
        throw new AssertionError(String.join(" ", cmd) + " did not finish");
      }
      if (kill.exitValue() != 0) {
        throw new AssertionError(
            String.join(" ", cmd)
                + " exited "
                + kill.exitValue()
                + ": "
                + new String(out, StandardCharsets.UTF_8).strip());
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + String.join(" ", cmd), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", cmd), e);
    }
  }

  /**
   * Whether {@code pid} is a live process; a zombie (ended, not yet reaped) counts as ended.
   *
   * @param pid the process
   * @return true if it runs
   */
  public static boolean isAlive(long pid) {
    Optional<Stat> stat = stat(pid);
    if (stat.isPresent()) {
      char c = stat.get().state;
      return c != 'Z' && c != 'X' && c != 'x';
    }
    if (Files.isDirectory(PROC)) {
      return false;
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /**
   * The live processes in the process group {@code pgid}, read from {@code /proc}; empty where
   * there is no {@code /proc}.
   *
   * @param pgid the process group
   * @return the pids of its live members
   */
  public static List<Long> groupMembers(long pgid) {
    List<Long> members = new ArrayList<>();
    if (Files.isDirectory(PROC)) {
      live(s -> s.pgrp == pgid, members);
    }
    return members;
  }

  /** Adds to {@code out} the pid of every live process in {@code /proc} whose stat matches. */
  private static void live(Predicate<Stat> match, List<Long> out) {
    try (DirectoryStream<Path> all = Files.newDirectoryStream(PROC, "[0-9]*")) {
      for (Path p : all) {
        long pid;
        try {
          pid = Long.parseLong(p.getFileName().toString());
        } catch (NumberFormatException e) {
          continue;
        }
        stat(pid)
            .filter(s -> match.test(s) && s.state != 'Z' && s.state != 'X')
            .ifPresent(s -> out.add(pid));
      }
    } catch (IOException e) {
      // /proc vanished under us: report what was found
    }
  }

  /**
   * The live children of the process {@code pid}: the processes whose parent it is, such as the JVM
   * that {@code unshare --fork} or a shell started. Read from {@code /proc} on Linux (a zombie
   * counts as ended); elsewhere from {@link ProcessHandle#children()}.
   *
   * @param pid the parent
   * @return the pids of its live children, in ascending order; empty if it has none or has ended
   */
  public static List<Long> children(long pid) {
    List<Long> children = new ArrayList<>();
    if (!Files.isDirectory(PROC)) {
      ProcessHandle.of(pid)
          .ifPresent(
              h -> h.children().filter(ProcessHandle::isAlive).forEach(c -> children.add(c.pid())));
    } else {
      live(s -> s.ppid == pid, children);
    }
    children.sort(null);
    return children;
  }

  /** The fields of {@code /proc/PID/stat} the kit reads. */
  static final class Stat {
    final char state;
    final long ppid;
    final long pgrp;

    Stat(char state, long ppid, long pgrp) {
      this.state = state;
      this.ppid = ppid;
      this.pgrp = pgrp;
    }
  }

  static Optional<Stat> stat(long pid) {
    try {
      String s = Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"));
      String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
      return Optional.of(new Stat(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2])));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A short description of a process for messages: its pid and command line. */
  static String describe(long pid) {
    Optional<String> cmd =
        ProcessHandle.of(pid).flatMap(h -> h.info().commandLine().or(() -> h.info().command()));
    if (cmd.isEmpty()) {
      try {
        String raw = Files.readString(PROC.resolve(Long.toString(pid)).resolve("cmdline"));
        cmd = Optional.of(raw.replace('\0', ' ').strip()).filter(c -> !c.isEmpty());
      } catch (IOException | RuntimeException e) {
        cmd = Optional.empty();
      }
    }
    String c = cmd.orElse("?");
    if (c.length() > 200) {
      c = c.substring(0, 200) + "...";
    }
    return pid + " (" + c + ")";
  }
}
