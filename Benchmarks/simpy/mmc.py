"""SimPy reference model for satsim's engine benchmark (Benchmarks/SatsimBench/main.swift).

M/M/c with arrival rate lambda = 90/s, c = 100 workers and service rate mu = 1/s (utilization
0.9), written the idiomatic SimPy way: a Resource with capacity c, a source process that spawns
one customer process per arrival. Counted events are the same as satsim's: arrivals and
departures within the simulated horizon (not service starts).

    python3 mmc.py [--horizon SECONDS] [--seed N] [--json]

Prints events, events per second of wall time, peak resident memory (ru_maxrss) and the
measured utilization (time-average busy workers / c).
"""
import argparse
import json
import random
import resource
import time

import simpy

ARRIVAL_RATE = 90.0  # lambda [1/s]
WORKERS = 100  # c
SERVICE_RATE = 1.0  # mu [1/s]


class Stats:
    """Event counts and the integral of busy workers over time (for utilization)."""

    def __init__(self):
        self.arrivals = 0
        self.departures = 0
        self.busy = 0
        self.busy_area = 0.0
        self.last_change = 0.0

    def change_busy(self, now, delta):
        self.busy_area += self.busy * (now - self.last_change)
        self.last_change = now
        self.busy += delta


def customer(env, workers, rng, stats):
    with workers.request() as request:
        yield request
        stats.change_busy(env.now, +1)
        yield env.timeout(rng.expovariate(SERVICE_RATE))
        stats.change_busy(env.now, -1)
    stats.departures += 1


def source(env, workers, rng, stats):
    while True:
        yield env.timeout(rng.expovariate(ARRIVAL_RATE))
        stats.arrivals += 1
        env.process(customer(env, workers, rng, stats))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=float, default=2_000.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    env = simpy.Environment()
    workers = simpy.Resource(env, capacity=WORKERS)
    stats = Stats()
    env.process(source(env, workers, random.Random(args.seed), stats))

    start = time.perf_counter()
    env.run(until=args.horizon)
    wall = time.perf_counter() - start

    stats.change_busy(args.horizon, 0)
    events = stats.arrivals + stats.departures
    utilization = stats.busy_area / (WORKERS * args.horizon)
    peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    if args.json:
        print(json.dumps({
            "model": "M/M/c lambda=90 c=100 mu=1 (SimPy %s)" % simpy.__version__,
            "horizon_s": args.horizon, "events": events, "events_per_s": int(events / wall),
            "peak_rss_bytes": peak_bytes, "utilization": utilization,
        }))
    else:
        print("M/M/c (lambda 90/s, c 100, mu 1/s) in SimPy %s, horizon %d s simulated"
              % (simpy.__version__, args.horizon))
        print("events:          %d (arrivals + departures)" % events)
        print("events/s:        %.3f M" % (events / wall / 1e6))
        print("peak memory:     %.1f MiB" % (peak_bytes / 1048576))
        print("utilization:     %.4f (theory 0.9)" % utilization)


if __name__ == "__main__":
    main()
