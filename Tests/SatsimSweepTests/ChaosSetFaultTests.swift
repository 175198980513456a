import SatsimCore
import SatsimModel
import SatsimScenario
import SatsimSweep
import Testing

/// scenario-format.md, "CHAOS": the candidate faults are timeline events, and `set` is one (an
/// operator's change, "change any KEY.PATH mid-run"). A combination's run must be the run of the
/// file with those faults added to its timeline, each at chaos.at + its offset: the same
/// settings in force at every moment, the file's own `set` events included.
@Suite("chaos: a `set` fault puts its settings in force as the timeline does")
struct ChaosSetFaultTests {
    /// The file's timeline changes the workers from 4 s to 8 s; the candidates change the
    /// service time from 5 s (chaos.at 4 s + 1 s) for 4 s, scale, and cut the retries for good.
    static let head = """
        name: sets
        description: set faults meeting the file's own set
        duration: 20s
        seed: 5
        clients:
          users: { target: api, arrival: { process: poisson, rate: 300/s }, timeout: 200ms, retry: { max_attempts: 3 } }
        services:
          api: { instances: 2, workers: 4, service_time: { dist: exponential, mean: 10ms } }
        timeline:
          - { at: 4s, for: 4s, kind: set, path: services.api.workers, value: 2 }

        """
    static let faults = [
        "{ at: 1s, for: 4s, kind: set, path: services.api.service_time.mean, value: 25ms }",
        "{ at: 2s, kind: scale, service: api, to: 3 }",
        "{ at: 3s, kind: set, path: clients.users.retry.max_attempts, value: 1 }",
    ]

    static func search() throws -> ChaosSearch {
        let text = head + "chaos:\n  at: 4s\n  max_together: 3\n  replications: 1\n  faults:\n"
            + faults.map { "    - \($0)\n" }.joined()
        let spec = try ScenarioLoader.parse(text: text, file: "sets.yaml")
        return ChaosSearch(spec: spec, chaos: try #require(spec.chaos), maxTogether: nil, replications: nil, source: "")
    }

    /// The file with the faults of `combination` written into its timeline, at 4 s + offset.
    static func timelineSpec(_ combination: [Int]) throws -> ScenarioSpec {
        let events = combination.map { index -> String in
            let fault = faults[index]
            let offset = Double(fault.split(separator: "at: ")[1].split(separator: "s")[0]) ?? 0
            return "  - " + fault.replacingOccurrences(of: "at: \(Int(offset))s", with: "at: \(Int(offset) + 4)s") + "\n"
        }
        return try ScenarioLoader.parse(text: head + events.joined(), file: "sets.yaml")
    }

    @Test("Each combination's run is the run of its timeline, bit for bit", arguments: [[0], [2], [0, 1], [0, 2], [1, 2], [0, 1, 2]])
    func sameRun(combination: [Int]) throws {
        let search = try Self.search()
        let point = try #require(search.combinations.firstIndex(of: combination))
        let chaosRun = Simulation(spec: search.spec(of: point)).run()
        let fileRun = Simulation(spec: try Self.timelineSpec(combination)).run()
        #expect(chaosRun.timeSeries == fileRun.timeSeries, "\(combination)")
        #expect(chaosRun.events == fileRun.events, "\(combination)")
    }

    @Test("A set fault changes the run (it did nothing when its settings were not resolved)")
    func itActs() throws {
        let search = try Self.search()
        let baseline = Simulation(spec: search.spec(of: 0)).run()
        let point = try #require(search.combinations.firstIndex(of: [0]))
        let slower = Simulation(spec: search.spec(of: point)).run()
        #expect(slower.timeSeries != baseline.timeSeries)
        #expect(slower.events.contains { $0.subject.contains("service_time") || $0.detail.contains("service_time") }, "\(slower.events)")
    }

    /// Settings that cannot hold together are found before the search, at the fault.
    @Test("A combination whose settings do not hold together is refused at load, located")
    func combinationsAreChecked() throws {
        // Each set holds alone (base 50 ms <= cap 100 ms; base 10 ms <= cap 20 ms); together
        // the backoff's base exceeds its cap.
        let text = """
            name: clash
            description: two sets that each hold alone
            duration: 20s
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 10/s }
                retry: { max_attempts: 2, backoff: { base: 10ms, cap: 100ms } }
            services:
              api: { instances: 2, service_time: { dist: exponential, mean: 10ms } }
            chaos:
              at: 4s
              max_together: 2
              faults:
                - { kind: set, path: clients.users.retry.backoff.base, value: 50ms }
                - { at: 1s, kind: set, path: clients.users.retry.backoff.cap, value: 20ms }

            """
        let messages = Self.refusal(text, file: "clash.yaml")
        #expect(messages.contains("chaos.faults.1.path"), "\(messages)")
        #expect(messages.contains("do not hold together"), "\(messages)")
        #expect(messages.contains("chaos.faults.0, chaos.faults.1"), "\(messages)")
    }

    /// The diagnostics of a file the loader must refuse, one "path: message" a line; a file it
    /// loads is recorded as an issue and gives "".
    static func refusal(_ text: String, file: String) -> String {
        do {
            _ = try ScenarioLoader.parse(text: text, file: file)
            Issue.record("\(file) loaded")
            return ""
        } catch {
            return error.diagnostics.map { "\($0.path): \($0.message)" }.joined(separator: "\n")
        }
    }

    /// Resolving every subset is 2^n: the count of enabled `set` faults is bounded.
    @Test("More than the bound of set faults is refused, located")
    func bounded() throws {
        let n = ScenarioLoader.maximumChaosSets + 1
        let items = (0..<n).map { "    - { kind: set, path: clients.users.retry.max_attempts, value: \($0 % 3 + 1), label: s\($0) }\n" }
        let text = Self.head + "chaos:\n  at: 4s\n  max_together: 1\n  faults:\n" + items.joined()
        let messages = Self.refusal(text, file: "many.yaml")
        #expect(messages.contains("chaos.faults.\(ScenarioLoader.maximumChaosSets).kind"), "\(messages)")
        #expect(messages.contains("at most \(ScenarioLoader.maximumChaosSets)"), "\(messages)")
    }

    /// Every subset of the `set` faults is resolved against the file's own `set` events: the
    /// decodes that costs count toward the check budget, and past it the file is refused before
    /// any is done, at the first `set` fault (8 faults and 60 timeline `set` events would decode
    /// the file about 32,000 times).
    @Test("The resolution of every subset counts toward the check budget")
    func budget() throws {
        let timeline = (0..<60).map { "  - { at: \($0 % 15 + 1)s, for: 1s, kind: set, path: services.api.workers, value: \($0 % 3 + 2) }\n" }
        let items = (0..<ScenarioLoader.maximumChaosSets).map {
            "    - { kind: set, path: clients.users.retry.max_attempts, value: \($0 % 3 + 1), label: s\($0) }\n"
        }
        let text = Self.head + timeline.joined() + "chaos:\n  at: 4s\n  max_together: 1\n  faults:\n" + items.joined()
        let messages = Self.refusal(text, file: "budget.yaml")
        #expect(messages.contains("chaos.faults.0: the file has"), "\(messages)")
        #expect(messages.contains("8 chaos `set` faults, resolved for every subset of them"), "\(messages)")
        // With half the faults the same file loads: the bound is the cost, not the count.
        let fewer = Self.head + timeline.joined() + "chaos:\n  at: 4s\n  max_together: 1\n  faults:\n" + items.prefix(2).joined()
        _ = try ScenarioLoader.parse(text: fewer, file: "budget.yaml")
    }
}
