// The engine benchmark: the reference models of issue 10 for a fixed simulated horizon.
//
//   plain: M/M/c with lambda = 90/s, c = 100, mu = 1/s, one unbounded FIFO queue.
//   retry: the same with a 5 s client timeout and up to 3 retries after a full-jitter backoff
//          U(0, 1 s x 2^k); the server serves abandoned attempts anyway (wasted work).
//   graph: four services (gateway -> auth, catalog -> db) with health checks, an autoscaler, a
//          cache, call timeouts and retries (see graphSpec); no C or SimPy counterpart.
//
// Prints events per second of wall time and peak resident memory. Events counted: arrivals,
// retries sent, departures and timeouts fired (not service starts, not stale timers). The same
// models written as a tight C loop are in Benchmarks/reference/loop.c; with the same seed both
// simulate the same sample path, so their counts agree.
//
//   swift run -c release SatsimBench [--model plain|retry|graph] [--horizon SECONDS] [--interval SECONDS] [--repeat N] [--json]
//
// Glibc, not Foundation: the engine needs nothing from Foundation, and loading it (with ICU)
// costs a whole-process measurement about 5 ms of dynamic linking per run that the C loop does
// not pay.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SatsimCore
import SatsimModel

var horizon = 200_000.0
var repeats = 3
var json = false
var model = "plain"
/// The metrics interval [s]: 60 for the reference figures; scenarios default to 1.
var interval = 60.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--horizon": horizon = Double(arguments.next() ?? "") ?? horizon
    case "--repeat": repeats = Int(arguments.next() ?? "") ?? repeats
    case "--json": json = true
    case "--model": model = arguments.next() ?? model
    case "--interval": interval = Double(arguments.next() ?? "").flatMap { $0 > 0 ? $0 : nil } ?? interval
    default:
        fail("usage: SatsimBench [--model plain|retry|graph] [--horizon SECONDS] [--interval SECONDS] [--repeat N] [--json]")
    }
}

/// Prints `message` to standard error and exits with status 2.
func fail(_ message: String) -> Never {
    let line = message + "\n"
    _ = line.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(2)
}

/// Peak resident set size of this process [bytes]: getrusage's ru_maxrss, which Linux reports
/// in KiB (the same figure as VmHWM in /proc/self/status) and macOS in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    #if os(Linux)
    guard getrusage(RUSAGE_SELF.rawValue, &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss) * 1024
    #else
    guard getrusage(RUSAGE_SELF, &usage) == 0 else { return 0 }
    return Int(usage.ru_maxrss)
    #endif
}

/// Monotonic time [ns].
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

/// `value` with `digits` decimals (rounded half away from zero), without Foundation's
/// `String(format:)`.
func fixed(_ value: Double, _ digits: Int) -> String {
    var scale = 1.0
    for _ in 0..<digits { scale *= 10 }
    let scaled = (abs(value) * scale).rounded()
    let whole = Int(scaled / scale)
    let fraction = Int(scaled - Double(whole) * scale)
    var text = String(fraction)
    while text.count < digits { text = "0" + text }
    return (value < 0 && scaled > 0 ? "-" : "") + String(whole) + (digits > 0 ? "." + text : "")
}

