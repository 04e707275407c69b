#!/usr/bin/env python3
"""Whole-process measurements and the results table for bench/run.sh.

  bench.py proc   --java JAVA --classes DIR --classpath FILE --runs N --sig-runs N --out FILE.json
  bench.py report --jmh JMH.json --proc PROC.json --java JAVA --mode full|quick --out results.md

proc: start-to-exit wall time and peak RSS of the same small program under each variant, and the
time from SIGTERM to the end of the process. Variants are interleaved: every round runs every
(variant, scenario) once, in a shuffled order, so slow drifts of a noisy machine hit all of them.
Wall time runs from just before the fork to the return of wait4(2); peak RSS is ru_maxrss from the
same wait4 (what `/usr/bin/time -f %M` prints). SIGTERM goes with os.kill(pid, SIGTERM), the
kill(2) system call itself, to a checked positive pid: no kill(1) command line to misparse.
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

# name -> (main class, extra JVM options, needs the peers' classpath)
VARIANTS = {
    "plain": ("PlainApp", [], False),
    "terminus": ("TerminusApp", [], False),
    "terminus-status": ("TerminusApp", ["-Dterminus.signal-exit=status"], False),
    "pekko": ("PekkoApp", [], True),
    "spring": ("SpringApp", [], True),
}
EXIT_VARIANTS = ["plain", "terminus", "pekko", "spring"]
SIG_VARIANTS = ["plain", "terminus", "terminus-status", "pekko", "spring"]
SIG_SCENARIOS = ["none", "slow", "many"]
SETTLE_S = 0.3  # after "ready", before SIGTERM: lets start-up threads (JIT, GC) quiet down
GUARD_S = 60.0  # a run that takes longer is killed and recorded as failed


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
        t = time.perf_counter_ns()
    finally:
        timer.cancel()
    proc.returncode = status  # already reaped: keep Popen from waiting again
    return status, ru, t


def command(args, variant, scenario_args):
    cls, opts, peers = VARIANTS[variant]
    cp = args.full_cp if peers else args.min_cp
    return [args.java] + opts + ["-cp", cp, PKG + cls] + scenario_args


def run_exit(args, variant):
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter_ns()
        p = subprocess.Popen(command(args, variant, ["exit"]), stdout=out, stderr=err)
        status, ru, t1 = wait_guarded(p)
        out.seek(0)
        err.seek(0)
        ok = os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 and b"result " in out.read()
        if not ok:
            sys.stderr.write("FAILED %s exit: %s\n%s\n" % (variant, describe(status), err.read()[-2000:].decode(errors="replace")))
        return {"ok": ok, "wall_ms": (t1 - t0) / 1e6, "rss_kb": ru.ru_maxrss, "status": describe(status)}


def run_signal(args, variant, scenario):
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen(command(args, variant, ["signal", scenario]), stdout=subprocess.PIPE, stderr=err)
        pid = p.pid
        assert isinstance(pid, int) and pid > 1, pid
        line, deadline, buf = b"", time.monotonic() + GUARD_S, b""
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
            sys.stderr.write("FAILED %s %s: no ready (%s)\n%s\n" % (variant, scenario, describe(status), err.read()[-2000:].decode(errors="replace")))
            return {"ok": False}
        time.sleep(SETTLE_S)
        t0 = time.perf_counter_ns()
        os.kill(pid, signal.SIGTERM)
        status, ru, t1 = wait_guarded(p)
        p.stdout.close()
        expected = "exit 143" if variant == "terminus-status" else None
        ok = (describe(status) == expected) if expected else (
            describe(status) in ("signal 15", "exit 143", "exit 0"))
        if variant == "terminus":
            ok = describe(status) == "signal 15"
        if not ok:
            err.seek(0)
            sys.stderr.write("FAILED %s %s: %s\n%s\n" % (variant, scenario, describe(status), err.read()[-2000:].decode(errors="replace")))
        return {"ok": ok, "latency_ms": (t1 - t0) / 1e6, "status": describe(status)}


def cmd_proc(args):
    # args.classes is a private copy of benchmarks.jar: the programs and terminus-core, immune to
    # a concurrent rebuild of terminus-core/target. The peers' jars come from the local repository.
    cp = open(args.classpath).read().strip()
    peers = [e for e in cp.split(os.pathsep) if e and "terminus-" not in os.path.basename(e.rstrip("/"))
             and "/terminus-core/" not in e]
    args.min_cp = args.classes
    args.full_cp = os.pathsep.join([args.classes] + peers)
    jobs = [("exit", v, None) for v in EXIT_VARIANTS]
    jobs += [("signal", v, s) for s in SIG_SCENARIOS for v in SIG_VARIANTS]
    rounds = max(args.runs, args.sig_runs)
    rng = random.Random(7)
    results = []
    # One untimed warm-up of each variant: fills the page cache with the jars.
    for v in EXIT_VARIANTS:
        run_exit(args, v)
    for r in range(rounds):
        todo = [j for j in jobs if (j[0] == "exit" and r < args.runs) or (j[0] == "signal" and r < args.sig_runs)]
        rng.shuffle(todo)
        for kind, v, s in todo:
            res = run_exit(args, v) if kind == "exit" else run_signal(args, v, s)
            res.update({"round": r, "kind": kind, "variant": v, "scenario": s or "exit"})
            results.append(res)
        sys.stderr.write("  round %d/%d done\n" % (r + 1, rounds))
        sys.stderr.flush()
    with open(args.out, "w") as f:
        json.dump({"settle_s": SETTLE_S, "results": results}, f, indent=1)


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


def proc_tables(path, goals):
    data = json.load(open(path))
    res = [r for r in data["results"] if r.get("ok")]
    failed = [r for r in data["results"] if not r.get("ok")]

    def pick(kind, v, s):
        return {r["round"]: r for r in res if r["kind"] == kind and r["variant"] == v and r["scenario"] == s}

    out = ["", "### Whole process: start to exit (10 cleanup tasks)", "",
           "| variant | n | wall ms, median [IQR] | wall ratio vs plain, median [IQR] of per-round ratios | peak RSS MB, median [min–max] | RSS − plain MB, median [min–max] |",
           "|---|---|---|---|---|---|"]
    base = pick("exit", "plain", "exit")
    for v in EXIT_VARIANTS:
        cur = pick("exit", v, "exit")
        if not cur:
            continue
        walls = [r["wall_ms"] for r in cur.values()]
        rss = [r["rss_kb"] / 1024 for r in cur.values()]
        rounds = [k for k in cur if k in base]
        ratios = [cur[k]["wall_ms"] / base[k]["wall_ms"] for k in rounds]
        deltas = [(cur[k]["rss_kb"] - base[k]["rss_kb"]) / 1024 for k in rounds]
        q1, q3 = quantiles(walls)
        r1, r3 = quantiles(ratios)
        mr, md = statistics.median(ratios), statistics.median(deltas)
        out.append("| %s | %d | %s [%s–%s] | **%.2fx** [%.2f–%.2f] | %s [%s–%s] | %+.1f [%+.1f–%+.1f] |" % (
            v, len(walls), fmt(statistics.median(walls)), fmt(q1), fmt(q3), mr, r1, r3,
            fmt(statistics.median(rss)), fmt(min(rss)), fmt(max(rss)), md, min(deltas), max(deltas)))
        if v == "terminus":
            goals.append(("Terminus.run start-to-exit wall time", "≤ 1.10x plain main",
                          "%.2fx [IQR %.2f–%.2f]" % (mr, r1, r3), mr <= 1.10))
            goals.append(("Terminus.run peak RSS", "≤ plain + 5 MB",
                          "%+.1f MB [%+.1f–%+.1f]" % (md, min(deltas), max(deltas)), md <= 5.0))

    out += ["", "### Shutdown latency: SIGTERM sent to process reaped", "",
            "| scenario | variant | n | ends by | latency ms, median [IQR] | ratio vs plain, median [IQR] of per-round ratios |",
            "|---|---|---|---|---|---|"]
    names = {"none": "no tasks", "slow": "10 tasks × 100 ms, concurrent", "many": "1,000 trivial tasks"}
    for s in SIG_SCENARIOS:
        base = pick("signal", "plain", s)
        for v in SIG_VARIANTS:
            cur = pick("signal", v, s)
            if not cur:
                continue
            lat = [r["latency_ms"] for r in cur.values()]
            rounds = [k for k in cur if k in base]
            ratios = [cur[k]["latency_ms"] / base[k]["latency_ms"] for k in rounds]
            q1, q3 = quantiles(lat)
            r1, r3 = quantiles(ratios) if ratios else (0, 0)
            ends = sorted(set(r["status"] for r in cur.values()))
            out.append("| %s | %s | %d | %s | %s [%s–%s] | %s |" % (
                names[s], v, len(lat), ", ".join(ends), fmt(statistics.median(lat)), fmt(q1), fmt(q3),
                "**%.2fx** [%.2f–%.2f]" % (statistics.median(ratios), r1, r3) if ratios else "—"))
    if failed:
        out += ["", "Failed runs (left out of the figures): " + ", ".join(
            "%s %s %s (%s)" % (r["kind"], r["variant"], r["scenario"], r.get("status", "no ready")) for r in failed)]
    return out


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
             "", "### JMH (average time, ns/op; lower is better)", ""]
    lines += jmh_table(args.jmh, goals)
    lines += proc_tables(args.proc, goals)
    lines += ["", "### Goals", "", "| goal | target | measured | |", "|---|---|---|---|"]
    for name, target, measured, met in goals:
        lines.append("| %s | %s | %s | %s |" % (name, target, measured, "met" if met else "**MISSED**"))
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
    p.add_argument("--out", required=True)
    r = sub.add_parser("report")
    r.add_argument("--jmh", required=True)
    r.add_argument("--proc", required=True)
    r.add_argument("--java", required=True)
    r.add_argument("--mode", required=True)
    r.add_argument("--settings", default="")
    r.add_argument("--out", required=True)
    a = ap.parse_args()
    cmd_proc(a) if a.cmd == "proc" else cmd_report(a)


if __name__ == "__main__":
    main()
