#!/usr/bin/env python3
"""Splits Terminus's own costs into steps, with an instrumented copy of terminus-core.

  bench/itemize.py --java JAVA [--runs 20] [--jar bench/out/benchmarks.jar] [--native]

Copies terminus-core/src/main/java to bench/out/itemize/, adds a System.nanoTime() stamp at each
step of the stop and of the death by a signal (kept in memory, written on stderr at the last steps,
so the first write to stderr is not charged to the step it happens in), compiles it as the build
does (--release 17 -XDstringConcat=inline) and puts it before the benchmarks jar on the class path.
Then runs, interleaved, TerminusApp probe (start to exit, 10 tasks) and TerminusApp signal none
(SIGTERM once ready), --native adding --enable-native-access=ALL-UNNAMED (JDK 22+) to a second
SIGTERM case. Prints, for each, the median and IQR of every step over the runs. Stamps use
CLOCK_MONOTONIC, the clock of Java's System.nanoTime() on Linux.

The stamps are placed by matching lines of Run, Stopper, Signals and NativeExit: when those change,
the script stops and names the line it could not find. Not part of bench/run.sh.
"""

import argparse
import os
import random
import re
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

STAMP = '''  static final boolean STAMPS = System.getProperty("terminus.stamps") != null;
  private static final String[] STAMP_NAMES = new String[64];
  private static final long[] STAMP_TIMES = new long[64];
  private static int stamps;
  private static int printed;

  static synchronized void stamp(String what) {
    long t = System.nanoTime();
    if (!STAMPS) {
      return;
    }
    if (stamps < STAMP_NAMES.length) {
      STAMP_NAMES[stamps] = what;
      STAMP_TIMES[stamps] = t;
      stamps++;
    }
    if (what.equals("raise") || what.equals("jvmExit") || what.equals("otherHooksDone")) {
      StringBuilder b = new StringBuilder();
      for (; printed < stamps; printed++) {
        b.append("stamp ").append(STAMP_NAMES[printed]).append(' ').append(STAMP_TIMES[printed]).append((char) 10);
      }
      System.err.print(b.toString());
      System.err.flush();
    }
  }

'''

PATCHES = {
    "Run.java": [
        ("  private void onJvmShutdown() {\n    jvmShutdownStarted = true;\n",
         STAMP + "  private void onJvmShutdown() {\n    stamp(\"hook\");\n    jvmShutdownStarted = true;\n"),
        ("Lifecycle.Stage.EXITING ? null : exitCaller();\n    exitCaller = caller;\n",
         "Lifecycle.Stage.EXITING ? null : exitCaller();\n    stamp(\"exitCaller\");\n    exitCaller = caller;\n"),
        ("    publish();\n    switch (what) {\n      case OWN:\n",
         "    publish();\n    stamp(\"jvmExit\");\n    switch (what) {\n      case OWN:\n"),
        ("  private void end(Outcome o) {\n", "  private void end(Outcome o) {\n    stamp(\"end\");\n"),
        ("    if (lifecycle.exiting(Lifecycle.Ending.EXIT)) {\n      if (o.signal != null && jvm.dieAtExit(o.signal)) {\n",
         "    if (lifecycle.exiting(Lifecycle.Ending.EXIT)) {\n      stamp(\"exiting\");\n"
         "      boolean armed = o.signal != null && jvm.dieAtExit(o.signal);\n      stamp(\"dieAtExit\");\n"
         "      if (armed) {\n"),
        ("    runStop(r, caller);\n    lifecycle.stopped();\n",
         "    stamp(\"runStop\");\n    runStop(r, caller);\n    stamp(\"stopped\");\n    lifecycle.stopped();\n"),
        ("  private void onSignal(StopSignal sig) {\n", "  private void onSignal(StopSignal sig) {\n    stamp(\"onSignal\");\n"),
        ("    Lifecycle.SignalOutcome outcome = lifecycle.signal(",
         "    stamp(\"signalExitMade\");\n    Lifecycle.SignalOutcome outcome = lifecycle.signal("),
        ("        onRequested(request, true);\n        break;\n",
         "        onRequested(request, true);\n        stamp(\"mainInterrupted\");\n        break;\n"),
        ("      failure = t;\n    }\n    Lifecycle.State s = lifecycle.state();\n",
         "      failure = t;\n    }\n    stamp(\"bodyDone\");\n    Lifecycle.State s = lifecycle.state();\n"),
        ("    Outcome o = decision.decide(failure, lifecycle.pending());\n",
         "    Outcome o = decision.decide(failure, lifecycle.pending());\n    stamp(\"decided\");\n"),
        ("    awaitOtherHooks();\n", "    stamp(\"awaitOtherHooks\");\n    awaitOtherHooks();\n    stamp(\"otherHooksDone\");\n"),
    ],
    "Signals.java": [
        ("      Process kill =\n", "      Run.stamp(\"raise\");\n      Process kill =\n"),
    ],
    "NativeExit.java": [
        ("    if (Runtime.version().feature() < 22 || !granted()) {\n      return false;\n    }\n",
         "    Run.stamp(\"arm\");\n    if (Runtime.version().feature() < 22 || !granted()) {\n      return false;\n    }\n"
         "    Run.stamp(\"granted\");\n"),
        ("      Object linker = linkerType.getMethod(\"nativeLinker\").invoke(null);\n",
         "      Object linker = linkerType.getMethod(\"nativeLinker\").invoke(null);\n      Run.stamp(\"linker\");\n"),
        ("      Object nul = segmentType.getField(\"NULL\").get(null);\n",
         "      Run.stamp(\"downcallHandle\");\n      Object nul = segmentType.getField(\"NULL\").get(null);\n"),
    ],
}