/// The 4-service graph: a gateway calls auth and catalog; catalog has a cache and calls the
/// database on a miss. Health checks on the gateway and the database, an autoscaler on auth,
/// timeouts and retries on the client and on every call. About 20% of the gateway's workers are
/// busy, so nothing saturates: the figure is the cost of the features, not of a collapse.
func graphSpec(horizon: Double, interval: Double) -> ScenarioSpec {
    let seconds = { (s: Double) in SimTime(seconds: s) }
    let retry = RetrySpec(maxAttempts: 3, on: [.timeout, .error], backoff: BackoffSpec(base: seconds(0.05), jitter: .full))
    let health = HealthCheckSpec(interval: seconds(5), timeout: seconds(1))
    let client = ClientSpec(
        name: "users", target: "gateway", arrival: .poisson(rate: 200), timeout: seconds(2), retry: retry)
    let services = [
        ServiceSpec(
            name: "gateway", instances: 4, workers: 16, serviceTime: .exponential(mean: 0.01),
            calls: [CallSpec(service: "auth", timeout: seconds(0.5), retry: retry),
                    CallSpec(service: "catalog", timeout: seconds(1), retry: retry)],
            healthCheck: health),
        ServiceSpec(
            name: "auth", instances: 2, workers: 8, serviceTime: .exponential(mean: 0.005), bootTime: seconds(30),
            autoscaler: AutoscalerSpec(
                policy: .targetTracking, metric: .utilization, target: 0.6, interval: seconds(15), min: 2, max: 8)),
        ServiceSpec(
            name: "catalog", instances: 2, workers: 32, serviceTime: .lognormal(mean: 0.05, cv: 1),
            calls: [CallSpec(service: "db", timeout: seconds(0.5))],
            cache: CacheSpec(keys: 10_000, zipf: 1, capacity: 2_000, ttl: seconds(60))),
        ServiceSpec(
            name: "db", instances: 2, workers: 16, serviceTime: .exponential(mean: 0.02), balancer: .leastOutstanding,
            healthCheck: health),
    ]
    return ScenarioSpec(
        name: "bench-graph", duration: seconds(horizon), seed: 1, metricsInterval: seconds(interval),
        clients: [client], services: services)
}

var client = ClientSpec(name: "load", target: "station", arrival: .poisson(rate: 90))
switch model {
case "plain", "graph": break
case "retry":
    client.timeout = SimTime(seconds: 5)
    client.retry = RetrySpec(
        maxAttempts: 4, on: [.timeout], backoff: BackoffSpec(base: SimTime(seconds: 1), multiplier: 2, jitter: .full))
default:
    fail("unknown model \(model): plain, retry or graph")
}
let spec = model == "graph" ? graphSpec(horizon: horizon, interval: interval) : ScenarioSpec(
    name: "bench-\(model)", duration: SimTime(seconds: horizon), seed: 1,
    metricsInterval: SimTime(seconds: interval),
    clients: [client],
    services: [ServiceSpec(name: "station", instances: 1, workers: 100, serviceTime: .exponential(mean: 1))])

var best = 0.0
var events = 0
var utilization = 0.0
var last: SimulationResult?
for _ in 0..<repeats {
    let simulation = Simulation(spec: spec)
    let start = monotonicNanoseconds()
    let result = simulation.run()
    let seconds = Double(monotonicNanoseconds() - start) * 1e-9
    events = result.eventCount
    utilization = result.services[0].utilization
    last = result
    best = max(best, Double(result.eventCount) / seconds)
}
let peak = peakResidentBytes()
let clientSummary = last?.clients[0]
let requests = clientSummary?.requests ?? 0
let retries = (clientSummary?.attempts ?? 0) - requests
let timeouts = clientSummary?.attemptOutcomes["timeout"] ?? 0
let completions = last?.services.reduce(0) { $0 + $1.completions } ?? 0
let wasted = last?.services.reduce(0) { $0 + $1.wasted } ?? 0
if json {
    print("{\"engine\":\"satsim\",\"model\":\"\(model)\",\"horizon_s\":\(horizon),\"events\":\(events),\"requests\":\(requests),\"retries\":\(retries),\"completions\":\(completions),\"timeouts\":\(timeouts),\"wasted\":\(wasted),\"events_per_s\":\(Int(best)),\"peak_rss_bytes\":\(peak),\"utilization\":\(utilization)}")
} else {
    let title = model == "graph"
        ? "4-service graph (health checks, autoscaler, cache)"
        : "M/M/c (lambda 90/s, c 100, mu 1/s)\(model == "retry" ? " with 5 s timeout and 3 jittered retries" : "")"
    print("\(model) model: \(title), horizon \(Int(horizon)) s simulated")
    let other = events - requests - retries - completions - timeouts
    print("events:          \(events) (\(requests) requests + \(retries) retries + \(completions) completions + \(timeouts) timeouts\(other > 0 ? " + \(other) health-check and autoscaler rounds" : ""))")
    print("events/s:        \(fixed(best / 1e6, 2)) M (best of \(repeats))")
    print("peak memory:     \(fixed(Double(peak) / 1_048_576, 1)) MiB")
    print("utilization:     \(fixed(utilization, 4))\(model == "graph" ? " (first service)" : " (theory 0.9, more with retries)")")
}
