#!/usr/bin/env python3
"""Whole-process measurements and the results table for bench/run.sh.

  bench.py proc   --java JAVA --classes JAR --classpath FILE [--cli-jar JAR] [--agent SO]
                  --runs N --sig-runs N --out FILE.json
  bench.py report [--jmh JMH.json] --proc PROC.json --java JAVA --mode full|quick --out results.md

proc: start-to-exit wall time and peak RSS of the same small program under each variant (with
class-data archives too), split into its steps by the program's own System.nanoTime() stamps; the
classes loaded and bytecodes executed on Terminus's start path; the time from SIGTERM to the end of
the process; 100,000 registrations; the terminus CLI's start and SIGTERM stop. Variants are
interleaved: every round runs every (variant, scenario) once, in a shuffled order, so slow drifts
of a noisy machine hit all of them. Wall time runs from just before the fork to the return of
wait4(2); peak RSS is ru_maxrss from the same wait4 (what `/usr/bin/time -f %M` prints). SIGTERM
goes with os.kill(pid, SIGTERM), the kill(2) system call itself, to a checked positive pid: no
kill(1) command line to misparse. Children get no TERMINUS_* variable and no JVM options from the
environment.
"""

import argparse
import datetime
import json
import os
import random
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

PKG = "dev.terminus.bench.proc."


def variant(main, opts=(), peers=False, since=17, archive=None):
    """main: a class of dev.terminus.bench.proc, "cli" (java -jar terminus.jar: its manifest's
    Enable-Native-Access applies), "cli-cp" (java -cp terminus.jar dev.terminus.cli.Main: the
    manifest does not) or "bin" (bin/terminus); opts: extra JVM options; peers: needs the peers' classpath; since: the lowest
    JDK feature release it applies to; archive: None, "cds" (a dynamic AppCDS archive of this very
    program) or "aot" (a JDK 25 AOT cache of it)."""
    return {"main": main, "opts": list(opts), "peers": peers, "since": since, "archive": archive}


VARIANTS = {
    "plain": variant("PlainApp"),
    # The floor of the start path: plain, plus loading and initialising the library classes that
    # Terminus's start path loads (measured in the same run), none of their code run.
    "plain-loads": variant("PlainApp"),
    # The floor of a death by a forked kill: plain, plus a JDK hook that finds its own pid and
    # forks `kill -0 <pid>` as Terminus's death forks `kill -s TERM <pid>`.
    "plain-fork": variant("PlainApp", ["-Dbench.fork=true"]),
    # The floor of a program that ends by System.exit, as Terminus.run does (it never returns):
    # plain, calling System.exit(0) at the end of main instead of returning.
    "plain-exit": variant("PlainApp", ["-Dbench.exit=true"]),
    "terminus": variant("TerminusApp"),
    "terminus-status": variant("TerminusApp", ["-Dterminus.signal-exit=status"]),
    "terminus-native": variant("TerminusApp", ["--enable-native-access=ALL-UNNAMED"], since=22),
    "pekko": variant("PekkoApp", peers=True),
    "spring": variant("SpringApp", peers=True),
    "plain-cds": variant("PlainApp", archive="cds"),
    "terminus-cds": variant("TerminusApp", archive="cds"),
    "plain-aot": variant("PlainApp", archive="aot", since=25),
    "terminus-aot": variant("TerminusApp", archive="aot", since=25),
    "cli": variant("cli"),
    "cli-cds": variant("cli", archive="cds"),
    "cli-aot": variant("cli", archive="aot", since=25),
    "cli-cp": variant("cli-cp", since=22),
    "cli-c1": variant("cli", ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]),
    "bin": variant("bin"),
}
EXIT_VARIANTS = ["plain", "terminus", "plain-loads", "plain-exit", "pekko", "spring", "plain-cds", "terminus-cds", "plain-aot", "terminus-aot"]
PROBE_VARIANTS = ["plain", "terminus", "plain-cds", "terminus-cds", "plain-aot", "terminus-aot"]
REGISTER_VARIANTS = ["plain", "terminus"]
SIG_VARIANTS = ["plain", "terminus", "terminus-status", "terminus-native", "pekko", "spring"]
SIG_SCENARIOS = ["none", "slow", "many"]
SIG_FLOOR_VARIANTS = ["plain-fork"]  # scenario none only
CLI_VARIANTS = ["cli", "cli-cds", "cli-aot", "cli-c1", "bin"]
CLI_SIG_VARIANTS = ["cli", "cli-cp"]
CLI_ARGS = ["explain", "130"]
# terminus run, SIGTERM once the command has started: the CLI's own stop, ladder and ending.
CLI_SIG_ARGS = ["run", "--", "sh", "-c", "echo ready; exec sleep 60"]
SETTLE_S = 0.3  # after "ready", before SIGTERM: lets start-up threads (JIT, GC) quiet down
GUARD_S = 60.0  # a run that takes longer is killed and recorded as failed


def now_ns():
    """CLOCK_MONOTONIC, the clock of Java's System.nanoTime() on Linux: the probes compare both."""
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def applies(args, v):
    return args.feature >= VARIANTS[v]["since"]


def describe(status):
    if os.WIFSIGNALED(status):
        return "signal %d" % os.WTERMSIG(status)
    return "exit %d" % os.WEXITSTATUS(status)


