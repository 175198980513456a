// The engine benchmark: M/M/c with lambda = 90/s, c = 100, mu = 1/s for a fixed simulated horizon.
//
// Prints events per second of wall time and peak resident memory. Events counted: arrivals,
// retries sent, departures and timeouts fired (not service starts, not stale timers).
//
//   swift run -c release SatsimBench [--horizon SECONDS] [--repeat N] [--json]
import Foundation
import SatsimCore
import SatsimModel

var horizon = 200_000.0
var repeats = 3
var json = false
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    switch argument {
    case "--horizon": horizon = Double(arguments.next() ?? "") ?? horizon
    case "--repeat": repeats = Int(arguments.next() ?? "") ?? repeats
    case "--json": json = true
    default:
        FileHandle.standardError.write("usage: SatsimBench [--horizon SECONDS] [--repeat N] [--json]\n".data(using: .utf8)!)
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

let spec = ScenarioSpec(
    name: "bench-mmc", duration: SimTime(seconds: horizon), seed: 1,
    metricsInterval: SimTime(seconds: 60),
    clients: [ClientSpec(name: "load", target: "station", arrival: .poisson(rate: 90))],
    services: [ServiceSpec(name: "station", instances: 1, workers: 100, serviceTime: .exponential(mean: 1))])

var best = 0.0
var events = 0
var utilization = 0.0
for _ in 0..<repeats {
    let simulation = Simulation(spec: spec)
    let start = DispatchTime.now().uptimeNanoseconds
    let result = simulation.run()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    events = result.eventCount
    utilization = result.services[0].utilization
    best = max(best, Double(result.eventCount) / seconds)
}
let peak = peakResidentBytes()
if json {
    print("{\"model\":\"M/M/c lambda=90 c=100 mu=1\",\"horizon_s\":\(horizon),\"events\":\(events),\"events_per_s\":\(Int(best)),\"peak_rss_bytes\":\(peak),\"utilization\":\(utilization)}")
} else {
    print("M/M/c (lambda 90/s, c 100, mu 1/s), horizon \(Int(horizon)) s simulated")
    print("events:          \(events) (arrivals + departures)")
    print("events/s:        \(String(format: "%.2f", best / 1e6)) M (best of \(repeats))")
    print("peak memory:     \(String(format: "%.1f", Double(peak) / 1_048_576)) MiB")
    print("utilization:     \(String(format: "%.4f", utilization)) (theory 0.9)")
}
