import Foundation
import SatsimScenario
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Every numeric key of the scenario format at its extremes, through the built `satsim` binary,
/// under a memory cap and a time limit (issue 6, "What must be true").
///
/// The test walks ``ScenarioSchema/standard``: for each shape, and each case of a discriminated
/// shape (distributions, arrival processes, timeline events), it finds where that shape sits in
/// one base scenario that holds every shape, and sets each numeric key there to 0, the smallest
/// positive value, the largest value the schema admits, and values just outside, with
/// `--set PATH=VALUE`. Each run must be refused with exit 2 and a located message, or complete
/// (exit 0), or stop at a limit (exit 1, with the limit's message); never trap (a signal), abort,
/// exceed 2 GiB of address space or run past its time limit. Values outside the schema's range
/// must be refused. A numeric key the base scenario cannot reach fails the test, so a new key
/// joins the walk by joining the base scenario.
@Suite struct ExtremeValueTests {
    /// Every shape of the format: a client with retry, backoff, budget, breaker and throttle; a
    /// service with calls, cache, health check, autoscaler and queue; every distribution and
    /// arrival process; every timeline kind the model simulates (`set` is refused before a run).
    static let base = """
        name: extremes
        description: every shape of the format, for the extreme-value test
        duration: 20s
        warmup: 2s
        seed: 7
        metrics: { interval: 1s }
        slo: { success_ratio: 0.9, latency_p99: 1s }
        clients:
          open:
            target: api
            arrival: { process: poisson, rate: 40/s }
            network: { dist: exponential, mean: 1ms }
            timeout: 500ms
            retry:
              max_attempts: 3
              on: [timeout, error, rejected]
              backoff: { base: 10ms, multiplier: 2, cap: 1s, jitter: full }
              budget: { ratio: 0.2, min_per_second: 1 }
            circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 10s, open_for: 2s, half_open_probes: 2 }
            adaptive_throttle: { k: 2, window: 1m }
          steady:
            target: api
            arrival: { process: constant, rate: 20/s }
          people:
            target: api
            arrival: { process: closed, users: 10, think: { dist: lognormal, mean: 500ms, cv: 1 } }
        services:
          api:
            instances: 2
            workers: 4
            service_time: { dist: gamma, mean: 5ms, cv: 0.5 }
            contention: 0.01
            queue: { capacity: 100, discipline: codel, timeout: 1s }
            balancer: least_outstanding
            calls:
              - service: db
                probability: 0.5
                timeout: 200ms
                retry: { max_attempts: 2, backoff: { base: 5ms, multiplier: 1.5 } }
                optional: false
                circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 10s, open_for: 2s, half_open_probes: 2 }
            cache: { keys: 1000, zipf: 1.0, capacity: 100, ttl: 10s }
            health_check: { interval: 1s, timeout: 200ms, unhealthy_after: 3, healthy_after: 2, action: eject, panic_threshold: 0.5 }
            boot_time: 1s
            outlier_detection: { consecutive_errors: 5, interval: 1s, base_ejection_time: 2s, max_ejection_percent: 50 }
            autoscaler: { policy: hpa, metric: utilization, target: 0.6, interval: 5s, min: 1, max: 4, scale_in_cooldown: 10s, scale_out_cooldown: 0s }
          db:
            instances: 1
            workers: 8
            service_time: { dist: uniform, min: 1ms, max: 3ms }
            calls:
              - { service: tail }
          tail:
            service_time: { dist: pareto, scale: 1ms, shape: 2.5 }
          fixed:
            service_time: { dist: constant, value: 1ms }
          listed:
            service_time: { dist: empirical, values: [1ms, 2ms] }
        timeline:
          - { at: 5s, for: 2s, kind: load_spike, client: open, factor: 3 }
          - { at: 5s, for: 2s, kind: load_spike, client: people, factor: 2 }
          - { at: 6s, for: 2s, kind: latency, service: api, add: { dist: pareto, scale: 1ms, shape: 2 } }
          - { at: 8s, for: 1s, kind: errors, service: api, ratio: 0.3 }
          - { at: 9s, for: 1s, kind: outage, service: db, mode: refuse }
          - { at: 10s, kind: kill, service: api, count: 1 }
          - { at: 11s, kind: cache_flush, service: api }
          - { at: 12s, for: 500ms, kind: pause, service: api, count: 1 }
          - { at: 13s, kind: scale, service: api, to: 3 }
          - { at: 14s, kind: deploy, service: api, batch: 1, every: 1s }
        sweep:
          vary: { clients.open.arrival.rate: [10/s, 20/s] }
          replications: 2
        chaos:
          at: 3s
          max_together: 2
          replications: 2
          faults:
            - { at: 1s, for: 1s, kind: load_spike, client: open, factor: 2 }
            - { for: 1s, kind: latency, service: api, add: { dist: constant, value: 1ms } }
            - { for: 1s, kind: errors, service: api, ratio: 0.3 }
            - { for: 1s, kind: outage, service: db, mode: refuse }
            - { kind: kill, service: api, count: 1 }
            - { for: 500ms, kind: pause, service: api, count: 1 }
            - { kind: scale, service: api, to: 3 }
            - { kind: deploy, service: api, batch: 1, every: 1s }

        """

