#!/usr/bin/env bash
# satsim against a tight hand-written C loop (Benchmarks/reference/loop.c) and SimPy on the two
# reference models of issue 10, "plain" (M/M/c: Poisson 90/s, 100 workers, exponential service of
# mean 1 s, unbounded FIFO) and "retry" (plus a 5 s client timeout and up to 3 full-jitter retries).
#
#   Benchmarks/compare.sh              # speed, memory and instructions per event, both models
#
# Every figure is for the whole process (start-up and exit included), at the same horizon for C and
# satsim, which run back to back so that both see the same load on a shared machine:
#   events/s        counted events / elapsed wall time of the process, best of REPEAT (timed with
#                   Python's perf_counter: /usr/bin/time resolves 10 ms, a 5% step on a 0.2 s run)
#   peak MiB        maximum resident set of the process (/usr/bin/time -v)
#   instr/event     instructions of the whole process under callgrind / counted events; not affected
#                   by load, so the steadiest figure on a shared machine
#   x C, x SimPy    events/s relative to the C loop and to SimPy (SimPy runs a shorter horizon: it is
#                   ~50x slower, and its rate does not depend on the horizon)
# Counted events: new requests, retries sent, completions, timeouts fired. C and satsim draw the
# same random streams, so their counts agree exactly; the script checks that.
#
# Environment: HORIZON (simulated s for C and satsim, default 20000), SIMPY_HORIZON (default 1000),
# CALLGRIND_HORIZON (default 20000, the horizon issue 10 measured at, where start-up is 1-2% of
# the count; 0 skips callgrind), REPEAT (default 3), MODELS (default
# "plain retry graph sweep"; graph is the 4-service graph, sweep a 64-run sweep through the
# sweep runner and results store with --jobs 1 (SatsimSweepBench --json), both satsim only), SATSIM_BENCH (a SatsimBench binary to measure instead of building one, e.g. an
# older commit's for a before/after comparison), STATIC (1: build SatsimBench with the Swift
# standard library linked in, `--static-swift-stdlib`, as a deployed binary would be; it saves
# the dynamic loader's work at start-up, about 1.3 ms of each run). Needs cc, /usr/bin/time,
# valgrind, python3 + simpy.
set -euo pipefail
cd "$(dirname "$0")/.."

HORIZON=${HORIZON:-20000}
SIMPY_HORIZON=${SIMPY_HORIZON:-1000}
CALLGRIND_HORIZON=${CALLGRIND_HORIZON:-20000}
REPEAT=${REPEAT:-3}
MODELS=${MODELS:-plain retry graph sweep}

for tool in cc /usr/bin/time python3; do
    command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install -y build-essential time python3)" >&2; exit 1; }
done
if [ "$CALLGRIND_HORIZON" != 0 ]; then
    command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install -y valgrind" >&2; exit 1; }
fi
python3 -c 'import simpy' 2>/dev/null || { echo "SimPy is missing: pip install simpy" >&2; exit 1; }

out=.build/bench-compare
mkdir -p "$out"
cc -O2 -ffp-contract=off -o "$out/loop" Benchmarks/reference/loop.c -lm
if [ -z "${SATSIM_BENCH:-}" ] && [ "${STATIC:-0}" = 1 ]; then
    echo "building SatsimBench (release, static Swift standard library)..." >&2
    static=(-c release --static-swift-stdlib --scratch-path .build/static-stdlib)
    swift build "${static[@]}" --product SatsimBench >&2
    SATSIM_BENCH="$(swift build "${static[@]}" --show-bin-path)/SatsimBench"
elif [ -z "${SATSIM_BENCH:-}" ]; then
    echo "building SatsimBench (release)..." >&2
    swift build -c release --product SatsimBench >&2
    SATSIM_BENCH="$(swift build -c release --show-bin-path)/SatsimBench"
fi
if [ -z "${SATSIM_SWEEP_BENCH:-}" ] && [[ " $MODELS " == *" sweep "* ]]; then
    echo "building SatsimSweepBench (release)..." >&2
    swift build -c release --product SatsimSweepBench >&2
    SATSIM_SWEEP_BENCH="$(swift build -c release --show-bin-path)/SatsimSweepBench"