# (milestone, label of the step that ends there), in the order of the code path.
PROBE_STEPS = [
    ("main", "fork to `main` (JVM start)"),
    ("run", "`main` to `Terminus.run` (the body's lambda: the program's first lambda)"),
    ("body", "`Terminus.run` to the body (the start path)"),
    ("bodyEnd", "the body (hash, print one line, register 10 tasks)"),
    ("decided", "the runner sees the body end, decides the status"),
    ("runStop", "report begun, watchdog armed"),
    ("tasksEnd", "the stop's phases up to the last task's end (loads the stop's classes, starts its worker)"),
    ("stopped", "the remaining phases, the worker ended"),
    ("exiting", "flush, the lifecycle's last transition"),
    ("dieAtExit", "no signal: nothing to arm"),
    ("hook", "`System.exit` to Terminus's shutdown hook (JDK 21+: `Runtime.exit` logs through `System.Logger`)"),
    ("exitCaller", "the hook asks whose exit it is (a stack walk per thread only for a third party's)"),
    ("jvmExit", "the hook's lifecycle transition"),
    ("reaped", "the JVM's own exit: other hooks, halt, the kernel reaps the process"),
]
SIGNAL_STEPS = [
    ("onSignal", "SIGTERM sent to Terminus's handler running (the JVM's signal dispatch thread)"),
    ("signalExitMade", "the `SignalExit` request made"),
    ("mainInterrupted", "the request recorded (lifecycle, JFR check), `main` interrupted"),
    ("bodyDone", "`main` unwinds"),
    ("decided", "the status decided, `terminated (SIGTERM)` printed"),
    ("runStop", "report begun, watchdog armed"),
    ("stopped", "the stop, no task (loads the stop's classes)"),
    ("exiting", "flush, the lifecycle's last transition"),
    ("arm", "the PID-1 check (`ProcessHandle.current()`: its first use)"),
    ("granted", "JDK 22+: is native access granted"),
    ("linker", "the foreign linker and the C library's symbols"),
    ("downcallHandle", "the downcall handle for `on_exit` (the JDK spins its classes)"),
    ("dieAtExit", "`on_exit(raise)` registered (native) / the native-access check, nothing armed"),
    ("hook", "`System.exit` to Terminus's shutdown hook (JDK 21+: `Runtime.exit` logs through `System.Logger`)"),
    ("exitCaller", "the hook finds the thread that called `System.exit`"),
    ("jvmExit", "the hook's lifecycle transition"),
    ("otherHooksDone", "waits for the other hooks"),
    ("raise", "default disposition restored"),
    ("reaped", "fork `kill -s TERM <pid>` and the death / (native) the JVM's exit, then `raise`"),
]


def patch_sources(src):
    for name, pairs in PATCHES.items():
        path = os.path.join(src, "dev", "terminus", name)
        text = open(path).read()
        for old, new in pairs:
            if old not in text:
                raise SystemExit("itemize.py: %s no longer has this line; update PATCHES:\n%s" % (name, old))
            text = text.replace(old, new, 1)
        open(path, "w").write(text)


def strip_annotations(src):
    """Drops Error Prone's compile-time @GuardedBy, whose jar this plain javac run does not have."""
    for d, _, fs in os.walk(src):
        for f in fs:
            if f.endswith(".java"):
                path = os.path.join(d, f)
                text = open(path).read()
                text = re.sub(r"(?m)^import com\.google\.errorprone\.annotations\.[\w.]+;\n", "", text)
                text = re.sub(r'@GuardedBy\("[^"]*"\)\s*', "", text)
                open(path, "w").write(text)