    /// Where each shape (or `shape/case`) sits in ``base``: the key paths its keys are set at.
    /// Load spikes sit on an open-loop and a closed-loop client; retries on a client and a call.
    static let places: [String: [String]] = [
        "scenario": [""],
        "metrics": ["metrics"],
        "slo": ["slo"],
        "CLIENT": ["clients.open"],
        "arrival": ["clients.open.arrival"],
        "arrival/poisson": ["clients.open.arrival"],
        "arrival/constant": ["clients.steady.arrival"],
        "arrival/closed": ["clients.people.arrival"],
        "retry": ["clients.open.retry", "services.api.calls.0.retry"],
        "backoff": ["clients.open.retry.backoff", "services.api.calls.0.retry.backoff"],
        "budget": ["clients.open.retry.budget"],
        "circuit_breaker": ["clients.open.circuit_breaker", "services.api.calls.0.circuit_breaker"],
        "outlier_detection": ["services.api.outlier_detection"],
        "adaptive_throttle": ["clients.open.adaptive_throttle"],
        "SERVICE": ["services.api", "services.db"],
        "queue": ["services.api.queue"],
        "call": ["services.api.calls.0"],
        "cache": ["services.api.cache"],
        "health_check": ["services.api.health_check"],
        "autoscaler": ["services.api.autoscaler"],
        "distribution": ["clients.open.network"],
        "distribution/exponential": ["clients.open.network"],
        "distribution/constant": ["services.fixed.service_time"],
        "distribution/lognormal": ["clients.people.arrival.think"],
        "distribution/gamma": ["services.api.service_time"],
        "distribution/uniform": ["services.db.service_time"],
        "distribution/pareto": ["services.tail.service_time", "timeline.2.add"],
        "distribution/empirical": ["services.listed.service_time"],
        "EVENT": ["timeline.0", "timeline.5"],
        "EVENT/load_spike": ["timeline.0", "timeline.1"],
        "EVENT/latency": ["timeline.2"],
        "EVENT/errors": ["timeline.3"],
        "EVENT/outage": ["timeline.4"],
        "EVENT/kill": ["timeline.5"],
        "EVENT/cache_flush": ["timeline.6"],
        "EVENT/pause": ["timeline.7"],
        "EVENT/scale": ["timeline.8"],
        "EVENT/deploy": ["timeline.9"],
        "sweep": ["sweep"],
        "chaos": ["chaos"],
        "FAULT": ["chaos.faults.0"],
        "FAULT/load_spike": ["chaos.faults.0"],
        "FAULT/latency": ["chaos.faults.1"],
        "FAULT/errors": ["chaos.faults.2"],
        "FAULT/outage": ["chaos.faults.3"],
        "FAULT/kill": ["chaos.faults.4"],
        "FAULT/pause": ["chaos.faults.5"],
        "FAULT/scale": ["chaos.faults.6"],
        "FAULT/deploy": ["chaos.faults.7"],
    ]

    /// One run: a key path, a value, and whether the schema admits the value.
    struct Case: CustomStringConvertible, Sendable {
        var path: String
        var value: String
        var admitted: Bool
        var description: String { "\(path)=\(value)" }
    }

