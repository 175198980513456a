// Sweep benchmark (issue 8): a 64-run sweep with 2 jobs against 1, and what the results store
// adds to a sweep of short runs. Prints one table; Benchmarks/sweep.md records the figures.
//
//   swift build -c release --product SatsimSweepBench
//   .build/release/SatsimSweepBench [--repeat N]
import Foundation
import Synchronization
import SatsimModel
import SatsimScenario
import SatsimSweep

/// compare's small storm: 60 s at 150 requests/s, a 5 s spike, retries: a short run (a few ms in
/// a release build), the case where a per-run commit weighs the most.
let scenario = """
    name: small-storm
    description: A small API tipped over by a short spike; retries at once keep it down.
    duration: 60s
    warmup: 5s
    seed: 7
    clients:
      users:
        target: api
        arrival: { process: poisson, rate: 150/s }
        timeout: 300ms
        retry: { max_attempts: 4, on: [timeout, error] }
    services:
      api:
        instances: 1
        workers: 4
        service_time: { dist: exponential, mean: 20ms }
        queue: { capacity: 300 }
    timeline:
      - { at: 20s, for: 5s, kind: load_spike, client: users, factor: 2 }
    """

var repeats = 3
/// `--json`: one 64-run sweep (with its store) on `--jobs` threads, as one JSON line with the
/// counted events, for Benchmarks/compare.sh's table (events/s, runs/s, peak memory, callgrind).
var json = false
var jsonJobs = 1
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--repeat", let next = arguments.next(), let n = Int(next), n > 0 { repeats = n }
    if argument == "--json" { json = true }
    if argument == "--jobs", let next = arguments.next(), let n = Int(next), n > 0 { jsonJobs = n }
}

let base: ScenarioSpec
do {
    base = try ScenarioLoader.parse(text: scenario, file: "small-storm.yaml")
} catch {
    print("the benchmark's scenario does not load: \(error)")
    exit(1)
}
let axis = SweepAxis(path: "timeline.0.for", values: ["1s", "2s", "3s", "4s", "5s", "6s", "7s", "8s"])
let plan = SweepPlan.grid(scenario: base.name, seed: base.seed, axes: [axis], replications: 8, figures: SweepFigure.all(for: base))
var specs: [ScenarioSpec] = []
for point in plan.points {
    guard let spec = try? ScenarioLoader.parse(text: scenario, file: "small-storm.yaml", overrides: point.overrides) else {
        print("point \(point.index) does not load")
        exit(1)
    }
    specs.append(spec)
}
let runs = plan.allRuns
let loaded = specs

/// Wall seconds of the 64 runs on `jobs` threads, each committed to a fresh store when `store`,
/// and their counted events.
func sweep(jobs: Int, store: Bool) -> Double { sweepCounting(jobs: jobs, store: store).seconds }

func sweepCounting(jobs: Int, store: Bool) -> (seconds: Double, events: Int) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-bench-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let results: ResultsStore?
    do {
        results = store ? try ResultsStore(path: folder.appendingPathComponent("results.sqlite").path, layout: plan.layout) : nil
    } catch {
        print("the store does not open: \(error)")
        exit(1)
    }
    let start = Date()
    let events = EventTotal()
    ParallelRunner.forEach(count: runs.count, jobs: jobs, { index in
        RunRecord.simulateCounting(spec: loaded[runs[index].point], key: runs[index], seed: plan.seed(of: runs[index]),
                                   figures: plan.figures, limits: RunLimits())
    }, finished: { _, run in
        events.total.withLock { $0 += run.events }
        try? results?.insert(run.record)
    })
    return (Date().timeIntervalSince(start), events.total.withLock { $0 })
}

/// The runs' counted events, summed as they finish.
final class EventTotal: Sendable {
    let total = Mutex(0)
}

if json {
    let (seconds, events) = sweepCounting(jobs: jsonJobs, store: true)
    print("{\"engine\":\"satsim\",\"model\":\"sweep\",\"runs\":\(runs.count),\"jobs\":\(jsonJobs),\"events\":\(events),\"seconds\":\(seconds),\"runs_per_s\":\(Double(runs.count) / seconds)}")
    exit(0)
}

/// Seconds per insert of a run into a store, over 64 runs' records (no simulation).
func insertCost() -> Double {
    let records = runs.map { RunRecord(key: $0, seed: plan.seed(of: $0), outcome: "recovered", limit: nil,
                                       values: plan.figures.map { _ in 1.5 }) }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-bench-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    guard let store = try? ResultsStore(path: folder.appendingPathComponent("results.sqlite").path, layout: plan.layout) else { return .nan }
    let start = Date()
    for record in records { try? store.insert(record) }
    return Date().timeIntervalSince(start) / Double(records.count)
}

_ = sweep(jobs: 1, store: false)  // warm caches and the allocator
var serial = Double.infinity, parallel = Double.infinity, bare = Double.infinity, stored = Double.infinity
for _ in 0..<repeats {
    // Interleaved, best of each: the machine is shared, and the minimum is the least disturbed.
    serial = min(serial, sweep(jobs: 1, store: true))
    parallel = min(parallel, sweep(jobs: 2, store: true))
    bare = min(bare, sweep(jobs: 1, store: false))
    stored = min(stored, sweep(jobs: 1, store: true))
}
let insert = (0..<repeats).map { _ in insertCost() }.min() ?? .nan
func f(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
print("runs                      \(runs.count) (8 points x 8 replications, small-storm 60 s)")
print("cores (active)            \(ProcessInfo.processInfo.activeProcessorCount)")
print("--jobs 1 with store       \(f(serial)) s")
print("--jobs 2 with store       \(f(parallel)) s")
print("speedup                   \(f(serial / parallel, 2))x")
print("--jobs 1 without store    \(f(bare)) s")
print("store overhead            \(f((min(serial, stored) - bare) / bare * 100, 2))% (best of \(repeats), interleaved)")
print("one insert (commit)       \(f(insert * 1e6, 1)) µs, \(f(insert * Double(runs.count) / bare * 100, 3))% of the 64 runs")