def build(args, repo):
    out = os.path.join(repo, "bench", "out", "itemize")
    shutil.rmtree(out, ignore_errors=True)
    src = os.path.join(out, "src")
    shutil.copytree(os.path.join(repo, "terminus-core", "src", "main", "java"), src)
    os.remove(os.path.join(src, "module-info.java"))
    strip_annotations(src)
    patch_sources(src)
    home = os.path.dirname(os.path.dirname(os.path.realpath(args.java)))
    files = [os.path.join(d, f) for d, _, fs in os.walk(src) for f in fs if f.endswith(".java")]
    classes = os.path.join(out, "classes")
    subprocess.run([os.path.join(home, "bin", "javac"), "--release", "17", "-nowarn", "-XDstringConcat=inline",
                    "-d", classes] + files, check=True, stderr=subprocess.DEVNULL)
    jar = os.path.join(out, "stamps.jar")
    subprocess.run([os.path.join(home, "bin", "jar"), "cf", jar, "-C", classes, "."], check=True)
    return jar


def now_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def stamps_of(stderr):
    ev = {}
    for line in stderr.decode(errors="replace").splitlines():
        f = line.split()
        if f[:1] == ["stamp"] and len(f) == 3:
            ev.setdefault(f[1], int(f[2]))
        elif f[:1] == ["probe"]:
            ev.update(dict(zip(f[1::2], (int(x) for x in f[2::2]))))
    return ev


def run_probe(cp, java, opts):
    t0 = now_ns()
    p = subprocess.run([java, "-Dterminus.stamps=1"] + opts + ["-cp", cp, "dev.terminus.bench.proc.TerminusApp", "probe"],
                       capture_output=True)
    ev = stamps_of(p.stderr)
    ev.update({"fork": t0, "reaped": now_ns()})
    return ev


def run_signal(cp, java, opts):
    p = subprocess.Popen([java, "-Dterminus.stamps=1"] + opts + ["-cp", cp, "dev.terminus.bench.proc.TerminusApp", "signal", "none"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    buf = b""
    while b"ready\n" not in buf:
        r, _, _ = select.select([p.stdout], [], [], 30)
        chunk = os.read(p.stdout.fileno(), 4096) if r else b""
        if not chunk:
            p.kill()
            raise SystemExit("itemize.py: the program never said ready")
        buf += chunk
    time.sleep(0.3)
    t0 = now_ns()
    os.kill(p.pid, signal.SIGTERM)
    os.wait4(p.pid, 0)
    t1 = now_ns()
    p.returncode = 0
    ev = stamps_of(p.stderr.read())
    ev.update({"sigterm": t0, "reaped": t1})
    return ev


def table(title, runs, start, steps):
    print("\n### %s (%d runs)\n\n| step | ms, median [IQR] |\n|---|---|" % (title, len(runs)))
    total = []
    for r in runs:
        total.append((r["reaped"] - r[start]) / 1e6)
    for i, (name, label) in enumerate(steps):
        spans = []
        for r in runs:
            if name not in r:
                continue
            prev = [n for n, _ in [(start, "")] + steps[:i] if n in r]
            spans.append((r[name] - r[prev[-1]]) / 1e6)
        if len(spans) * 2 < len(runs):
            continue
        q = statistics.quantiles(spans, n=4, method="inclusive") if len(spans) > 1 else [spans[0]] * 3
        print("| %s | %.1f [%.1f–%.1f] |" % (label, statistics.median(spans), q[0], q[2]))
    print("| **total** | **%.1f** |" % statistics.median(total))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java", required=True)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--jar", default="bench/out/benchmarks.jar")
    ap.add_argument("--native", action="store_true")
    args = ap.parse_args()
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cp = build(args, repo) + os.pathsep + os.path.abspath(args.jar)
    cases = {"probe": [], "signal": []}
    if args.native:
        cases["signal-native"] = []
    rng = random.Random(7)
    for _ in range(args.runs):
        order = list(cases)
        rng.shuffle(order)
        for c in order:
            if c == "probe":
                cases[c].append(run_probe(cp, args.java, []))
            else:
                cases[c].append(run_signal(cp, args.java, ["--enable-native-access=ALL-UNNAMED"] if c == "signal-native" else []))
    print("JDK: %s; load average %.2f" % (args.java, os.getloadavg()[0]))
    table("Start to exit, 10 tasks (`TerminusApp probe`)", cases["probe"], "fork", PROBE_STEPS)
    table("SIGTERM to reaped, no task (`TerminusApp signal none`)", cases["signal"], "sigterm", SIGNAL_STEPS)
    if args.native:
        table("SIGTERM to reaped, no task, `--enable-native-access=ALL-UNNAMED`", cases["signal-native"], "sigterm", SIGNAL_STEPS)


if __name__ == "__main__":
    main()