fi

# run NAME COMMAND...: one whole-process run; appends {"json":..., "wall":s, "rss":KiB} to $out/NAME.
# /usr/bin/time -v gives the peak resident set (a child forked from Python would count Python's
# pages in its own maximum); Python's perf_counter around it gives the wall time (time -v's
# resolves 10 ms), which includes time's own fork and exec, the same for every program measured.
run() {
    local name=$1; shift
    python3 - "$out/stdout.txt" "$out/time.txt" "$@" >>"$out/$name" <<'PY'
import json, re, subprocess, sys, time
with open(sys.argv[1], "w") as stdout:
    start = time.perf_counter()
    subprocess.run(["/usr/bin/time", "-v", "-o", sys.argv[2]] + sys.argv[3:], stdout=stdout, check=True)
    wall = time.perf_counter() - start
result = json.loads(open(sys.argv[1]).read().strip().splitlines()[-1])
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(sys.argv[2]).read()).group(1))
print(json.dumps({"json": result, "wall": wall, "rss": rss}))
PY
}

# instructions COMMAND...: the whole process's instruction count under callgrind.
instructions() {
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >"$out/cg-stdout.txt" |
        sed -nE 's/.*Collected : ([0-9]+).*/\1/p'
    cat "$out/cg-stdout.txt" >&2
}

for model in $MODELS; do
    rm -f "$out/c-$model" "$out/satsim-$model" "$out/simpy-$model" "$out/cg-$model"
    if [ "$model" = sweep ]; then
        # satsim only: 64 runs of a small storm, each simulated, judged and committed to a store.
        echo "sweep: satsim, 64 runs, $REPEAT rounds..." >&2
        for _ in $(seq "$REPEAT"); do
            run "satsim-sweep" "$SATSIM_SWEEP_BENCH" --json --jobs 1
        done
        if [ "$CALLGRIND_HORIZON" != 0 ]; then
            echo "sweep: callgrind..." >&2
            # Valgrind 3.19 gives up on this binary's debug information (it links Foundation and
            # SQLite); a stripped copy runs the same code.
            strip -o "$out/sweep-stripped" "$SATSIM_SWEEP_BENCH"
            s_ir=$(instructions "$out/sweep-stripped" --json --jobs 1 2>"$out/cg-s.json")
            python3 -c 'import json, sys; e = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])["events"]; print(json.dumps({"satsim": int(sys.argv[1]) / e}))' \
                "$s_ir" "$out/cg-s.json" >"$out/cg-sweep"
        fi
        continue
    fi
    if [ "$model" = graph ]; then
        # satsim only: the C loop and SimPy implement the two reference models alone.
        echo "graph: satsim, horizon $HORIZON s, $REPEAT rounds..." >&2
        for _ in $(seq "$REPEAT"); do
            run "satsim-graph" "$SATSIM_BENCH" --model graph --horizon "$HORIZON" --repeat 1 --json
        done
        if [ "$CALLGRIND_HORIZON" != 0 ]; then
            echo "graph: callgrind, horizon $CALLGRIND_HORIZON s..." >&2
            s_ir=$(instructions "$SATSIM_BENCH" --model graph --horizon "$CALLGRIND_HORIZON" --repeat 1 --json 2>"$out/cg-s.json")
            python3 -c 'import json, sys; e = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])["events"]; print(json.dumps({"satsim": int(sys.argv[1]) / e}))' \
                "$s_ir" "$out/cg-s.json" >"$out/cg-graph"
        fi
        continue
    fi
    echo "$model: C and satsim back to back, horizon $HORIZON s, $REPEAT rounds..." >&2
    for _ in $(seq "$REPEAT"); do
        run "c-$model" "$out/loop" --model "$model" --horizon "$HORIZON"
        run "satsim-$model" "$SATSIM_BENCH" --model "$model" --horizon "$HORIZON" --repeat 1 --json
    done
    script=Benchmarks/simpy/retry.py
    [ "$model" = plain ] && script=Benchmarks/simpy/mmc.py
    echo "$model: SimPy, horizon $SIMPY_HORIZON s..." >&2
    for _ in $(seq "$REPEAT"); do
        run "simpy-$model" python3 "$script" --horizon "$SIMPY_HORIZON" --json
    done
    if [ "$CALLGRIND_HORIZON" != 0 ]; then
        echo "$model: callgrind, horizon $CALLGRIND_HORIZON s..." >&2
        c_ir=$(instructions "$out/loop" --model "$model" --horizon "$CALLGRIND_HORIZON" 2>"$out/cg-c.json")
        s_ir=$(instructions "$SATSIM_BENCH" --model "$model" --horizon "$CALLGRIND_HORIZON" --repeat 1 --json 2>"$out/cg-s.json")
        python3 - "$c_ir" "$s_ir" "$out/cg-c.json" "$out/cg-s.json" >"$out/cg-$model" <<'PY'