    /// Values at and just beyond the edges of a numeric type: (text, whether the schema admits it).
    /// Nil for a type that is not numeric.
    static func extremes(of type: SchemaType) -> [(String, Bool)]? {
        switch type {
        case .duration(let positive):
            // 0.001us is one nanosecond, the finest simulated time; 100000h the longest duration.
            return [("0s", !positive), ("0.001us", true), ("100000h", true), ("100001h", false), ("-1s", false)]
        case .rate:
            // A rate's number has at most 30 characters and no exponent.
            return [
                ("0/s", false), ("0.0000000000000000000000000001/s", true), ("999999999999999999999999999999/h", true),
                ("999999999999999999999999999999/s", true), ("9999999999999999999999999999999/s", false),
            ]
        case .ratio:
            return [("0", true), ("5e-324", true), ("1", true), ("1.0000001", false), ("-0.1", false)]
        case .multiplier:
            return [("0", false), ("5e-324", true), ("1.7976931348623157e308", true), ("1e309", false), ("-1", false)]
        case .nonNegativeNumber:
            return [("0", true), ("5e-324", true), ("1.7976931348623157e308", true), ("1e309", false), ("-1e-300", false)]
        case .boundedNumber(let maximum):
            return [("0", true), ("5e-324", true), ("\(maximum)", true), ("\(maximum.nextUp)", false), ("-1e-300", false)]
        case .integer(let minimum, let maximum):
            var values = [("\(minimum - 1)", false), ("\(minimum)", true), ("\(minimum + 1)", true)]
            if let maximum {
                values += [("\(maximum)", true), ("\(maximum + 1)", false)]
            } else {
                values += [("\(Int.max)", true), ("9223372036854775808", false)]
            }
            return values
        case .seed:
            return [("-1", false), ("0", true), ("1", true), ("\(UInt64.max)", true), ("18446744073709551616", false)]
        case .list(let element):
            return extremes(of: element)
        default:
            return nil
        }
    }

    /// Every (key, value) the walk produces, and the numeric keys it could not place.
    static func cases() -> (cases: [Case], unplaced: [String]) {
        let schema = ScenarioSchema.standard
        var cases: [Case] = []
        var unplaced: [String] = []
        func add(_ keys: [SchemaKey], at placeName: String) {
            for key in keys {
                guard let values = extremes(of: key.type) else { continue }
                guard let prefixes = places[placeName] else {
                    unplaced.append("\(placeName).\(key.name)")
                    continue
                }
                for prefix in prefixes {
                    var path = prefix.isEmpty ? key.name : "\(prefix).\(key.name)"
                    // A list of numbers: its first item.
                    if case .list = key.type { path += ".0" }
                    for (value, admitted) in values { cases.append(Case(path: path, value: value, admitted: admitted)) }
                }
            }
        }
        for shape in [schema.root] + schema.shapes {
            add(shape.keys, at: shape.name)
            // A `set`'s only numeric key is `for`, walked with every settable path by
            // MidRunSettingTests; timeline items and chaos faults share the case.
            for item in shape.cases where !((shape.name == "EVENT" || shape.name == "FAULT") && item.value == "set") {
                add(item.keys, at: "\(shape.name)/\(item.value)")
            }
        }
        return (cases, unplaced)
    }

    struct Outcome: Sendable {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stderr: String
    }

    /// The address-space cap of each run [KiB] and its time limit [s].
    static let memoryCapKiB = 2 * 1024 * 1024
    static let timeLimit = 60.0
    /// Bounds the work of one run, so that a rate of 10^30 per second stops quickly.
    static let maxEvents = "50000"