def wait_guarded(proc):
    """wait4 on proc, killing it (SIGKILL) if it outlives GUARD_S; returns (status, rusage, t_ns)."""
    timer = threading.Timer(GUARD_S, lambda: os.kill(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        _, status, ru = os.wait4(proc.pid, 0)
        t = now_ns()
    finally:
        timer.cancel()
    proc.returncode = status  # already reaped: keep Popen from waiting again
    return status, ru, t


def archive_file(args, v):
    kind = VARIANTS[v]["archive"]
    return os.path.join(args.work, "%s-jdk%d.%s" % (v, args.feature, "aot" if kind == "aot" else "jsa"))


def archive_opts(args, v, training=False):
    """JDK 19+: -XX:+AutoCreateSharedArchive (the same options create the archive and use it);
    JDK 17: a classic dynamic archive, -XX:ArchiveClassesAtExit once, then -XX:SharedArchiveFile;
    JDK 25 AOT cache: -XX:AOTCacheOutput once, then -XX:AOTCache."""
    kind = VARIANTS[v]["archive"]
    if not kind:
        return []
    f = archive_file(args, v)
    if kind == "aot":
        return ["-XX:AOTCacheOutput=" + f] if training else ["-XX:AOTCache=" + f]
    if args.feature >= 19:
        return ["-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + f]
    return ["-XX:ArchiveClassesAtExit=" + f] if training else ["-XX:SharedArchiveFile=" + f]


def command(args, v, scenario_args, training=False, extra=()):
    spec = VARIANTS[v]
    if spec["main"] == "bin":
        return [os.path.join(args.repo, "bin", "terminus")] + scenario_args
    opts = spec["opts"] + archive_opts(args, v, training) + list(extra)
    if spec["main"] == "cli":
        return [args.java] + opts + ["-jar", args.cli_jar] + scenario_args
    if spec["main"] == "cli-cp":
        return [args.java] + opts + ["-cp", args.cli_jar, "dev.terminus.cli.Main"] + scenario_args
    cp = args.full_cp if spec["peers"] else args.min_cp
    if v == "plain-loads":
        opts = opts + ["-Dbench.preload=" + ",".join(args.preload)]
    return [args.java] + opts + ["-cp", cp, PKG + spec["main"]] + scenario_args


def child_env(args):
    # A developer's shell must not change a result: no TERMINUS_* setting, no JVM options from
    # the environment. JAVA_HOME selects the JDK under test for bin/terminus.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TERMINUS_")
           and k not in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")}
    env["JAVA_HOME"] = args.java_home
    return env


def run_once(args, cmd):
    """Runs cmd to its end; returns (status, rusage, wall ns, t0, t1, stdout, stderr)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = now_ns()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=args.env)
        status, ru, t1 = wait_guarded(p)
        out.seek(0)
        err.seek(0)
        return status, ru, t0, t1, out.read(), err.read()


def fail(what, status, err):
    sys.stderr.write("FAILED %s: %s\n%s\n" % (what, describe(status), err[-2000:].decode(errors="replace")))


def run_exit(args, kind, v, scenario):
    """kind exit, probe, register or cli: one whole run, start to exit."""
    scenario_args = CLI_ARGS if kind == "cli" else [scenario]
    status, ru, t0, t1, out, err = run_once(args, command(args, v, scenario_args))
    ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    ok = ok and ((b"SIGINT" in out) if kind == "cli" else (b"result " in out or kind == "register"))
    res = {"wall_ms": (t1 - t0) / 1e6, "rss_kb": ru.ru_maxrss, "status": describe(status)}
    for line in err.decode(errors="replace").splitlines():
        f = line.split()
        if kind == "probe" and f[:1] == ["probe"]:
            stamps = dict(zip(f[1::2], (int(x) for x in f[2::2])))
            stamps.update({"fork": t0, "reaped": t1})
            res["stamps"] = stamps
        if kind == "register" and f[:1] == ["register"]:
            res["register_ms"] = {f[1]: int(f[2]) / 1e6, f[3]: int(f[4]) / 1e6}
    ok = ok and (kind != "probe" or "stamps" in res) and (kind != "register" or "register_ms" in res)
    if not ok:
        fail("%s %s" % (kind, v), status, err)
    res["ok"] = ok
    return res


def run_signal(args, kind, v, scenario):
    """kind signal (the programs) or clisig (terminus run): SIGTERM once ready, then reaped."""
    scenario_args = CLI_SIG_ARGS if kind == "clisig" else ["signal", scenario]
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(command(args, v, scenario_args), stdout=subprocess.PIPE, stderr=err, env=args.env)
        pid = p.pid
        assert isinstance(pid, int) and pid > 1, pid
        deadline, buf = time.monotonic() + GUARD_S, b""
        while b"ready\n" not in buf:
            left = deadline - time.monotonic()
            r, _, _ = select.select([p.stdout], [], [], max(left, 0))
            if not r:
                break
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            buf += chunk
        if b"ready\n" not in buf:
            os.kill(pid, signal.SIGKILL)
            status, _, _ = wait_guarded(p)
            err.seek(0)
            fail("%s %s %s: no ready" % (kind, v, scenario), status, err.read())
            return {"ok": False}
        time.sleep(SETTLE_S)
        t0 = now_ns()
        os.kill(pid, signal.SIGTERM)
        status, ru, t1 = wait_guarded(p)
        p.stdout.close()
        st = describe(status)
        if v in ("terminus", "terminus-native"):
            ok = st == "signal 15"
        elif v == "terminus-status":
            ok = st == "exit 143"
        elif kind == "clisig":
            ok = os.WIFSIGNALED(status) or os.WEXITSTATUS(status) > 128
        else:
            ok = st in ("signal 15", "exit 143", "exit 0")
        err.seek(0)
        text = err.read()
        if not ok:
            fail("%s %s %s" % (kind, v, scenario), status, text)
        res = {"ok": ok, "latency_ms": (t1 - t0) / 1e6, "status": st,
               "warned": b"WARNING: A restricted method" in text}
        for line in text.decode(errors="replace").splitlines():
            f = line.split()
            if f[:1] == ["tasks"] and len(f) == 5:  # TerminusApp, signal many
                res["tasks_ms"] = (int(f[4]) - int(f[2])) / 1e6
        return res


def parse_class_log(path):
    """[(name, source)] in load order, from -Xlog:class+load=info:file=PATH."""
    rows = []
    for line in open(path, errors="replace"):
        _, sep, rest = line.partition("] ")
        while rest.startswith("["):  # further decorations
            _, _, rest = rest.partition("] ")
        name, sep, source = rest.rstrip("\n").partition(" source: ")
        if sep:
            rows.append((name.strip(), source.strip()))
    return rows


def is_library(name):
    return name.startswith("dev.terminus.") and not name.startswith("dev.terminus.bench.")


def from_archive(source):
    return source.startswith("shared objects file")


def class_counts(rows):
    return {"all": len(rows),
            "library": sum(1 for n, _ in rows if is_library(n)),
            "not_archived": sum(1 for _, s in rows if not from_archive(s)),
            "library_not_archived": sum(1 for n, s in rows if is_library(n) and not from_archive(s))}


def logged_classes(args, v, scenario):
    f = os.path.join(args.work, "classes-%s-%s.log" % (v, scenario))
    if os.path.exists(f):
        os.remove(f)
    status, _, _, _, _, err = run_once(args, command(args, v, [scenario], extra=["-Xlog:class+load=info:file=" + f]))
    if status != 0 or not os.path.exists(f):
        fail("class log %s %s" % (v, scenario), status, err)
        return None
    return parse_class_log(f)


def measure_classes(args):
    """The start path's classes (StartMark to BodyMark), and every class each whole run loads."""
    out = {}
    rows = logged_classes(args, "terminus", "startpath")
    if rows:
        names = [n for n, _ in rows]
        a, b = names.index(PKG + "StartMark"), names.index(PKG + "BodyMark")
        between = rows[a + 1:b]
        out["startpath"] = class_counts(between)
        out["startpath"]["library_names"] = [n for n, _ in between if is_library(n)]
    for v in ("plain", "terminus"):
        rows = logged_classes(args, v, "exit")
        if rows:
            out["exit-" + v] = class_counts(rows)
    return out


def measure_bytecodes(args):
    """Runs the start path under the counting agent: totals, the library methods the bytecodes are
    charged to (the innermost one on the stack: the JDK's work it caused included), and the JDK
    classes that ran the most."""
    if not args.agent:
        return None
    f = os.path.join(args.work, "bytecodes-jdk%d.txt" % args.feature)
    if os.path.exists(f):
        os.remove(f)
    status, _, _, _, _, err = run_once(args, command(args, "terminus", ["startpath"], extra=["-agentpath:%s=%s" % (args.agent, f)]))
    if status != 0 or not os.path.exists(f):
        fail("bytecode count", status, err)
        return None
    lines = open(f).read().splitlines()
    fields = lines[0].split()
    out = dict(zip(fields[::2], (int(x) for x in fields[1::2])))
    callers, classes = {}, {}
    for line in lines[1:]:
        kind, sig, name, n = line.split()
        cls = sig[1:-1].replace("/", ".")
        if kind == "caller":
            key = cls[len("dev.terminus."):] + "." + name
            callers[key] = callers.get(key, 0) + int(n)
        elif kind == "method" and not is_library(cls):
            classes[cls] = classes.get(cls, 0) + int(n)
    out["callers"] = sorted(callers.items(), key=lambda kv: -kv[1])
    out["jdk_classes"] = sorted(classes.items(), key=lambda kv: -kv[1])[:12]
    return out


def train_archives(args, variants):
    """Creates each variant's archive afresh with one untimed run, then reports how many of the
    library's classes (and of all) the variant loads from it."""
    info = {}
    for v in variants:
        if not VARIANTS[v]["archive"]:
            continue
        f = archive_file(args, v)
        if os.path.exists(f):
            os.remove(f)
        scenario_args = CLI_ARGS if VARIANTS[v]["main"] == "cli" else ["exit"]
        status, _, t0, t1, _, err = run_once(args, command(args, v, scenario_args, training=True))
        if not os.path.exists(f):
            fail("archive %s" % v, status, err)
            continue
        log = os.path.join(args.work, "classes-%s.log" % v)
        run_once(args, command(args, v, scenario_args, extra=["-Xlog:class+load=info:file=" + log]))
        rows = parse_class_log(log)
        top = [(n, s) for n, s in rows if s.startswith("shared objects file (top)")
               or (VARIANTS[v]["archive"] == "aot" and from_archive(s))]
        info[v] = {"bytes": os.path.getsize(f), "training_ms": (t1 - t0) / 1e6, "classes": len(rows),
                   "from_archive": len(top), "not_archived": sum(1 for _, s in rows if not from_archive(s))}
    return info


def cmd_proc(args):
    # args.classes is a private copy of benchmarks.jar: the programs and terminus-core, immune to
    # a concurrent rebuild of terminus-core/target. The peers' jars come from the local repository.
    cp = open(args.classpath).read().strip()
    peers = [e for e in cp.split(os.pathsep) if e and "terminus-" not in os.path.basename(e.rstrip("/"))
             and "/terminus-core/" not in e]
    args.min_cp = args.classes
    args.full_cp = os.pathsep.join([args.classes] + peers)
    args.feature = java_feature(args.java)
    args.java_home = os.path.dirname(os.path.dirname(os.path.realpath(args.java)))
    args.work = os.path.dirname(os.path.abspath(args.out))
    args.repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args.env = child_env(args)
    pick = lambda vs: [v for v in vs if applies(args, v)]
    cli = pick(CLI_VARIANTS) if args.cli_jar else []
    clisig = pick(CLI_SIG_VARIANTS) if args.cli_jar else []
    jobs = [("exit", v, "exit") for v in pick(EXIT_VARIANTS)]
    jobs += [("probe", v, "probe") for v in pick(PROBE_VARIANTS)]
    jobs += [("register", v, "register") for v in REGISTER_VARIANTS]
    jobs += [("cli", v, "explain") for v in cli]
    jobs += [("signal", v, s) for s in SIG_SCENARIOS for v in pick(SIG_VARIANTS)]
    jobs += [("signal", v, "none") for v in SIG_FLOOR_VARIANTS]
    jobs += [("clisig", v, "run") for v in clisig]
    sys.stderr.write("  archives, class counts, bytecode count\n")
    archives = train_archives(args, pick(EXIT_VARIANTS) + cli)
    classes = measure_classes(args)
    args.preload = classes.get("startpath", {}).get("library_names", [])
    if not args.preload:
        jobs = [j for j in jobs if j[1] != "plain-loads"]
    bytecodes = measure_bytecodes(args)
    # One untimed warm-up of each start-to-exit variant: fills the page cache with the jars (and
    # lets bin/terminus create its archive).
    for v in pick(EXIT_VARIANTS):
        run_exit(args, "exit", v, "exit")
    for v in cli:
        run_exit(args, "cli", v, "explain")
    load_before = os.getloadavg()[0]
    rounds = max(args.runs, args.sig_runs)
    rng = random.Random(7)
    results = []
    for r in range(rounds):
        todo = [j for j in jobs if (j[0] in ("exit", "probe", "register", "cli") and r < args.runs)
                or (j[0] in ("signal", "clisig") and r < args.sig_runs)]
        rng.shuffle(todo)
        for kind, v, s in todo:
            res = run_signal(args, kind, v, s) if kind in ("signal", "clisig") else run_exit(args, kind, v, s)
            res.update({"round": r, "kind": kind, "variant": v, "scenario": s})
            results.append(res)
        sys.stderr.write("  round %d/%d done\n" % (r + 1, rounds))
        sys.stderr.flush()
    with open(args.out, "w") as f:
        json.dump({"settle_s": SETTLE_S, "feature": args.feature, "load": [load_before, os.getloadavg()[0]], "archives": archives, "classes": classes,
                   "bytecodes": bytecodes, "agent": bool(args.agent), "results": results}, f, indent=1)


# ---------------------------------------------------------------- report


def quantiles(xs):
    xs = sorted(xs)
    if len(xs) < 2:
        return xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[2]


def fmt(x, nd=1):
    if x >= 100:
        return "%.0f" % x
    if x >= 10:
        return "%.1f" % x
    return ("%." + str(nd) + "f") % x


JMH_ROWS = [
    # (label, benchmark, baseline, goal)
    ("`Exit.checkpoint()`", "checkpoint", "volatileRead", 1.2),
    ("`Thread.currentThread().isInterrupted()`", "isInterrupted", "volatileRead", None),
    ("`Terminus.critical(\"x\")` enter+leave", "critical", "atomicPair", 1.5),
    ("`ReentrantReadWriteLock` read lock+unlock", "readLock", "atomicPair", None),
]


def jmh_table(path, goals):
    data = json.load(open(path))
    by = {}
    for b in data:
        name = b["benchmark"].rsplit(".", 1)[1]
        forks = b["primaryMetric"]["rawData"]
        by[name] = {
            "all": [x for f in forks for x in f],
            "forks": [statistics.mean(f) for f in forks],
            "unit": b["primaryMetric"]["scoreUnit"],
        }
    lines = [
        "| operation | threads | ns/op, median [min–max of forks] | baseline | baseline ns/op | ratio, median [min–max over fork pairs] | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in ("t1", "t2"):
        # the baselines themselves
        for label, base in (("plain volatile read (baseline)", "volatileRead"), ("`AtomicInteger` increment+decrement (baseline)", "atomicPair")):
            b = by.get(base + "_" + t)
            if b:
                lines.append("| %s | %s | %s [%s–%s] | — | — | 1 | — |" % (
                    label, t[1], fmt(statistics.median(b["all"]), 2), fmt(min(b["forks"]), 2), fmt(max(b["forks"]), 2)))
        for label, name, base, goal in JMH_ROWS:
            a, b = by.get(name + "_" + t), by.get(base + "_" + t)
            if not a or not b:
                continue
            ma, mb = statistics.median(a["all"]), statistics.median(b["all"])
            ratio = ma / mb
            pairs = [x / y for x in a["forks"] for y in b["forks"]]
            g = "—"
            if goal:
                met = ratio <= goal
                g = ("≤ %sx: **met**" if met else "≤ %sx: **missed**") % goal
                goals.append(("%s, %s thread%s" % (label, t[1], "s" if t == "t2" else ""),
                              "≤ %sx %s" % (goal, "volatile read" if base == "volatileRead" else "atomic pair"),
                              "%.2fx [%.2f–%.2f]" % (ratio, min(pairs), max(pairs)), met))
            lines.append("| %s | %s | %s [%s–%s] | %s | %s | **%.2fx** [%.2f–%.2f] | %s |" % (
                label, t[1], fmt(ma, 2), fmt(min(a["forks"]), 2), fmt(max(a["forks"]), 2),
                base, fmt(mb, 2), ratio, min(pairs), max(pairs), g))
    return lines


def median_iqr(xs):
    q1, q3 = quantiles(xs)
    return statistics.median(xs), q1, q3


def ms(xs):
    m, q1, q3 = median_iqr(xs)
    return "%s [%s–%s]" % (fmt(m), fmt(q1), fmt(q3))


def ratio_cell(ratios):
    if not ratios:
        return "—"
    m, q1, q3 = median_iqr(ratios)
    return "**%.2fx** [%.2f–%.2f]" % (m, q1, q3)


def proc_tables(path, goals):
    data = json.load(open(path))
    feature = data.get("feature", 17)
    res = [r for r in data["results"] if r.get("ok")]
    failed = [r for r in data["results"] if not r.get("ok")]

    def pick(kind, v, s):
        return {r["round"]: r for r in res if r["kind"] == kind and r["variant"] == v and r["scenario"] == s}

    def paired(cur, base, key, op=lambda a, b: a / b):
        return [op(cur[k][key], base[k][key]) for k in cur if k in base]

    out = ["", "### Whole process: start to exit (10 cleanup tasks)", "",
           "| variant | n | wall ms, median [IQR] | wall ratio vs plain, median [IQR] of per-round ratios | peak RSS MB, median [min–max] | RSS − plain MB, median [min–max] |",
           "|---|---|---|---|---|---|"]
    base = pick("exit", "plain", "exit")
    for v in ["plain", "terminus", "plain-loads", "plain-exit", "pekko", "spring"]:
        cur = pick("exit", v, "exit")
        if not cur:
            continue
        walls = [r["wall_ms"] for r in cur.values()]
        rss = [r["rss_kb"] / 1024 for r in cur.values()]
        ratios = paired(cur, base, "wall_ms")
        deltas = [d / 1024 for d in paired(cur, base, "rss_kb", lambda a, b: a - b)]
        mr, r1, r3 = median_iqr(ratios)
        md = statistics.median(deltas)
        out.append("| %s | %d | %s | **%.2fx** [%.2f–%.2f] | %s [%s–%s] | %+.1f [%+.1f–%+.1f] |" % (
            v, len(walls), ms(walls), mr, r1, r3,
            fmt(statistics.median(rss)), fmt(min(rss)), fmt(max(rss)), md, min(deltas), max(deltas)))
        if v == "terminus":
            goals.append(("start to exit: `Terminus.run` vs plain `main` + 10 JDK hooks", "≤ 1.10x",
                          "%.2fx [IQR %.2f–%.2f] (%s vs %s ms)" % (mr, r1, r3, fmt(statistics.median(walls)),
                                                               fmt(statistics.median(r["wall_ms"] for r in base.values()))),
                          mr <= 1.10))
            goals.append(("peak RSS: `Terminus.run` vs plain `main`", "≤ plain + 5 MB",
                          "%+.1f MB [%+.1f–%+.1f]" % (md, min(deltas), max(deltas)), md <= 5.0))
        if v == "plain-loads":
            # Not a goal: the floor of the one above. If loading the start path's library classes,
            # with none of their code run, already costs more than the goal allows, no start path
            # made of those classes meets it without a class-data archive.
            goals.append(("the floor: plain `main` that only loads and initialises the start path's "
                          "%d library classes, vs plain" % len(data.get("classes", {}).get("startpath", {}).get("library_names", [])),
                          "(≤ 1.10x leaves room)",
                          "%.2fx [IQR %.2f–%.2f] (+%s ms)" % (mr, r1, r3, fmt(statistics.median(walls) - statistics.median(r["wall_ms"] for r in base.values()))),
                          ("floor", mr <= 1.10)))
        if v == "plain-exit":
            goals.append(("the floor: plain `main` that ends by `System.exit(0)` instead of returning, "
                          "as `Terminus.run` must (it never returns), vs plain", "(≤ 1.10x leaves room)",
                          "%.2fx [IQR %.2f–%.2f] (+%s ms)" % (mr, r1, r3, fmt(statistics.median(walls) - statistics.median(r["wall_ms"] for r in base.values()))),
                          ("floor", mr <= 1.10)))

    out += probe_table(pick("probe", "plain", "probe"), pick("probe", "terminus", "probe"), "")
    out += probe_table(pick("probe", "plain-cds", "probe"), pick("probe", "terminus-cds", "probe"),
                       ", both with their own AppCDS archive")
    out += probe_table(pick("probe", "plain-aot", "probe"), pick("probe", "terminus-aot", "probe"),
                       ", both with their own AOT cache")
    out += startpath_tables(data)
    out += archive_table(data, pick, paired)

    out += ["", "### Shutdown latency: SIGTERM sent to process reaped", "",
            "`terminus-status`: `-Dterminus.signal-exit=status` (exit 143 instead of the death by SIGTERM); "
            "`terminus-native`: `--enable-native-access=ALL-UNNAMED` (JDK 22+: the death by SIGTERM through "
            "`on_exit(raise)`, no `kill` forked); `plain-fork`: plain `main` plus a JDK hook that forks "
            "`kill -0 <pid>` and waits for it, the floor of a death by a forked `kill`.", "",
            "| scenario | variant | n | ends by | latency ms, median [IQR] | ratio vs plain, median [IQR] of per-round ratios |",
            "|---|---|---|---|---|---|"]
    names = {"none": "no tasks", "slow": "10 tasks × 100 ms, concurrent", "many": "1,000 trivial tasks"}
    for s in SIG_SCENARIOS:
        base = pick("signal", "plain", s)
        for v in SIG_VARIANTS + (SIG_FLOOR_VARIANTS if s == "none" else []):
            cur = pick("signal", v, s)
            if not cur:
                continue
            lat = [r["latency_ms"] for r in cur.values()]
            ratios = paired(cur, base, "latency_ms")
            ends = sorted(set(r["status"] for r in cur.values()))
            out.append("| %s | %s | %d | %s | %s | %s |" % (names[s], v, len(lat), ", ".join(ends), ms(lat), ratio_cell(ratios)))
            if s == "none" and v in ("terminus", "terminus-native") and ratios:
                m, q1, q3 = median_iqr(ratios)
                goals.append(("SIGTERM to reaped, no task: `%s`%s vs plain `main`" % (
                    v, " (native access granted)" if v == "terminus-native" else " as shipped"), "≤ 1.5x",
                    "%.2fx [IQR %.2f–%.2f] (%s vs %s ms)" % (m, q1, q3, fmt(statistics.median(lat)),
                                                         fmt(statistics.median(r["latency_ms"] for r in base.values()))),
                    m <= 1.5))
            if s == "none" and v == "plain-fork" and ratios:
                m, q1, q3 = median_iqr(ratios)
                goals.append(("the floor: plain `main` whose exit forks one `kill` as the death by the "
                              "signal does, vs plain", "(≤ 1.5x leaves room)",
                              "%.2fx [IQR %.2f–%.2f] (%s ms)" % (m, q1, q3, fmt(statistics.median(lat))),
                              ("floor", m <= 1.5)))

    out += ["", "### Exit work of 1,000 trivial cleanup tasks", "",
            "SIGTERM-to-reaped latency with 1,000 tasks minus the latency with none, same variant, same round "
            "(what the tasks add to the stop); for Terminus also, from inside the program, the time from the "
            "start of the first task to run to the end of the last (written on stderr by the last).", "",
            "| variant | n | exit work ms, median [IQR] of per-round differences | with 1,000 tasks ms | with none ms | the tasks themselves, in-process ms |",
            "|---|---|---|---|---|---|"]
    for v in SIG_VARIANTS:
        many, none = pick("signal", v, "many"), pick("signal", v, "none")
        diffs = paired(many, none, "latency_ms", lambda a, b: a - b)
        if not diffs:
            continue
        spans = [r["tasks_ms"] for r in many.values() if "tasks_ms" in r]
        out.append("| %s | %d | **%s** | %s | %s | %s |" % (
            v, len(diffs), ms(diffs), fmt(statistics.median(r["latency_ms"] for r in many.values())),
            fmt(statistics.median(r["latency_ms"] for r in none.values())), ms(spans) if spans else "—"))
        if v in ("terminus", "terminus-native"):
            m, q1, q3 = median_iqr(diffs)
            goals.append(("1,000 trivial tasks, exit work: `%s`" % v, "≤ 10 ms",
                          "%s ms [IQR %s–%s]%s" % (fmt(m), fmt(q1), fmt(q3), "; in-process %s ms" % fmt(statistics.median(spans)) if spans else ""),
                          m <= 10))

    out += ["", "### 100,000 `atExit` registrations", "",
            "plain: 100,000 named tasks appended to a list that one JDK hook runs, last first (100,000 JDK hooks "
            "would start 100,000 threads at exit: about 12 s). Registering is timed inside the program; the "
            "whole process from fork to reaped, the tasks run at exit.", "",
            "| variant | n | first 10,000 ms | all 100,000 ms | 100,000 / 10,000 | whole process ms, median [IQR] | whole process vs plain |",
            "|---|---|---|---|---|---|---|"]
    base = pick("register", "plain", "register")
    for v in REGISTER_VARIANTS:
        cur = pick("register", v, "register")
        if not cur:
            continue
        first = [r["register_ms"]["10000"] for r in cur.values()]
        total = [r["register_ms"]["100000"] for r in cur.values()]
        growth = [r["register_ms"]["100000"] / r["register_ms"]["10000"] for r in cur.values()]
        walls = [r["wall_ms"] for r in cur.values()]
        out.append("| %s | %d | %s | %s | %.1fx | %s | %s |" % (
            v, len(cur), ms(first), ms(total), statistics.median(growth), ms(walls), ratio_cell(paired(cur, base, "wall_ms"))))
        if v == "terminus":
            goals.append(("100,000 `atExit` registrations: linear", "all 100,000 ≤ 10x the first 10,000 (quadratic: about 100x)",
                          "%.1fx (%s ms for 100,000; whole process %s ms)" % (
                              statistics.median(growth), fmt(statistics.median(total)), fmt(statistics.median(walls))),
                          statistics.median(growth) <= 10))

    clisig = {v: pick("clisig", v, "run") for v in CLI_SIG_VARIANTS}
    if any(clisig.values()):
        out += ["", "### `terminus run -- sh -c '…; exec sleep 60'`: SIGTERM to `terminus` reaped", "",
                "`cli`: `java -jar terminus.jar` (the manifest's `Enable-Native-Access: ALL-UNNAMED` applies); "
                "`cli-cp`: `java -cp terminus.jar dev.terminus.cli.Main` (it does not: no native access).", "",
                "| variant | n | ends by | latency ms, median [IQR] | ratio vs `cli`, median [IQR] | restricted-method warning on stderr |",
                "|---|---|---|---|---|---|"]
        for v, cur in clisig.items():
            if not cur:
                continue
            lat = [r["latency_ms"] for r in cur.values()]
            ends = sorted(set(r["status"] for r in cur.values()))
            warned = sum(1 for r in cur.values() if r.get("warned"))
            out.append("| %s | %d | %s | %s | %s | %s |" % (v, len(cur), ", ".join(ends), ms(lat),
                                                       ratio_cell(paired(cur, clisig["cli"], "latency_ms")),
                                                       "%d of %d runs" % (warned, len(cur))))
    if failed:
        out += ["", "Failed runs (left out of the figures): " + ", ".join(
            "%s %s %s (%s)" % (r["kind"], r["variant"], r["scenario"], r.get("status", "no ready")) for r in failed)]
    return out


def probe_table(plain, term, which):
    """Splits start to exit with the programs' own System.nanoTime() stamps (CLOCK_MONOTONIC)."""
    if not plain or not term:
        return []
    steps = [  # label, plain (from, to) or None, Terminus (from, to)
        ("fork to `main` (JVM start, main class)", ("fork", "main"), ("fork", "main")),
        ("`main` to `Terminus.run` (the body's lambda)", None, ("main", "run")),
        ("`Terminus.run` to the body (the start path)", None, ("run", "body")),
        ("the body: hash, print one line, register 10 tasks", ("main", "bodyEnd"), ("body", "bodyEnd")),
        ("the body's end to the last task's end (the stop)", None, ("bodyEnd", "tasksEnd")),
        ("to reaped (plain: `main`'s end, 10 hooks, JVM exit; Terminus: flush, `System.exit`, JVM exit)",
         ("bodyEnd", "reaped"), ("tasksEnd", "reaped")),
        ("after the body, all", ("bodyEnd", "reaped"), ("bodyEnd", "reaped")),
        ("total (probe runs)", ("fork", "reaped"), ("fork", "reaped")),
    ]

    def span(r, fr_to):
        a, b = fr_to
        return (r["stamps"][b] - r["stamps"][a]) / 1e6

    out = ["", "### Where start to exit goes (probe runs%s)" % which, ""]
    if not which:
        out += ["The same program with `System.nanoTime()` stamps (CLOCK_MONOTONIC, the harness's clock) written "
                "on stderr by its last step; medians [IQR] over rounds, the difference is the median of per-round "
                "differences.", ""]
    out += [
           "| step | plain ms | Terminus ms | Terminus − plain ms |", "|---|---|---|---|"]
    for label, p, t in steps:
        tv = [span(r, t) for r in term.values()]
        pv = [span(r, p) for r in plain.values()] if p else [0.0] * len(plain)
        diffs = [span(term[k], t) - (span(plain[k], p) if p else 0.0) for k in term if k in plain]
        out.append("| %s | %s | %s | %+.1f |" % (label, ms(pv) if p else "—", ms(tv), statistics.median(diffs)))
    return out


def startpath_tables(data):
    c = data.get("classes") or {}
    sp = c.get("startpath")
    out = ["", "### The start path: `Terminus.run` to the body", ""]
    if not sp:
        return out + ["Not measured (the class-load log failed)."]
    bc = data.get("bytecodes")
    out += ["Classes from `-Xlog:class+load` between a marker class loaded just before `Terminus.run` and one "
            "loaded first thing in the body; \"parsed\" classes come from a jar or the JDK's modules, the others from "
            "the JDK's class-data archive. Bytecodes from a JVMTI agent (`bench/agent/bytecodes.c`: SingleStep "
            "events, every thread interpreted while it counts).", "",
            "| measure | count |", "|---|---|",
            "| classes loaded | %d (%d parsed, %d from the JDK's archive) |" % (sp["all"], sp["not_archived"], sp["all"] - sp["not_archived"]),
            "| of which `dev.terminus` | %d |" % sp["library"]]
    if bc:
        out.append("| bytecodes executed, main thread | %s (%s in `dev.terminus` methods, %s in the JDK's) |" % (
            "{:,}".format(bc["main"]), "{:,}".format(bc["library"]), "{:,}".format(bc["main"] - bc["library"])))
        out.append("| of which inside a class loader's `loadClass` | %s |" % "{:,}".format(bc.get("loading", 0)))
        out.append("| bytecodes executed, other threads meanwhile | %s |" % "{:,}".format(bc["other"]))
    else:
        out.append("| bytecodes executed | not counted (%s) |" % (
            "the agent failed" if data.get("agent") else "no C compiler to build the counting agent; product JVMs "
            "count bytecodes only with -XX:+CountBytecodes, a develop flag of debug builds"))
    for v in ("plain", "terminus"):
        e = c.get("exit-" + v)
        if e:
            out.append("| whole run, %s: classes loaded | %d (%d parsed; %d `dev.terminus`) |" % (v, e["all"], e["not_archived"], e["library"]))
    out += ["", "`dev.terminus` classes on the start path, in load order: " + ", ".join(
        "`%s`" % n[len("dev.terminus."):] for n in sp["library_names"]) + "."]
    if bc and bc.get("callers"):
        total = sum(n for _, n in bc["callers"])
        out += ["", "Bytecodes charged to the innermost `dev.terminus` method on the stack (its own and the JDK's it "
                "caused, class loading included), the largest first: " + ", ".join(
                    "`%s` %s" % (k, "{:,}".format(n)) for k, n in bc["callers"][:8]) +
                "; %s in all. JDK classes that ran the most: " % "{:,}".format(total) + ", ".join(
                    "`%s` %s" % (k, "{:,}".format(n)) for k, n in bc["jdk_classes"][:8]) + "."]
    return out


def archive_table(data, pick, paired):
    arch = data.get("archives") or {}
    out = ["", "### Class-data archives: start to exit", "",
           "`-cds`: a dynamic AppCDS archive of the same program (JDK 19+: `-XX:+AutoCreateSharedArchive "
           "-XX:SharedArchiveFile=F`; JDK 17: one run with `-XX:ArchiveClassesAtExit=F`, then "
           "`-XX:SharedArchiveFile=F`); `-aot`: a JDK 25 AOT cache (`-XX:AOTCacheOutput=F` once, then "
           "`-XX:AOTCache=F`). `cli`: `java -jar terminus.jar explain 130`; `cli-c1`: the same with "
           "`-XX:TieredStopAtLevel=1 -XX:+UseSerialGC`; `bin`: `bin/terminus explain 130` as shipped (those options "
           "and its own AppCDS archive). Each archive is made afresh by one untimed run before the rounds.", "",
           "| variant | n | wall ms, median [IQR] | vs no archive, median [IQR] of per-round ratios | vs plain with the same archive | classes from the archive / loaded | archive MB |",
           "|---|---|---|---|---|---|---|"]
    rows = [("exit", v, "exit", v.split("-")[0], "plain" + v[len(v.split("-")[0]):])
            for v in ("plain-cds", "terminus-cds", "plain-aot", "terminus-aot")]
    rows += [("cli", "cli", "explain", None, None)] + [("cli", v, "explain", "cli", None) for v in ("cli-cds", "cli-aot", "cli-c1", "bin")]
    any_row = False
    for kind, v, s, nobase, samebase in rows:
        cur = pick(kind, v, s)
        if not cur:
            continue
        any_row = True
        walls = [r["wall_ms"] for r in cur.values()]
        a = arch.get(v)
        out.append("| %s | %d | %s | %s | %s | %s | %s |" % (
            v, len(cur), ms(walls),
            ratio_cell(paired(cur, pick(kind, nobase, s), "wall_ms")) if nobase else "—",
            ratio_cell(paired(cur, pick(kind, samebase, s), "wall_ms")) if samebase and samebase != v else "—",
            "%d / %d" % (a["from_archive"], a["classes"]) if a else "—",
            "%.1f" % (a["bytes"] / 1e6) if a else "—"))
    return out if any_row else []


def java_feature(java):
    p = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
    for line in p.stderr.splitlines():
        k, _, v = line.strip().partition(" = ")
        if k == "java.specification.version":
            return int(v.split(".")[-1] if v.startswith("1.") else v)
    raise SystemExit("bench.py: cannot tell the version of " + java)


def java_version(java):
    p = subprocess.run([java, "-XshowSettings:properties", "-version"], capture_output=True, text=True)
    props = {}
    for line in p.stderr.splitlines():
        if "=" in line:
            k, _, v = line.strip().partition("=")
            props[k.strip()] = v.strip()
    first = [l for l in p.stderr.splitlines() if "version" in l and not l.startswith(" ")]
    return "%s (%s %s)" % (props.get("java.runtime.version", "?"), props.get("java.vm.name", "?"),
                            props.get("java.vm.vendor", "")), first


def load_text(path):
    load = json.load(open(path)).get("load")
    return "%.2f, %.2f" % tuple(load) if load else "not recorded"


def cmd_report(args):
    goals = []
    jv, _ = java_version(args.java)
    now = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    lines = ["## Terminus benchmarks — %s mode" % args.mode, "",
             "- date: %s" % now,
             "- JDK: %s" % jv,
             "- nproc: %s" % subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip(),
             "- machine: %s" % " ".join(os.uname()[0:1] + os.uname()[2:3] + os.uname()[4:5]),
             "- settings: %s" % args.settings,
             "- load average (1 min) when the whole-process rounds began and ended: %s" % load_text(args.proc),
             "", "### JMH (average time, ns/op; lower is better)", ""]
    if args.jmh:
        lines += jmh_table(args.jmh, goals)
    else:
        lines += ["Not run (--no-jmh)."]
    lines += proc_tables(args.proc, goals)
    lines += ["", "### Goals", "", "| goal | target | measured | |", "|---|---|---|---|"]
    for name, target, measured, met in goals:
        if isinstance(met, tuple):  # a floor, not a goal: does it leave the goal room?
            verdict = "a floor: leaves room" if met[1] else "a floor: **above the goal**"
        else:
            verdict = "met" if met else "**MISSED**"
        lines.append("| %s | %s | %s | %s |" % (name, target, measured, verdict))
    text = "\n".join(lines) + "\n"
    with open(args.out, "w") as f:
        f.write(text)
    sys.stdout.write(text)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("proc")
    p.add_argument("--java", required=True)
    p.add_argument("--classes", required=True)
    p.add_argument("--classpath", required=True)
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--sig-runs", type=int, default=10)
    p.add_argument("--cli-jar", default="", help="terminus.jar: the CLI rows (none without it)")
    p.add_argument("--agent", default="", help="libbytecodes.so: the start path's bytecode count")
    p.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--jmh", default="")
    r.add_argument("--proc", required=True)
    r.add_argument("--java", required=True)
    r.add_argument("--mode", required=True)
    r.add_argument("--settings", default="")
    r.add_argument("--out", required=True)
    a = ap.parse_args()
    cmd_proc(a) if a.cmd == "proc" else cmd_report(a)


if __name__ == "__main__":
    main()
