package dev.terminus.test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The tiny python3 parent that stands between the test JVM and the command. The JDK's {@link
 * Process} reports a death by signal N as the exit status 128 + N, so it cannot tell {@code kill
 * -INT} from {@code exit 130}; {@code waitpid} in a parent can. The reaper:
 *
 * <ol>
 *   <li>makes itself a child subreaper (Linux), so processes the command orphans stay its
 *       descendants while it lives and the kit can find them;
 *   <li>forks the command, which starts a new session (its own process group, no controlling
 *       terminal), resets SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE and SIGXFSZ to their default
 *       dispositions (then ignores those the test asked for), unblocks every signal, and execs;
 *   <li>announces the command's pid as the first line of stderr, before the command runs (the
 *       command waits on a pipe until the line is written, so the line is always first);
 *   <li>waits for the command with {@code waitpid} and writes {@code exit N} or {@code signal N}
 *       ({@code signal N NAME}) to the status file, then the pids of the orphans it adopted, and
 *       exits 0;
 *   <li>kills the command's process group with SIGKILL and exits if its own parent (the test JVM)
 *       dies or if it gets SIGINT, SIGTERM or SIGHUP itself (a Ctrl+C on the build, say), so a
 *       killed test run leaves nothing behind.
 * </ol>
 */
final class Reaper {
  static final String PID_LINE = "terminus-test-reaper: pid ";

  static final String SCRIPT =
      """
      import errno, os, signal, sys, threading, time
      status_path, ignored, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
      parent = os.getppid()
      try:
          import ctypes
          ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
      except Exception:
          pass
      r, w = os.pipe()
      child = os.fork()
      if child == 0:
          try:
              os.close(w)
              os.setsid()
              for s in ('SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGPIPE', 'SIGXFSZ'):
                  if hasattr(signal, s):
                      signal.signal(getattr(signal, s), signal.SIG_DFL)
              for s in filter(None, ignored.split(',')):
                  signal.signal(getattr(signal, 'SIG' + s), signal.SIG_IGN)
              signal.pthread_sigmask(signal.SIG_SETMASK, ())
              os.read(r, 1)
              os.close(r)
              os.execvp(argv[0], argv)
          except OSError as e:
              os.write(2, ('%s: %s\\n' % (argv[0], e.strerror)).encode())
              os._exit(127 if e.errno == errno.ENOENT else 126)
          except BaseException:
              os._exit(126)
      os.close(r)
      def stop(*_):
          try:
              os.killpg(child, signal.SIGKILL)
          except OSError:
              pass
          os._exit(125)
      for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
          signal.signal(s, stop)
      os.write(2, ('terminus-test-reaper: pid %d\\n' % child).encode())
      os.write(w, b'x')
      os.close(w)
      def watch():
          while os.getppid() == parent:
              time.sleep(0.5)
          stop()
      threading.Thread(target=watch, daemon=True).start()
      while True:
          pid, st = os.waitpid(-1, 0)
          if pid == child:
              break
      if os.WIFSIGNALED(st):
          n = os.WTERMSIG(st)
          try:
              name = signal.Signals(n).name[3:]
          except ValueError:
              name = str(n)
          lines = ['signal %d %s' % (n, name)]
      else:
          lines = ['exit %d' % os.WEXITSTATUS(st)]
      me = os.getpid()
      try:
          for entry in os.listdir('/proc'):
              if entry.isdigit():
                  try:
                      with open('/proc/%s/stat' % entry) as f:
                          fields = f.read().rsplit(')', 1)[1].split()
                      if int(fields[1]) == me:
                          lines.append('orphan %s' % entry)
                  except (OSError, IndexError, ValueError):
                      pass
      except OSError:
          pass
      with open(status_path + '.tmp', 'w') as f:
          f.write('\\n'.join(lines) + '\\n')
      os.replace(status_path + '.tmp', status_path)
      """;

  private Reaper() {}

  /**
   * The python3 to run the reaper with: the system property {@code terminus.test.python}, else
   * {@code /usr/bin/python3}, else the first {@code python3} on the {@code PATH}; empty if none.
   */
  static Optional<String> python() {
    String configured = System.getProperty("terminus.test.python");
    if (configured != null && !configured.isBlank()) {
      return Optional.of(configured.strip());
    }
    if (Files.isExecutable(Path.of("/usr/bin/python3"))) {
      return Optional.of("/usr/bin/python3");
    }
    return onPath("python3");
  }

  static Optional<String> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty()) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return Optional.of(candidate.toString());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The reaper's command line, to which the command's own words are appended.
   *
   * @param ignored signal names without {@code SIG} that the command starts with ignored
   */
  static List<String> command(String python, Path statusFile, List<String> ignored) {
    return List.of(
        python, "-I", "-S", "-c", SCRIPT, statusFile.toString(), String.join(",", ignored));
  }
}
