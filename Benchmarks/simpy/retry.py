"""SimPy version of satsim's "retry" reference model (issue 10; Benchmarks/reference/loop.c).

M/M/c with arrival rate 90/s, 100 workers and exponential service of mean 1 s, plus a 5 s client
timeout per attempt and up to 3 retries after a full-jitter backoff U(0, 1 s x 2^k), k = 0, 1, 2.
The server does not know that a client gave up: an abandoned attempt stays queued or in service
and its completion counts as wasted. Events counted as in satsim: new requests, retries sent,
completions and timeouts that fired.

    python3 retry.py [--horizon SECONDS] [--seed N] [--json]
"""
import argparse
import json
import random
import resource
import time

import simpy

ARRIVAL_RATE = 90.0  # 1/s
WORKERS = 100
SERVICE_MEAN = 1.0  # s
TIMEOUT = 5.0  # s
MAX_ATTEMPTS = 4  # one attempt and up to 3 retries
BACKOFF_BASE = 1.0  # s


class Stats:
    def __init__(self):
        self.requests = self.retries = self.completions = self.timeouts = self.wasted = 0
        self.busy = 0
        self.busy_area = 0.0
        self.last_change = 0.0

    def change_busy(self, now, delta):
        self.busy_area += self.busy * (now - self.last_change)
        self.last_change = now
        self.busy += delta


def attempt(env, workers, rng, stats, state):
    """The server's side of one attempt: it queues, is served, and completes even if abandoned."""
    with workers.request() as request:
        yield request
        stats.change_busy(env.now, +1)
        yield env.timeout(rng.expovariate(1 / SERVICE_MEAN))
        stats.change_busy(env.now, -1)
    stats.completions += 1
    if state["abandoned"]:
        stats.wasted += 1


def client_request(env, workers, service_rng, backoff_rng, stats):
    stats.requests += 1
    for k in range(MAX_ATTEMPTS):
        if k > 0:
            stats.retries += 1
        state = {"abandoned": False}
        served = env.process(attempt(env, workers, service_rng, stats, state))
        deadline = env.timeout(TIMEOUT)
        yield served | deadline
        if served.triggered:
            return
        state["abandoned"] = True
        stats.timeouts += 1
        if k + 1 < MAX_ATTEMPTS:
            yield env.timeout(backoff_rng.uniform(0, BACKOFF_BASE * 2 ** k))


def source(env, workers, rngs, stats):
    arrival_rng, service_rng, backoff_rng = rngs
    while True:
        yield env.timeout(arrival_rng.expovariate(ARRIVAL_RATE))
        env.process(client_request(env, workers, service_rng, backoff_rng, stats))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--horizon", type=float, default=2_000.0, help="simulated seconds")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    env = simpy.Environment()
    workers = simpy.Resource(env, capacity=WORKERS)
    stats = Stats()
    rngs = tuple(random.Random(args.seed * 3 + k) for k in range(3))
    env.process(source(env, workers, rngs, stats))

    start = time.perf_counter()
    env.run(until=args.horizon)
    wall = time.perf_counter() - start

    stats.change_busy(args.horizon, 0)
    events = stats.requests + stats.retries + stats.completions + stats.timeouts
    peak_bytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    result = {
        "engine": "SimPy %s" % simpy.__version__, "model": "retry", "horizon_s": args.horizon,
        "events": events, "requests": stats.requests, "retries": stats.retries,
        "completions": stats.completions, "timeouts": stats.timeouts, "wasted": stats.wasted,
        "events_per_s": int(events / wall), "peak_rss_bytes": peak_bytes,
        "utilization": stats.busy_area / (WORKERS * args.horizon),
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print("%-14s %s" % (key + ":", value))


if __name__ == "__main__":
    main()
