#!/usr/bin/env bash
# Engine benchmark: satsim's M/M/c (Benchmarks/SatsimBench) against the same model in SimPy
# (Benchmarks/simpy/mmc.py), then optionally satsim's heap allocations at two horizons.
#
#   Benchmarks/run.sh            # speed and memory table
#   Benchmarks/run.sh --alloc    # ... plus allocation counts under valgrind (about 1 minute more)
#
# Environment: SATSIM_HORIZON (simulated s, default 200000), SIMPY_HORIZON (default 2000: SimPy is
# ~30x slower, so it gets a shorter run; rates are per event, so they compare), REPEAT (default 3,
# best of). Needs swift, python3 with simpy (pip install simpy), and valgrind for --alloc.
set -euo pipefail
cd "$(dirname "$0")/.."

SATSIM_HORIZON=${SATSIM_HORIZON:-200000}
SIMPY_HORIZON=${SIMPY_HORIZON:-2000}
REPEAT=${REPEAT:-3}
ALLOC=0
for arg in "$@"; do
    case "$arg" in
        --alloc) ALLOC=1 ;;
        *) echo "usage: Benchmarks/run.sh [--alloc]" >&2; exit 2 ;;
    esac
done

python3 -c 'import simpy' 2>/dev/null || { echo "SimPy is missing: pip install simpy" >&2; exit 1; }

echo "building SatsimBench (release)..." >&2
swift build -c release --product SatsimBench >&2
bench="$(swift build -c release --show-bin-path)/SatsimBench"

echo "running satsim, horizon ${SATSIM_HORIZON} s, best of ${REPEAT}..." >&2
satsim_json=$("$bench" --horizon "$SATSIM_HORIZON" --repeat "$REPEAT" --json)

echo "running SimPy, horizon ${SIMPY_HORIZON} s, best of ${REPEAT}..." >&2
simpy_runs=()
for _ in $(seq "$REPEAT"); do
    simpy_runs+=("$(python3 Benchmarks/simpy/mmc.py --horizon "$SIMPY_HORIZON" --json)")
done
simpy_json=$(printf '%s\n' "${simpy_runs[@]}" | python3 -c '
import json, sys
runs = [json.loads(line) for line in sys.stdin if line.strip()]
print(json.dumps(max(runs, key=lambda r: r["events_per_s"])))')

python3 - "$satsim_json" "$simpy_json" <<'PY'
import json, os, sys
satsim, simpy = (json.loads(a) for a in sys.argv[1:3])
print()
print("M/M/c, lambda 90/s, c 100, mu 1/s; events = arrivals + departures; %s, %d cores"
      % (os.uname().machine, os.cpu_count()))
print("%-8s %12s %12s %14s %10s %12s" % ("engine", "horizon [s]", "events", "events/s", "peak MiB", "utilization"))
for name, r in (("satsim", satsim), ("SimPy", simpy)):
    print("%-8s %12d %12d %14d %10.1f %12.4f" % (
        name, r["horizon_s"], r["events"], r["events_per_s"], r["peak_rss_bytes"] / 1048576, r["utilization"]))
print("satsim / SimPy events per second: %.1fx" % (satsim["events_per_s"] / simpy["events_per_s"]))
PY

if [ "$ALLOC" = 1 ]; then
    command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
    echo
    echo "heap allocations (valgrind memcheck, one run each; metrics interval 60 s)..." >&2
    results=()
    for horizon in 2000 20000; do
        out=$(valgrind --tool=memcheck --leak-check=no "$bench" --horizon "$horizon" --repeat 1 --json 2>&1)
        events=$(printf '%s\n' "$out" | grep -o '"events":[0-9]*' | cut -d: -f2)
        allocs=$(printf '%s\n' "$out" | grep 'total heap usage' | sed -E 's/.*usage: ([0-9,]+) allocs.*/\1/' | tr -d ,)
        results+=("$horizon $events $allocs")
    done
    printf '%s\n' "${results[@]}" | python3 -c '
import sys
rows = [tuple(int(x) for x in line.split()) for line in sys.stdin if line.strip()]
print("%-12s %10s %12s %8s %14s" % ("horizon [s]", "intervals", "events", "allocs", "allocs/event"))
for h, e, a in rows:
    print("%-12d %10d %12d %8d %14.6f" % (h, h // 60, e, a, a / e))
(h1, e1, a1), (h2, e2, a2) = rows
print("growth: %d more allocations for %d more events and %d more metrics intervals:"
      % (a2 - a1, e2 - e1, h2 // 60 - h1 // 60))
print("  %.2g per extra event, %.2f per extra interval" % ((a2 - a1) / (e2 - e1), (a2 - a1) / (h2 // 60 - h1 // 60)))'
fi
