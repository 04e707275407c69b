#!/usr/bin/env bash
# Runs every Terminus benchmark on this machine and prints the results table (markdown), also
# written to bench/results.md (or --out FILE) with the date, the JDK and nproc.
#
#   bench/run.sh [--quick] [--java PATH/TO/java] [--out FILE]
#
# Full mode takes about 12 minutes on 2 cores, --quick about 4. Builds what it needs with Maven
# (terminus-core and terminus-bench, tests skipped); needs python3. Measures:
#   1. JMH: Exit.checkpoint() and Terminus.critical(...) against their plain-JDK baselines;
#   2. the same small program under Terminus.run, plain main + JDK hooks, Pekko, Spring Boot:
#      start-to-exit wall time and peak RSS;
#   3. shutdown latency, SIGTERM to the end of the process, for the same variants.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=full
java_bin=""
out=bench/results.md
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) mode=quick ;;
    --java) java_bin="$2"; shift ;;
    --out) out="$2"; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument: $1 (try --help)" >&2; exit 2 ;;
  esac
  shift
done
if [ -z "$java_bin" ]; then
  if [ -n "${JAVA_HOME:-}" ]; then java_bin="$JAVA_HOME/bin/java"; else java_bin="$(command -v java)"; fi
fi
command -v python3 >/dev/null || { echo "run.sh: python3 is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "run.sh: mvn is required" >&2; exit 1; }

work=bench/out
mkdir -p "$work"
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

log "building terminus-core and terminus-bench (mvn package, tests skipped)"
for attempt in 1 2 3; do
  if mvn -q -B -pl terminus-bench -am package -DskipTests >"$work/build.log" 2>&1; then break; fi
  if [ "$attempt" = 3 ]; then cat "$work/build.log" >&2; echo "run.sh: build failed" >&2; exit 1; fi
  log "build failed (attempt $attempt), retrying in 30 s"; sleep 30
done
# Private copies: other builds may rewrite terminus-*/target while the benchmarks run.
cp terminus-bench/target/benchmarks.jar "$work/benchmarks.jar"
cp terminus-bench/target/classpath.txt "$work/classpath.txt"
jar="$work/benchmarks.jar"
classes="$jar"
classpath="$work/classpath.txt"

if [ "$mode" = full ]; then
  jmh_opts=(-f 3 -wi 3 -w 1s -i 5 -r 1s)
  runs=10; sig_runs=10
else
  jmh_opts=(-f 3 -wi 2 -w 300ms -i 3 -r 300ms)
  runs=4; sig_runs=3
fi

log "JMH (${jmh_opts[*]}), 12 benchmarks; log in $work/jmh.log"
"$java_bin" -jar "$jar" "${jmh_opts[@]}" -rf json -rff "$work/jmh.json" \
  'dev.terminus.bench.(CheckpointBench|CriticalBench)' >"$work/jmh.log" 2>&1 \
  || { tail -40 "$work/jmh.log" >&2; exit 1; }

log "whole-process runs: $runs rounds start-to-exit, $sig_runs rounds SIGTERM latency, interleaved"
python3 bench/bench.py proc --java "$java_bin" --classes "$classes" --classpath "$classpath" \
  --runs "$runs" --sig-runs "$sig_runs" --out "$work/proc.json"

python3 bench/bench.py report --jmh "$work/jmh.json" --proc "$work/proc.json" --java "$java_bin" \
  --mode "$mode" --settings "JMH ${jmh_opts[*]}; $runs start-to-exit rounds, $sig_runs SIGTERM rounds" \
  --out "$out"
log "written to $out"
