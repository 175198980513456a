import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// Every figure a story sentence states, against the same figure recomputed here from the run's
/// time series and spec over the window the sentence names (DESIGN.md, "The story": sentences
/// are derived from the data, and tests hold them to it). Printed figures are rounded, so each is
/// compared within half a unit of its last printed digit.
@Suite("Story figures, recomputed")
struct StoryFigureTests {
    // MARK: - Scenarios

    /// A spike into immediate retries: metastable (as in MechanismOutcomeTests).
    static let retryStorm = ScenarioSpec(
        name: "retry-storm", duration: SimTime(seconds: 300), warmup: SimTime(seconds: 20), seed: 42,
        clients: [
            ClientSpec(
                name: "users", target: "api", arrival: .poisson(rate: 300), timeout: SimTime(seconds: 1),
                retry: RetrySpec(maxAttempts: 4, on: [.timeout, .error]))
        ],
        services: [
            ServiceSpec(
                name: "api", instances: 2, workers: 8, serviceTime: .lognormal(mean: 0.04, cv: 1),
                queue: QueueSpec(capacity: 1000))
        ],
        timeline: [
            TimelineEventSpec(at: SimTime(seconds: 60), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))
        ])

    /// The same storm seen through 10 s intervals, the last of them cut short by the end (305 s).
    static let coarseStorm: ScenarioSpec = {
        var spec = retryStorm
        spec.duration = SimTime(seconds: 305)
        spec.metricsInterval = SimTime(seconds: 10)
        return spec
    }()

    /// A one-second spike of ten times the load into a queue that takes seconds to drain, with a
    /// 3 s timeout and no retries: the attempts queued during the spike time out three seconds
    /// later, in intervals where few new attempts are sent.
    static let burst = ScenarioSpec(
        name: "burst", duration: SimTime(seconds: 120), warmup: SimTime(seconds: 10), seed: 8,
        clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 100), timeout: SimTime(seconds: 3))],
        services: [ServiceSpec(name: "api", instances: 1, workers: 10, serviceTime: .constant(value: 0.05))],
        timeline: [
            TimelineEventSpec(at: SimTime(seconds: 60), duration: SimTime(seconds: 1), action: .loadSpike(client: "users", factor: 10))
        ])

    /// No fault; the warmup ends mid-interval.
    static let calm = ScenarioSpec(
        name: "calm", duration: SimTime(seconds: 100), warmup: SimTime(seconds: 10.5), seed: 3,
        clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 50), timeout: SimTime(seconds: 1))],
        services: [ServiceSpec(name: "api", instances: 1, workers: 4, serviceTime: .exponential(mean: 0.04))])

    // MARK: - The run, recomputed

    /// One run, its story, and the per-interval sums the test recomputes figures from.
    struct Run {
        let spec: ScenarioSpec
        let result: SimulationResult
        let analysis: RunAnalysis
        let story: Story
        let sentences: [String]
        /// Interval i covers (start[i], end[i]].
        let start: [Double], end: [Double]

        init(_ spec: ScenarioSpec) {
            self.spec = spec
            result = Simulation(spec: spec).run()
            analysis = RunAnalysis(result: result, spec: spec)
            story = Story(result: result, spec: spec, analysis: analysis)
            sentences = story.sentences
            end = result.timeSeries.column("time") ?? []
            start = [0] + end.dropLast()
        }

        /// A column summed over every client (or service).
        func column(_ figure: String, services: Bool = false) -> [Double] {
            let names = services
                ? spec.services.map { "services.\($0.name).\(figure)" } : spec.clients.map { "clients.\($0.name).\(figure)" }
            var total = [Double](repeating: 0, count: end.count)
            for name in names {
                for (i, value) in (result.timeSeries.column(name) ?? []).enumerated() { total[i] += value }
            }
            return total
        }

        /// A column by its full name.
        func columnNamed(_ name: String) -> [Double] { result.timeSeries.column(name) ?? [] }

        /// The mean of a per-interval level over `intervals`, each weighted by its width.
        func mean(_ values: [Double], over intervals: [Int]) -> Double {
            let seconds = intervals.reduce(0) { $0 + end[$1] - start[$1] }
            return intervals.reduce(0) { $0 + values[$1] * (end[$1] - start[$1]) } / seconds
        }

        /// Intervals that start at or after `from` and end at or before `to`.
        func window(from: Double, to: Double = .infinity) -> [Int] {
            end.indices.filter { start[$0] >= from - 1e-9 && end[$0] <= to + 1e-9 }
        }

        /// Sum of `values` over `intervals`, per second of those intervals.
        func rate(_ values: [Double], over intervals: [Int]) -> Double {
            let seconds = intervals.reduce(0) { $0 + end[$1] - start[$1] }
            return intervals.reduce(0) { $0 + values[$1] } / seconds
        }

        var warmup: Double { spec.warmup.seconds }
        var firstFault: Double? { spec.timeline.map(\.at.seconds).min() }
        var lastFaultEnd: Double? { spec.timeline.map { $0.end.seconds }.max() }

        /// Mean goodput after warmup and before the first fault (DESIGN.md's G0).
        var baselineGoodput: Double { rate(column("successes"), over: window(from: warmup, to: firstFault ?? .infinity)) }

        /// The sentence matching `pattern`, with its captures.
        func sentence(_ pattern: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String]? {
            for sentence in sentences {
                let regex = try? NSRegularExpression(pattern: "^" + pattern + "$")
                let range = NSRange(sentence.startIndex..., in: sentence)
                guard let match = regex?.firstMatch(in: sentence, range: range) else { continue }
                return (0..<match.numberOfRanges).map { k in
                    Range(match.range(at: k), in: sentence).map { String(sentence[$0]) } ?? ""
                }
            }
            Issue.record("no sentence matches \(pattern) in: \(sentences)", sourceLocation: sourceLocation)
            return nil
        }
    }

    static let number = "([0-9]+(?:\\.[0-9]+)?)"
    static let clock = "((?:[0-9]+h)?(?:[0-9]+m)?[0-9]+s)"

    /// Whether a printed figure is `value` rounded to the printed number of decimals.
    static func expectPrinted(
        _ text: String, _ value: Double, scale: Double = 1, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let printed = Double(text) else {
            Issue.record("\(what): not a number: \(text)", sourceLocation: sourceLocation)
            return
        }
        let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
        let tolerance = 0.5 * pow(10, -Double(decimals)) + 1e-9
        #expect(abs(printed - value * scale) <= tolerance, "\(what): printed \(text), recomputed \(value * scale)", sourceLocation: sourceLocation)
    }

    /// Seconds from a clock like `1m05s` (rounded to the second when printed).
    static func seconds(_ clock: String) -> Double {
        var total = 0.0, digits = ""
        for character in clock {
            if character.isNumber {
                digits.append(character)
            } else {
                let value = Double(digits) ?? 0
                total += character == "h" ? value * 3600 : character == "m" ? value * 60 : value
                digits = ""
            }
        }
        return total
    }

    // MARK: - Every finding

    @Test("Every finding holds to the data", arguments: ["retryStorm", "burst", "calm", "coarseStorm"])
    func everyFinding(name: String) {
        let run = Self.run(name)
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: run.spec, endSeconds: run.result.endSeconds, label: name)
    }

    // MARK: - Baseline

    @Test("Baseline: offered load and goodput after warmup, before the first fault", arguments: ["retryStorm", "burst", "calm", "coarseStorm"])
    func baseline(name: String) throws {
        let run = Self.run(name)
        let window = run.window(from: run.warmup, to: run.firstFault ?? .infinity)
        let tail = run.firstFault == nil ? ", with no fault" : ", before the first fault"
        var parts = try #require(
            run.sentence("From \(Self.clock) to (the end|\(Self.clock)), clients offered \(Self.number) requests/s and \(Self.number) succeeded per second(?: \\(more than were offered: at least [0-9]+ of the successes (?:was of a request|were of requests) sent before [0-9hms.]+\\))?(?:; (\\S+) was \(Self.number)% busy)?\(tail)\\."))
        #expect(abs(Self.seconds(parts[1]) - run.start[window[0]]) <= 0.5)
        if parts[2] != "the end" { #expect(abs(Self.seconds(parts[2]) - run.end[window[window.count - 1]]) <= 0.5) }
        parts.removeSubrange(1...3)
        Self.expectPrinted(parts[1], run.rate(run.column("requests"), over: window), "offered load")
        Self.expectPrinted(parts[2], run.rate(run.column("successes"), over: window), "baseline goodput")
        if run.firstFault == nil {
            // The busiest service's utilization: the mean of its intervals over the same window.
            let utilization = run.spec.services.map { run.mean(run.columnNamed("services.\($0.name).utilization"), over: window) }.max() ?? 0
            Self.expectPrinted(parts[4], utilization, scale: 100, "utilization")
        }
    }

    // MARK: - Timeouts and retries

    @Test("First timeouts: the interval, and a share of at most 100% of the attempts it names", arguments: ["retryStorm", "burst"])
    func firstTimeouts(name: String) throws {
        let run = Self.run(name)
        let parts = try #require(
            run.sentence(
                "At \(Self.clock), attempts began to time out: \(Self.number)% of the attempts that ended from \(Self.clock) to \(Self.clock) got no answer in time\\."))
        // Attempts that ended in an interval: answered (success or error) or timed out there.
        let timeouts = run.column("timeouts")
        let ended = zip(zip(run.column("successes"), run.column("errors")), timeouts).map { $0.0 + $0.1 + $1 }
        let watch = run.window(from: run.firstFault ?? run.warmup)
        let first = try #require(watch.first { ended[$0] > 0 && timeouts[$0] / ended[$0] >= 0.01 })
        #expect(abs(Self.seconds(parts[1]) - run.start[first]) <= 0.5, "interval starting \(run.start[first]) s")
        #expect(abs(Self.seconds(parts[3]) - run.start[first]) <= 0.5 && abs(Self.seconds(parts[4]) - run.end[first]) <= 0.5)
        let share = timeouts[first] / ended[first]
        #expect(share <= 1)
        Self.expectPrinted(parts[2], share, scale: 100, "timed-out share")
    }

    @Test("Retries: the first interval where they reach 25% of attempts sent, and its rates")
    func retriesTakeOver() throws {
        let run = Self.stormRun
        let parts = try #require(
            run.sentence(
                "From \(Self.clock) to \(Self.clock), retries made up \(Self.number)% of the attempts sent: \(Self.number) attempts/s for \(Self.number) new requests/s\\."))
        let retries = run.column("retries"), attempts = run.column("attempts"), requests = run.column("requests")
        let watch = run.window(from: run.firstFault ?? run.warmup)
        let i = try #require(watch.first { attempts[$0] > 0 && retries[$0] / attempts[$0] >= 0.25 })
        #expect(abs(Self.seconds(parts[1]) - run.start[i]) <= 0.5)
        #expect(abs(Self.seconds(parts[2]) - run.end[i]) <= 0.5)
        Self.expectPrinted(parts[3], retries[i] / attempts[i], scale: 100, "retry share")
        let width = run.end[i] - run.start[i]
        Self.expectPrinted(parts[4], attempts[i] / width, "attempts/s")
        Self.expectPrinted(parts[5], requests[i] / width, "requests/s")
    }

    // MARK: - The ending

    @Test(
        "Metastable: goodput, share of baseline, offered load, amplification and wasted share after the recovery window",
        arguments: ["retryStorm", "coarseStorm"])
    func metastableEnding(name: String) throws {
        let run = Self.run(name)
        #expect(run.analysis.verdict.outcome == .metastable)
        let from = (run.lastFaultEnd ?? run.warmup) + run.analysis.verdict.thresholds.recoveryWindow
        let late = run.window(from: from)
        let parts = try #require(
            run.sentence(
                "It did not come back: from \(Self.clock) to the end, goodput averaged \(Self.number)/s against \(Self.number)/s before the first fault, while clients offered \(Self.number) requests/s against \(Self.number) before it\\."))
        // The window is whole intervals from the end of the recovery window.
        #expect(abs(Self.seconds(parts[1]) - run.start[late[0]]) <= 0.5)
        let goodput = run.rate(run.column("successes"), over: late)
        Self.expectPrinted(parts[2], goodput, "late goodput")
        Self.expectPrinted(parts[3], run.baselineGoodput, "baseline goodput")
        Self.expectPrinted(parts[4], run.rate(run.column("requests"), over: late), "late offered load")

        // The two dominant causes, heaviest first: both over the same window as the sentence
        // before, from the end of the recovery window.
        let wasted = late.reduce(0) { $0 + run.column("wasted", services: true)[$1] }
        let completions = late.reduce(0) { $0 + run.column("completions", services: true)[$1] }
        let attempts = late.reduce(0) { $0 + run.column("attempts")[$1] }
        let retries = late.reduce(0) { $0 + run.column("retries")[$1] }
        let requests = late.reduce(0) { $0 + run.column("requests")[$1] }
        let wastedClause = "\(Self.number)% of the work api finished went to callers who had already given up \\(wasted work\\)"
        let retryClause = "retries were \(Self.number)% of the attempts users sent, \(Self.number) attempts per new request \\(retry amplification\\)"
        let wastedFirst = wasted / completions >= retries / attempts
        let causes = try #require(
            run.sentence(
                "What sustained it from \(Self.clock) to the end: " + (wastedFirst ? wastedClause + ", and " + retryClause : retryClause + ", and " + wastedClause) + "\\."))
        let (w, r) = wastedFirst ? (2, 3) : (4, 2)
        Self.expectPrinted(causes[w], wasted / completions, scale: 100, "wasted share")
        Self.expectPrinted(causes[r], retries / attempts, scale: 100, "retry share")
        Self.expectPrinted(causes[r + 1], attempts / requests, "amplification")
    }

    @Test("The fault's end and the trigger are the timeline's")
    func triggerAndEnd() throws {
        let run = Self.stormRun
        let trigger = try #require(
            run.sentence(
                "At \(Self.clock), a load spike multiplied the load of users by \(Self.number) for \(Self.clock): from 1m00s to 1m10s, clients offered \(Self.number) requests/s, and goodput averaged \(Self.number)/s against \(Self.number)/s before the first fault\\."))
        #expect(Self.seconds(trigger[1]) == 60)
        #expect(Double(trigger[2]) == 2)
        #expect(Self.seconds(trigger[3]) == 10)
        let end = try #require(run.sentence("At \(Self.clock), the load spike on users ended\\."))
        #expect(Self.seconds(end[1]) == 70)
    }

    // Each scenario runs once for the whole suite.
    static let stormRun = Run(retryStorm)
    static let burstRun = Run(burst)
    static let calmRun = Run(calm)
    static let coarseStormRun = Run(coarseStorm)

    static func run(_ name: String) -> Run {
        switch name {
        case "retryStorm": return stormRun
        case "burst": return burstRun
        case "coarseStorm": return coarseStormRun
        default: return calmRun
        }
    }
}
