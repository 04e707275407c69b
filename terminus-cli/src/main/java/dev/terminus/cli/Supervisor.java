package dev.terminus.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one child command and stops it the way {@code terminus run} promises: directly (never
 * through a shell), with inherited stdin, stdout and stderr; on timeout or on a signal sent to
 * {@code terminus} it climbs the stop {@link Ladder}, signalling the whole {@link ProcessTree} at
 * each step; it returns the exit status coreutils {@code timeout} would return.
 */
public final class Supervisor {
  /** Status after a timeout, as coreutils {@code timeout}. */
  public static final int TIMED_OUT = 124;

  /** Status when {@code terminus} itself fails or is misused. */
  public static final int FAILED = 125;

  /** Status when the command exists but cannot be executed. */
  public static final int CANNOT_EXECUTE = 126;

  /** Status when the command is not found. */
  public static final int NOT_FOUND = 127;

  private static final Object CHILD_EXITED = new Object();
  private static final long TICK_MS = 20;
  private static final long SNAPSHOT_EVERY_MS = 500;
  private static final Pattern ERRNO = Pattern.compile("error(?:=|: )(\\d+)(?:, | \\()([^)]*)");

  private final List<String> command;
  private final Duration timeout;
  private final Ladder ladder;
  private final boolean preserveStatus;
  private final Path report;
  private final boolean verbose;
  private final PrintStream err;

  private final BlockingQueue<Object> events = new LinkedBlockingQueue<>();
  private long t0;
  private final List<String> log = new ArrayList<>();
  private List<Ladder.Step> steps;
  private GroupWitness witness;
  private boolean subreaper;
  private int raise;

