// The engine benchmark: the reference models of issue 10 for a fixed simulated horizon.
//
//   plain: M/M/c with lambda = 90/s, c = 100, mu = 1/s, one unbounded FIFO queue.
//   retry: the same with a 5 s client timeout and up to 3 retries after a full-jitter backoff
//          U(0, 1 s x 2^k); the server serves abandoned attempts anyway (wasted work).
//
// Prints events per second of wall time and peak resident memory. Events counted: arrivals,
// retries sent, departures and timeouts fired (not service starts, not stale timers). The same
// models written as a tight C loop are in Benchmarks/reference/loop.c; with the same seed both
// simulate the same sample path, so their counts agree.
//
//   swift run -c release SatsimBench [--model plain|retry] [--horizon SECONDS] [--repeat N] [--json]
import Foundation
import SatsimCore
import SatsimModel

var horizon = 200_000.0
var repeats = 3
var json = false
var model = "plain"
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--horizon": horizon = Double(arguments.next() ?? "") ?? horizon
    case "--repeat": repeats = Int(arguments.next() ?? "") ?? repeats
    case "--json": json = true
    case "--model": model = arguments.next() ?? model
    default:
        FileHandle.standardError.write("usage: SatsimBench [--model plain|retry] [--horizon SECONDS] [--repeat N] [--json]\n".data(using: .utf8)!)
        exit(2)
    }
}

/// Peak resident set size of this process [bytes], from /proc (Linux).
func peakResidentBytes() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
        return kb * 1024
    }
    return 0
}

var client = ClientSpec(name: "load", target: "station", arrival: .poisson(rate: 90))
switch model {
case "plain": break
case "retry":
    client.timeout = SimTime(seconds: 5)
    client.retry = RetrySpec(
        maxAttempts: 4, on: [.timeout], backoff: BackoffSpec(base: SimTime(seconds: 1), multiplier: 2, jitter: .full))
default:
    FileHandle.standardError.write("unknown model \(model): plain or retry\n".data(using: .utf8)!)
    exit(2)
}
let spec = ScenarioSpec(
    name: "bench-\(model)", duration: SimTime(seconds: horizon), seed: 1,
    metricsInterval: SimTime(seconds: 60),
    clients: [client],
    services: [ServiceSpec(name: "station", instances: 1, workers: 100, serviceTime: .exponential(mean: 1))])

var best = 0.0
var events = 0
var utilization = 0.0
var last: SimulationResult?
for _ in 0..<repeats {
    let simulation = Simulation(spec: spec)
    let start = DispatchTime.now().uptimeNanoseconds
    let result = simulation.run()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
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
let completions = last?.services[0].completions ?? 0
let wasted = last?.services[0].wasted ?? 0
if json {
    print("{\"engine\":\"satsim\",\"model\":\"\(model)\",\"horizon_s\":\(horizon),\"events\":\(events),\"requests\":\(requests),\"retries\":\(retries),\"completions\":\(completions),\"timeouts\":\(timeouts),\"wasted\":\(wasted),\"events_per_s\":\(Int(best)),\"peak_rss_bytes\":\(peak),\"utilization\":\(utilization)}")
} else {
    print("\(model) model: M/M/c (lambda 90/s, c 100, mu 1/s)\(model == "retry" ? " with 5 s timeout and 3 jittered retries" : ""), horizon \(Int(horizon)) s simulated")
    print("events:          \(events) (\(requests) requests + \(retries) retries + \(completions) completions + \(timeouts) timeouts)")
    print("events/s:        \(String(format: "%.2f", best / 1e6)) M (best of \(repeats))")
    print("peak memory:     \(String(format: "%.1f", Double(peak) / 1_048_576)) MiB")
    print("utilization:     \(String(format: "%.4f", utilization)) (theory 0.9)")
}