import json, sys
c_ir, s_ir = int(sys.argv[1]), int(sys.argv[2])
c_events = json.loads(open(sys.argv[3]).read().strip().splitlines()[-1])["events"]
s_events = json.loads(open(sys.argv[4]).read().strip().splitlines()[-1])["events"]
print(json.dumps({"c": c_ir / c_events, "satsim": s_ir / s_events}))
PY
    fi
done

python3 - "$out" "$HORIZON" "$SIMPY_HORIZON" "$CALLGRIND_HORIZON" $MODELS <<'PY'
import json, os, sys
out, horizon, simpy_horizon, cg_horizon, models = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def load(name):
    runs = [json.loads(line) for line in open(os.path.join(out, name)) if line.strip()]
    for r in runs:
        r["rate"] = r["json"]["events"] / r["wall"]
    return max(runs, key=lambda r: r["rate"])
print("whole process, best of runs; C and satsim at %s s, SimPy at %s s, callgrind at %s s; %s, %d cores"
      % (horizon, simpy_horizon, cg_horizon, os.uname().machine, os.cpu_count()))
print("%-6s %-7s %11s %8s %12s %9s %11s %7s %8s" % (
    "model", "engine", "events", "wall s", "events/s", "peak MiB", "instr/event", "x C", "x SimPy"))
for model in models:
    cg_path = os.path.join(out, "cg-" + model)
    cg = json.load(open(cg_path)) if cg_horizon != "0" and os.path.exists(cg_path) else {}
    if model == "sweep":
        s = load("satsim-sweep")
        print("%-6s %-7s %11d %8.2f %12.0f %9.1f %11s %7s %8s   %.1f runs/s (64 runs, --jobs 1, with the store)" % (
            model, "satsim", s["json"]["events"], s["wall"], s["rate"], s["rss"] / 1024,
            "%.0f" % cg["satsim"] if cg else "-", "-", "-", s["json"]["runs"] / s["wall"]))
        continue
    if model == "graph":
        s = load("satsim-graph")
        print("%-6s %-7s %11d %8.2f %12.0f %9.1f %11s %7s %8s" % (
            model, "satsim", s["json"]["events"], s["wall"], s["rate"], s["rss"] / 1024,
            "%.0f" % cg["satsim"] if cg else "-", "-", "-"))
        continue
    c, s, p = load("c-" + model), load("satsim-" + model), load("simpy-" + model)
    keys = ("requests", "retries", "completions", "timeouts")
    same = all(c["json"][k] == s["json"][k] for k in keys)
    for name, r, ir in (("C", c, cg.get("c")), ("satsim", s, cg.get("satsim")), ("SimPy", p, None)):
        print("%-6s %-7s %11d %8.3f %12.0f %9.1f %11s %7.3f %8.1f" % (
            model, name, r["json"]["events"], r["wall"], r["rate"], r["rss"] / 1024,
            "%.0f" % ir if ir else "-", r["rate"] / c["rate"], r["rate"] / p["rate"]))
    if cg:
        print("%-6s satsim / C instructions per event: %.2f" % (model, cg["satsim"] / cg["c"]))
    print("%-6s C and satsim counts %s" % (model, "agree" if same else "DIFFER: " + str(
        [(k, c["json"][k], s["json"][k]) for k in keys])))
PY