    /// Runs `satsim` under `ulimit -v` through /bin/sh (exec, so a signal reaches the test as
    /// the child's own), killing it at the time limit.
    static func run(_ arguments: [String], binary: URL) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -v \(memoryCapKiB) && exec \"$0\" \"$@\"", binary.path] + arguments
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        try process.run()
        let pid = process.processIdentifier
        let killed = UnsafeSendableFlag()
        let timer = DispatchWorkItem {
            killed.set()
            kill(pid, SIGKILL)
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeLimit, execute: timer)
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        return Outcome(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            timedOut: killed.isSet, stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Why an outcome is wrong, or nil when it is one of the three allowed.
    static func problem(_ outcome: Outcome, for item: Case) -> String? {
        if outcome.timedOut { return "still running after \(Int(timeLimit)) s" }
        if outcome.signalled { return "killed by signal \(outcome.status) (a trap or an abort): \(outcome.stderr.suffix(300))" }
        let located = outcome.stderr.range(
            of: #"(scenario\.yaml|--set):[0-9]+:[0-9]+: error: "#, options: .regularExpression) != nil
        switch outcome.status {
        case 0:
            return item.admitted ? nil : "the schema does not admit this value, yet the run completed"
        case 1:
            if !item.admitted { return "the schema does not admit this value, yet the run started" }
            return outcome.stderr.contains("the run stopped at ") ? nil : "exit 1 without a limit's message: \(outcome.stderr.suffix(300))"
        case 2:
            return located ? nil : "refused without a located message: \(outcome.stderr.suffix(300))"
        default:
            return "exit \(outcome.status): \(outcome.stderr.suffix(300))"
        }
    }

    @Test func theBaseScenarioRunsAndReachesEveryNumericKey() throws {
        let (cases, unplaced) = Self.cases()
        #expect(unplaced.isEmpty, "numeric keys with no place in the base scenario: \(unplaced)")
        // Each shape's keys and each case's: well over a hundred keys, five values each.
        #expect(cases.count > 300)
        let file = try CLIHarness.scenarioFile(Self.base)
        let result = try CLIHarness.run(["run", file.path])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func everyNumericKeyAtItsExtremesIsRefusedOrRunsWithinLimits() async throws {
        guard let binary = CLIHarness.binary else {
            Issue.record("the satsim executable was not found next to the tests; run `swift build` first")
            return
        }
        let file = try CLIHarness.scenarioFile(Self.base)
        let cases = Self.cases().cases
        // Two runs at a time: the machine has two cores, and each run is single-threaded.
        let width = 2
        var problems: [String] = []
        try await withThrowingTaskGroup(of: (Case, Outcome).self) { group in
            var next = 0
            func launch() {
                let item = cases[next]
                next += 1
                group.addTask {
                    let outcome = try Self.run(
                        ["run", file.path, "--set", "\(item.path)=\(item.value)", "--max-events", Self.maxEvents],
                        binary: binary)
                    return (item, outcome)
                }
            }
            while next < min(width, cases.count) { launch() }
            while let (item, outcome) = try await group.next() {
                if let problem = Self.problem(outcome, for: item) { problems.append("\(item): \(problem)") }
                if next < cases.count { launch() }
            }
        }
        let report = problems.joined(separator: "\n")
        #expect(problems.isEmpty, "\(problems.count) of \(cases.count) runs went wrong:\n\(report)")
    }
}

extension ExtremeValueTests {
    /// The report of issue 6: at 100,000 requests/s into an unbounded queue the in-flight limit
    /// tripped, the calendar was emptied, and the arrival handler scheduled the next arrival
    /// anyway, so the run went on to 6 million requests and 663 MB and said it stopped at the end.
    @Test func theInFlightLimitStopsAFloodWhereItTripsAndSaysWhen() throws {
        let file = try CLIHarness.scenarioFile("""
            name: flood
            description: constant arrivals far beyond what one worker serves
            duration: 2s
            clients:
              users:
                target: api
                arrival: { process: constant, rate: 100000/s }
            services:
              api:
                service_time: { dist: constant, value: 2h }

            """)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["run", file.path, "--max-in-flight", "20000", "--out", out.path, "--format", "json"])
        #expect(result.status == 1)
        // Nothing completes, so in flight = 2 x requests: the 10,001st arrival, at 10,001 x 10 us,
        // crosses 20,000, and the run stops there.
        #expect(result.stderr.contains("the run stopped at 0.10001s of simulated time with 20002 requests"))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.json"), encoding: .utf8)
        #expect(summary.contains("\"requests\": 10001,"))
        #expect(summary.contains("\"complete\": false"))
        // The last time-series row closes where the run stopped.
        let csv = try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8)
        let last = csv.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("0.10001,"))
    }
}

/// A flag set from the timer's queue and read after the child has exited.
private final class UnsafeSendableFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