  /** The value of {@link ProcessTree#MARKER} for this run: unique on this machine. */
  private final String runId =
      ProcessHandle.current().pid()
          + "."
          + ProcessHandle.current().info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);

  /**
   * Prepares a run.
   *
   * @param command the command and its arguments, passed verbatim
   * @param timeout when to start the ladder, or null for never
   * @param ladder the stop ladder
   * @param preserveStatus after a timeout, return the child's status instead of 124
   * @param report where to write the JSON report, or null
   * @param verbose print a summary on {@code err}
   * @param err where messages go
   */
  public Supervisor(
      List<String> command,
      Duration timeout,
      Ladder ladder,
      boolean preserveStatus,
      Path report,
      boolean verbose,
      PrintStream err) {
    this.command = List.copyOf(command);
    this.timeout = timeout;
    this.ladder = ladder;
    this.steps = ladder.steps();
    this.preserveStatus = preserveStatus;
    this.report = report;
    this.verbose = verbose;
    this.err = err;
  }

  private boolean stopLeftovers = true;

  /**
   * What to do with the processes the command leaves running when it ends by itself.
   *
   * @param stop true to stop them with the ladder (the default), false to leave them
   * @return this
   */
  Supervisor stopLeftovers(boolean stop) {
    this.stopLeftovers = stop;
    return this;
  }

  /** Set by {@link #likeCoreutilsTimeout}: null for {@code terminus run}'s own rules. */
  private TimeoutRules compat;

  /**
   * The rules of coreutils {@code timeout}, for {@code terminus timeout}.
   *
   * @param killAfter {@code -k}: SIGKILL this long after the first signal, or null
   * @param foreground {@code --foreground}: signal the command only, not its descendants
   * @param announce {@code -v}: say each signal as it is sent
   */
  record TimeoutRules(Duration killAfter, boolean foreground, boolean announce) {}

  /**
   * Follows coreutils {@code timeout}'s rules instead of the ladder's: a signal {@code terminus}
   * receives is passed on as itself (once to each process; see {@link GroupWitness}) and, with
   * {@code -k}, SIGKILL follows after that delay; a second signal is passed on too; a command
   * killed by SIGKILL after a timeout gives 137; no warning for a ladder without KILL.
   *
   * @param rules the options of {@code timeout}
   * @return this
   */
  Supervisor likeCoreutilsTimeout(TimeoutRules rules) {
    this.compat = rules;
    return this;
  }

  /** The steps coreutils {@code timeout} takes after {@code first}: it, then KILL after -k. */
  private List<Ladder.Step> timeoutSteps(SignalName first) {
    List<Ladder.Step> out = new ArrayList<>();
    out.add(new Ladder.Step(first, compat.killAfter() != null ? compat.killAfter() : FOREVER));
    if (compat.killAfter() != null && first.number() != 9) {
      out.add(new Ladder.Step(SignalName.KILL, FOREVER));
    }
    return out;
  }

  /** A step's wait that never ends (coreutils {@code timeout} without {@code -k}). */
  static final Duration FOREVER = Duration.ofDays(36_500);

  /**
   * One step that ran.
   *
   * @param number the step's number, from 1
   * @param signal its signal
   * @param atMs when it ran, in ms since {@code terminus} started
   * @param pids the processes {@code terminus} sent it to
   * @param fromGroup the processes it was not sent to, because they had just got the same signal
   *     sent to {@code terminus}'s process group (a terminal's Ctrl+C)
   */
  record StepRun(int number, SignalName signal, long atMs, List<Long> pids, List<Long> fromGroup) {}

  /**
   * Runs the command to its end.
   *
   * @return the exit status for {@code terminus}
   */
  public int run() {
    t0 = System.nanoTime();
    Instant startedAt = Instant.now();
    if (!ladder.endsWithKill() && compat == null) {
      err.println(
          "terminus: warning: the ladder "
              + ladder
              + " has no KILL step; a child that ignores it keeps running");
    }
    for (SignalName s : Signals.install(events)) {
      err.println(
          "terminus: warning: "
              + s
              + " was ignored when terminus started (a background job, nohup) and this JVM cannot"
              + " handle it: "
              + s
              + " sent to terminus does nothing; start it with bin/terminus or on JDK 22 or later");
    }
    RunReport r = new RunReport(command, startedAt, timeout, ladder);
    witness = GroupWitness.start();
    subreaper = Orphans.becomeSubreaper();
    if (ProcessHandle.current().pid() == 1 && !subreaper) {
      err.println(
          "terminus: warning: running as PID 1, and this JVM cannot reap orphaned processes (JDK"
              + " 22 or later can): they stay zombies; add an init (docker run --init, tini)");
    }
    try {
      Process child;
      try {
        long ignored = Dispositions.ignored();
        String env = (ignored & Launch.RESET_MASK) != 0 ? Launch.envWithReset() : null;
        if ((ignored & Launch.RESET_MASK) != 0 && env == null) {
          err.println(
              "terminus: warning: no env with --default-signal (coreutils 8.31 or later): the"
                  + " command inherits the signals terminus was started with ignored");
        }
        Launch launch = Launch.of(command, ignored, env);
        if (launch.resetsSignals() || launch.decodes()) {
          String problem = Launch.problem(command.get(0));
          if (problem != null) {
            return cannotStart(new IOException(problem), r);
          }
        }
        ProcessBuilder pb = new ProcessBuilder(launch.argv()).inheritIO();
        // Marks every process of the run, so that an escapee is found wherever it went.
        String outer = pb.environment().get(ProcessTree.MARKER);
        pb.environment().put(ProcessTree.MARKER, outer == null ? runId : outer + "," + runId);
        child = pb.start();
      } catch (IOException | RuntimeException e) {
        return cannotStart(e, r);
      }
      r.pid = child.pid();
      note("started " + String.join(" ", command) + " (pid " + child.pid() + ")");
      long[] endedAt = {-1};
      child
          .onExit()
          .thenRun(
              () -> {
                endedAt[0] = ms();
                events.add(CHILD_EXITED);
              });
      supervise(child, r);
      int raw = waitFor(child);
      r.childEndMs = endedAt[0] >= 0 ? endedAt[0] : ms();
      r.rawStatus = raw;
      decideWhoEnded(r);
      r.status = r.timedOut && !preserveStatus ? TIMED_OUT : raw;
      boolean killedAfterTimeout = compat != null && r.timedOut && "KILL".equals(r.signal);
      if (killedAfterTimeout) {
        r.status = 128 + 9; // coreutils: tells a command it had to kill from one that stopped
      }
      note("child " + r.how + "; " + r.endedBy);
      if (!r.survivors.isEmpty()) {
        note("still alive after the ladder, not stopped: " + named(r.survivors));
        if (!verbose) {
          err.println("terminus: still alive after the ladder, not stopped: " + named(r.survivors));
        }
      }
      if (killedAfterTimeout && !compat.foreground() && SelfSignal.possible(9)) {
        // coreutils timeout sends SIGKILL to its whole process group, itself included.
        r.raised = r.signal;
        raise = 9;
        note("exit status 137: terminus ends by SIGKILL as coreutils timeout does");
      } else if (r.signal != null && !r.timedOut && SelfSignal.possible(raw - 128)) {
        // Die the way the command died, as coreutils timeout does (see SelfSignal).
        r.raised = r.signal;
        raise = raw - 128;
        note(
            "exit status "
                + r.status
                + ": terminus ends by SIG"
                + r.signal
                + " as the command did");
      } else {
        note(
            "exit status "
                + r.status
                + (r.status == TIMED_OUT && r.timedOut ? " (timed out)" : ""));
      }
      return r.status;
    } finally {
      witness.close();
      finish(r);
    }
  }

  /**
   * The signal {@code terminus} should end by, after {@link #run()}: the one that killed the
   * command, unless the timeout expired.
   *
   * @return the signal number, or 0 to exit with the status
   */
  public int signalToRaise() {
    return raise;
  }

  /** "4242 (sleep), 4250 (python3)". */
  private static String named(List<Long> pids) {
    StringBuilder b = new StringBuilder();
    for (long pid : pids) {
      b.append(b.length() == 0 ? "" : ", ")
          .append(pid)
          .append(" (")
          .append(ProcessTree.name(pid))
          .append(')');
    }
    return b.toString();
  }

  private void supervise(Process child, RunReport r) {
    ProcessTree tree = new ProcessTree(child.toHandle(), runId, witness::isSentinel, subreaper);
    r.tree = tree;
    snapshot(tree);
    long timeoutAt = timeout == null ? Long.MAX_VALUE : timeout.toMillis();
    int step = -1;
    long stepEnd = 0;
    long lastSnapshot = ms();
    boolean exhausted = false;
    while (true) {
      long now = ms();
      if (now - lastSnapshot >= SNAPSHOT_EVERY_MS) {
        snapshot(tree);
        lastSnapshot = now;
      }
      if (step < 0) {
        if (!child.isAlive()) {
          List<Long> left = snapshot(tree);
          if (left.isEmpty() || !stopLeftovers) {
            if (!left.isEmpty()) {
              note("the command ended; left running: " + named(left));
            }
            return;
          }
          // The whole tree, always: what the command left behind is stopped with the same
          // ladder, as systemd's KillMode=control-group does.
          r.trigger = "the command ended, leaving " + describe(left);
          note(
              "the command ended, leaving "
                  + named(left)
                  + "; stop ladder "
                  + ladder
                  + " from step 1");
          step = 0;
          stepEnd = send(tree, step, r, null);
          continue;
        }
        Object ev = poll(Math.min(SNAPSHOT_EVERY_MS, Math.max(0, timeoutAt - now)));
        if (ev == null) {
          if (ms() >= timeoutAt && child.isAlive()) {
            r.timedOut = true;
            r.trigger = "timeout " + DurationParser.format(timeout);
            note("timeout " + DurationParser.format(timeout) + " expired; stop ladder " + ladder);
            step = 0;
            stepEnd = send(tree, step, r, null);
          }
        } else if (ev instanceof SignalName) {
          SignalName sig = (SignalName) ev;
          SignalName group = witness.sentToGroup(sig) ? sig : null;
          if (!child.isAlive()) {
            return;
          }
          // The ladder is the stop policy: whatever signal asked for the stop, it starts from its
          // first step (docker stop's SIGTERM becomes the ladder's gentle INT). coreutils timeout
          // passes the signal on instead.
          r.trigger = sig + " received";
          if (compat != null) {
            steps = timeoutSteps(sig);
            r.ladder = new Ladder(steps);
          }
          note(
              sig
                  + (group != null ? " received by the process group" : " received")
                  + "; stop ladder "
                  + r.ladder
                  + " from step 1");
          step = 0;
          stepEnd = send(tree, step, r, group);
        }
        continue;
      }
      // The ladder is climbing.
      if (!child.isAlive() && tree.alive().isEmpty()) {
        return;
      }
      if (exhausted) {
        if (!child.isAlive()) {
          for (long pid : tree.alive()) {
            r.survivors.add(pid);
            r.survivorNames.add(ProcessTree.name(pid));
          }
          return;
        }
        Object ev = poll(SNAPSHOT_EVERY_MS);
        if (ev instanceof SignalName) {
          SignalName sig = (SignalName) ev;
          SignalName group = witness.sentToGroup(sig) ? sig : null;
          note(sig + " received after the last step; forwarded");
          signal(tree, sig, group);
        }
        continue;
      }
      long remaining = stepEnd - ms();
      if (remaining <= 0) {
        if (step + 1 < steps.size()) {
          step++;
          stepEnd = send(tree, step, r, null);
        } else {
          exhausted = true;
          if (child.isAlive()) {
            note("the ladder is exhausted and the child is still running; waiting for it");
          }
        }
        continue;
      }
      Object ev = poll(Math.min(remaining, TICK_MS));
      if (ev instanceof SignalName) {
        SignalName sig = (SignalName) ev;
        SignalName group = witness.sentToGroup(sig) ? sig : null;
        if (step + 1 < steps.size() && compat == null) {
          note(sig + " received again; next step at once");
          step++;
          stepEnd = send(tree, step, r, group);
        } else {
          note(sig + " received" + (compat == null ? " after the last step" : "") + "; forwarded");
          announce(sig);
          signal(tree, sig, group);
        }
      }
    }
  }

  /** {@code terminus timeout -v}: one line per signal sent, as coreutils says it. */
  private void announce(SignalName sig) {
    if (compat != null && compat.announce()) {
      err.println(
          "terminus timeout: sending signal "
              + sig.name()
              + " to command '"
              + command.get(0)
              + "'");
      err.flush();
    }
  }

  /** Takes a snapshot of the tree and reaps the orphans that ended as our zombies. */
  private static List<Long> snapshot(ProcessTree tree) {
    List<Long> alive = tree.snapshot();
    for (long pid : tree.takeAdoptedZombies()) {
      Orphans.reap(pid);
    }
    return alive;
  }

  private Object poll(long millis) {
    try {
      return events.poll(Math.max(0, millis), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /**
   * Sends step {@code index}; returns when its wait ends. {@code group} is a signal just sent to
   * {@code terminus}'s process group, or null: members of that group already have it.
   */
  private long send(ProcessTree tree, int index, RunReport r, SignalName group) {
    Ladder.Step s = steps.get(index);
    announce(s.signal());
    long at = ms();
    List<Long> had = new ArrayList<>();
    List<Long> pids = signal(tree, s.signal(), group == null ? null : group, had);
    r.steps.add(new StepRun(index + 1, s.signal(), at, pids, had));
    note(
        at,
        "step "
            + (index + 1)
            + " "
            + s.signal()
            + " -> "
            + describe(pids)
            + (had.isEmpty()
                ? ""
                : "; " + describe(had) + " already got it from the process group"));
    return at + s.duration().toMillis();
  }

  private static String describe(List<Long> pids) {
    return pids.size() + (pids.size() == 1 ? " process " : " processes ") + pids;
  }

  private List<Long> signal(ProcessTree tree, SignalName sig, SignalName group) {
    return signal(tree, sig, group, new ArrayList<>());
  }

  /**
   * Signals every live member of the tree, except those in {@code terminus}'s process group when
   * {@code group} is {@code sig}: they got it with the group. Returns the pids signalled; adds the
   * ones left out to {@code had}.
   */
  private List<Long> signal(ProcessTree tree, SignalName sig, SignalName group, List<Long> had) {
    List<Long> pids = new ArrayList<>();
    List<Long> members = snapshot(tree);
    if (compat != null && compat.foreground()) {
      members = members.contains(tree.leader()) ? List.of(tree.leader()) : List.of();
    }
    for (long pid : members) {
      if (group != null && group.number() == sig.number() && witness.inGroup(pid)) {
        had.add(pid);
      } else {
        pids.add(pid);
      }
    }
    if (pids.isEmpty()) {
      return pids;
    }
    if (sig.number() == 9) {
      for (long pid : pids) {
        tree.handle(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
      return pids;
    }
    List<String> cmd = new ArrayList<>();
    cmd.add("kill");
    cmd.add(sig.killArgument());
    cmd.add("--");
    for (long pid : pids) {
      cmd.add(Long.toString(pid));
    }
    try {
      Process k =
          new ProcessBuilder(cmd)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      k.getOutputStream().close();
      k.waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      if (sig.number() == 15) {
        for (long pid : pids) {
          tree.handle(pid).ifPresent(ProcessHandle::destroy);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return pids;
  }

  private static int waitFor(Process child) {
    boolean interrupted = false;
    while (true) {
      try {
        int s = child.waitFor();
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return s;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
  }

  /** Works out how the child ended and who ended it. */
  private static void decideWhoEnded(RunReport r) {
    int raw = r.rawStatus;
    if (raw > 128 && raw <= 128 + 64) {
      int n = raw - 128;
      String name = SignalName.nameOf(n);
      String sig = name != null ? "SIG" + name : "signal " + n;
      r.signal = name != null ? name : Integer.toString(n);
      r.how = "killed by " + sig + " at +" + r.childEndMs + "ms";
      StepRun by = null;
      for (StepRun s : r.steps) {
        if (s.signal().number() == n && s.atMs() <= r.childEndMs) {
          by = s;
        }
      }
      if (by != null) {
        r.endedByStep = by;
        r.endedBy = "ended by ladder step " + by.number() + " (" + by.signal().name() + ")";
      } else {
        r.endedBy = "killed by " + sig + " from outside the ladder";
      }
    } else {
      r.how = "exited with status " + raw + " at +" + r.childEndMs + "ms";
      StepRun last = null;
      for (StepRun s : r.steps) {
        if (s.atMs() <= r.childEndMs) {
          last = s;
        }
      }
      if (last == null) {
        r.endedBy = "exited on its own";
      } else {
        r.endedByStep = last;
        r.endedBy =
            "exited by itself after ladder step "
                + last.number()
                + " ("
                + last.signal().name()
                + ")";
      }
    }
  }

  private int cannotStart(Exception e, RunReport r) {
    String msg = e.getMessage() == null ? e.toString() : e.getMessage();
    int errno = -1;
    String reason = msg;
    Matcher m = ERRNO.matcher(msg);
    if (m.find()) {
      errno = Integer.parseInt(m.group(1));
      reason = m.group(2);
    }
    reason = reason.strip();
    // JDK 17 says "error=2, No such file or directory", JDK 25 "error: 2 (No such file ...)".
    boolean notFound = errno == 2 || (errno < 0 && msg.contains("No such file or directory"));
    int status = notFound ? NOT_FOUND : CANNOT_EXECUTE;
    err.println("terminus: failed to run command '" + command.get(0) + "': " + reason);
    r.error = reason;
    r.status = status;
    r.how = "never started";
    r.endedBy = "could not be started: " + reason;
    return status;
  }

  private void finish(RunReport r) {
    if (verbose) {
      for (String line : log) {
        err.println("terminus: " + line);
      }
    }
    if (report != null) {
      try {
        r.write(report);
      } catch (IOException | RuntimeException e) {
        err.println("terminus: cannot write the report " + report + ": " + e.getMessage());
      }
    }
    err.flush();
  }

  private void note(String line) {
    note(ms(), line);
  }

  private void note(long atMs, String line) {
    log.add("+" + atMs + "ms " + line);
  }

  private long ms() {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  /** The installation of handlers for the signals {@code terminus} turns into ladder steps. */
  static final class Signals {
    private Signals() {}

    /**
     * Installs a handler for SIGINT, SIGTERM and SIGHUP that queues the signal; a signal ignored
     * since the JVM started is first reset to its default where the JDK allows it.
     *
     * @return the signals that stay ignored, so that {@code terminus} cannot react to them
     */
    static List<SignalName> install(BlockingQueue<Object> events) {
      List<SignalName> cannot = new ArrayList<>();
      for (SignalName s : List.of(SignalName.INT, SignalName.TERM, SignalName.HUP)) {
        if (Dispositions.isIgnored(s) && !Dispositions.resetToDefault(s)) {
          cannot.add(s);
          continue;
        }
        try {
          sun.misc.Signal.handle(new sun.misc.Signal(s.name()), sig -> events.add(s));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
          // The JVM reserves it (-Xrs): that signal keeps its default action.
        }
      }
      return cannot;
    }
  }
}
