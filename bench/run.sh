#!/usr/bin/env bash
# Runs every Terminus benchmark on this machine and prints the results table (markdown), also
# written to bench/results.md (JDK 17) or bench/results-jdkNN.md (any other JDK), or --out FILE,
# with the date, the JDK, nproc and the load average.
#
#   bench/run.sh [--quick] [--no-jmh] [--java PATH/TO/java]... [--out FILE]
#
# --java may be given more than once: each JDK is measured in turn (same build), into its own file.
# Full mode takes about 9 minutes per JDK on 2 cores, --quick about 3 (1.5 without JMH). Builds
# what it needs with Maven (terminus-core, terminus-bench, terminus-cli; tests skipped); needs
# python3, and a C compiler for the bytecode count (left out without one). Measures:
#   1. JMH: Exit.checkpoint() and Terminus.critical(...) against their plain-JDK baselines;
#   2. the same small program under Terminus.run, plain main + JDK hooks, Pekko, Spring Boot:
#      start-to-exit wall time and peak RSS, split into its steps; with class-data archives;
#   3. the start path: classes loaded and bytecodes executed from Terminus.run to the body;
#   4. shutdown latency, SIGTERM to the end of the process, and the exit work of 1,000 tasks;
#   5. 100,000 atExit registrations; the terminus CLI's start (with archives) and its SIGTERM stop.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
jmh=yes
java_bins=()
out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --no-jmh) jmh=no ;;
    --java) java_bins+=("$2"); shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ ${#java_bins[@]} = 0 ]; then
  if [ -n "${JAVA_HOME:-}" ]; then java_bins=("$JAVA_HOME/bin/java"); else java_bins=("$(command -v java)"); fi
fi
if [ -n "$out" ] && [ ${#java_bins[@]} -gt 1 ]; then
  echo "run.sh: --out names one file; with several --java each JDK gets its own" >&2; exit 2
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "run.sh: mvn is required" >&2; exit 1; }

work=bench/out
mkdir -p "$work"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

log "building terminus-core, terminus-bench and terminus-cli (mvn package, tests skipped)"
for attempt in 1 2 3; do
  if mvn -q -B -pl terminus-bench,terminus-cli -am package -DskipTests >"$work/build.log" 2>&1; then break; fi
  if [ "$attempt" = 3 ]; then cat "$work/build.log" >&2; echo "run.sh: build failed" >&2; exit 1; fi
  log "build failed (attempt $attempt), retrying in 30 s"; sleep 30
done
# Private copies: other builds may rewrite terminus-*/target while the benchmarks run.
cp terminus-bench/target/benchmarks.jar "$work/benchmarks.jar"
cp terminus-bench/target/classpath.txt "$work/classpath.txt"
cp terminus-cli/target/terminus.jar "$work/terminus.jar"
jar="$work/benchmarks.jar"
classes="$jar"
classpath="$work/classpath.txt"

if [ "$mode" = full ]; then
  jmh_opts=(-f 3 -wi 3 -w 1s -i 5 -r 1s)
  runs=12; sig_runs=12
else
  jmh_opts=(-f 3 -wi 2 -w 300ms -i 3 -r 300ms)
  runs=4; sig_runs=3
fi

for java_bin in "${java_bins[@]}"; do
  feature="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
  [ -n "$feature" ] || { echo "run.sh: cannot run $java_bin" >&2; exit 1; }
  dest="$out"
  if [ -z "$dest" ]; then
    if [ "$feature" = 17 ]; then dest=bench/results.md; else dest="bench/results-jdk$feature.md"; fi
  fi
  tag="jdk$feature"
  log "JDK $feature ($java_bin) -> $dest"

  # The bytecode counter: a JVMTI agent, built against this JDK's headers when there is a compiler.
  agent=""
  home="$(dirname "$(dirname "$(readlink -f "$java_bin")")")"
  if command -v cc >/dev/null && [ -f "$home/include/jvmti.h" ]; then
    if cc -O2 -shared -fPIC -I"$home/include" -I"$home/include/linux" -o "$work/libbytecodes-$tag.so" \
      bench/agent/bytecodes.c 2>"$work/agent-$tag.log"; then
      agent="$work/libbytecodes-$tag.so"
    else
      log "the bytecode-counting agent did not build (see $work/agent-$tag.log); no bytecode count"
    fi
  else
    log "no C compiler or no jvmti.h under $home: no bytecode count"
  fi

  jmh_args=()
  if [ "$jmh" = yes ]; then
    log "JMH (${jmh_opts[*]}), 12 benchmarks; log in $work/jmh-$tag.log"
    "$java_bin" -jar "$jar" "${jmh_opts[@]}" -rf json -rff "$work/jmh-$tag.json" \
      'dev.terminus.bench.(CheckpointBench|CriticalBench)' >"$work/jmh-$tag.log" 2>&1 \
      || { tail -40 "$work/jmh-$tag.log" >&2; exit 1; }
    jmh_args=(--jmh "$work/jmh-$tag.json")
  fi

  log "whole-process runs: $runs rounds start-to-exit, $sig_runs rounds SIGTERM latency, interleaved"
  python3 bench/bench.py proc --java "$java_bin" --classes "$classes" --classpath "$classpath" \
    --cli-jar "$work/terminus.jar" --agent "$agent" \
    --runs "$runs" --sig-runs "$sig_runs" --out "$work/proc-$tag.json"

  settings="$runs start-to-exit rounds, $sig_runs SIGTERM rounds"
  [ "$jmh" = yes ] && settings="JMH ${jmh_opts[*]}; $settings"
  python3 bench/bench.py report "${jmh_args[@]}" --proc "$work/proc-$tag.json" --java "$java_bin" \
    --mode "$mode" --settings "$settings" --out "$dest"
  log "written to $dest"
done
