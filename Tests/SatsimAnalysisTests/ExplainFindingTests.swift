import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimScenario
import Testing

/// `explain`'s findings (DESIGN.md, "The story": "`explain` adds its counterfactual findings to
/// the same list"), from real runs of the shipped retry storm made small: one API instance at
/// 150 requests/s, a 60 s run, the spike at 20 s, three replications (about 0.2 s a run in a debug
/// build). Every figure a finding carries is recomputed here from the runs, by code of its own;
/// the ranking and the findings' place in the story are checked on the same runs.
///
/// Retrying at once without a budget amplifies a spike into a lasting failure (AWS Architecture
/// Blog, "Exponential Backoff And Jitter"; Google SRE book, "Addressing Cascading Failures"), and
/// a retry budget of 10% is the classic protection (SRE book, "Handling Overload").
@Suite("explain: findings from real runs")
struct ExplainFindingTests {
    static let overrides = [
        "services.api.instances=1", "clients.users.arrival.rate=150/s", "duration=60s", "warmup=5s", "timeline.0.at=20s",
    ]
    static let replications = 5

    /// One explanation with everything needed to recompute it: its runs, `runs[row][replication]`
    /// (row 0 the base), the figures they were read with, and the base's replication 0 in full.
    struct Explained: Sendable {
        var spec: ScenarioSpec
        var explanation: Explanation
        var runs: [[RunFigures]]
        var figures: [KeyFigure]
        var result: SimulationResult
        var analysis: RunAnalysis
    }

    /// The small storm explained, as `satsim explain` does it: every row on seeds seed + r.
    static func explain(variant: String?) throws -> Explained {
        let file = ShippedStoryTests.folder.appendingPathComponent("retry-storm.yaml").path
        let parsed = try overrides.map { text throws(ScenarioError) in try ScalarOverride.parse(text) }
        let spec = try ScenarioLoader.load(file: file, overrides: parsed, variant: variant)
        let counterfactuals = Counterfactual.all(for: spec)
        let figures = KeyFigure.all(for: spec)
        var first: (SimulationResult, RunAnalysis)?
        var runs: [[RunFigures]] = []
        for (row, rowSpec) in ([spec] + counterfactuals.map(\.spec)).enumerated() {
            runs.append((0..<replications).map { r in
                var seeded = rowSpec
                seeded.seed = spec.seed &+ UInt64(r)
                let result = Simulation(spec: seeded).run()
                let analysis = RunAnalysis(result: result, spec: seeded)
                if row == 0 && r == 0 { first = (result, analysis) }
                return RunFigures(result: result, analysis: analysis, figures: figures)
            })
        }
        let explanation = Explanation(
            scenario: spec.name, baseSeed: spec.seed, counterfactuals: counterfactuals, figures: figures, runs: runs)
        let (result, analysis) = try #require(first)
        return Explained(spec: spec, explanation: explanation, runs: runs, figures: figures, result: result, analysis: analysis)
    }

    static let storm = Result { try explain(variant: nil) }
    static let budget = Result { try explain(variant: "retry-budget") }

    // MARK: - Recomputed here

    /// Student's t quantile t(0.975, df) for df = 1...4 (NIST/SEMATECH e-Handbook of Statistical
    /// Methods, section 1.3.6.7.2, "Critical values of the Student's t distribution").
    static let t975: [Int: Double] = [1: 12.706204736174705, 2: 4.302652729911275, 3: 3.182446305284263, 4: 2.7764451051977987]

    /// Mean and 95% half width of `samples` (nil half width under two samples).
    static func interval(_ samples: [Double]) -> (mean: Double, half: Double?)? {
        guard !samples.isEmpty else { return nil }
        let n = Double(samples.count)
        let mean = samples.reduce(0, +) / n
        guard samples.count >= 2, let t = t975[samples.count - 1] else { return (mean, nil) }
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, t * (variance / n).squareRoot())
    }

    /// A mean or an end of its interval, cut at 0 (goodput and recovery time cannot be negative).
    static func bound(_ samples: [Double], _ bound: ExplainedMeasure.Bound) -> Double? {
        guard let (mean, half) = interval(samples) else { return nil }
        switch bound {
        case .mean: return mean
        case .low: return half.map { max(0, mean - $0) }
        case .high: return half.map { mean + $0 }
        }
    }

    /// DESIGN.md, "Outcomes", and the effect rule's rule 1: the outcomes counted as bad.
    static let bad: Set<String> = ["degraded", "metastable", "oscillating", "overloaded"]

    static func label(_ run: RunFigures) -> String { run.outcome?.rawValue ?? "not_judged" }

    static func values(_ run: RunFigures, _ figures: [KeyFigure], suffix: String) -> [Double] {
        figures.indices.filter { figures[$0].path.hasSuffix(suffix) }.compactMap { run.values[$0] }
    }

    static func goodput(_ run: RunFigures, _ figures: [KeyFigure]) -> Double? {
        let v = values(run, figures, suffix: "goodput_per_s")
        return v.isEmpty ? nil : v.reduce(0, +)
    }

    static func success(_ run: RunFigures, _ figures: [KeyFigure]) -> Double? {
        let v = values(run, figures, suffix: "success_ratio")
        return v.isEmpty ? nil : v.reduce(0, +) / Double(v.count)
    }

    /// What `measure` is, recomputed from the runs.
    static func recompute(_ measure: ExplainedMeasure, _ e: Explained) -> Double? {
        let recovery = e.figures.firstIndex { $0.path == "recovery_time" }
        switch measure {
        case .replications: return Double(replications)
        case .level: return 0.95
        case .outcomeCount(let row, let outcome): return Double(e.runs[row].filter { label($0) == outcome }.count)
        case .badRuns(let row): return Double(e.runs[row].filter { bad.contains(label($0)) }.count)
        case .stableRuns(let row): return Double(e.runs[row].filter { label($0) == "stable" }.count)
        case .goodput(let row, let b): return bound(e.runs[row].compactMap { goodput($0, e.figures) }, b)
        case .recoveryTime(let row, let b): return bound(e.runs[row].compactMap { run in recovery.flatMap { run.values[$0] } }, b)
        case .recoveredRuns(let row): return Double(e.runs[row].compactMap { run in recovery.flatMap { run.values[$0] } }.count)
        case .floor(.successRatio): return 0.005
        case .floor(.goodput): return 0.01
        case .floor: return nil
        case .pValue(let row, let rule):
            // McNemar's mid-p (McNemar 1947; Fagerland, Lydersen and Laake 2013), summed here
            // term by term: 2 (P(X <= k) - P(X = k) / 2), X ~ Binomial(discordant pairs, 1/2).
            func yes(_ run: RunFigures) -> Bool? {
                rule == .badOutcomes ? bad.contains(label(run)) : run.outcome.map { $0 != .stable }
            }
            var onlyRow = 0, onlyBase = 0
            for (mine, base) in zip(e.runs[row], e.runs[0]) {
                guard let a = yes(mine), let b = yes(base) else { continue }
                if a && !b { onlyRow += 1 }
                if b && !a { onlyBase += 1 }
            }
            let d = onlyRow + onlyBase, k = min(onlyRow, onlyBase)
            guard d > 0 else { return 1 }
            var choose = 1.0, atMost = 0.0, exactly = 0.0
            for i in 0...k {
                if i > 0 { choose = choose * Double(d - i + 1) / Double(i) }
                let term = choose * pow(0.5, Double(d))
                atMost += term
                if i == k { exactly = term }
            }
            return min(1, 2 * (atMost - exactly / 2))
        case .difference(let row, let rule, let b):
            var differences: [Double] = []
            for (mine, base) in zip(e.runs[row], e.runs[0]) {
                let pair: (Double?, Double?)
                switch rule {
                case .badOutcomes: pair = (bad.contains(label(mine)) ? 1 : 0, bad.contains(label(base)) ? 1 : 0)
                case .disturbedRuns:
                    pair = (mine.outcome.map { $0 == .stable ? 0 : 1 }, base.outcome.map { $0 == .stable ? 0 : 1 })
                case .successRatio: pair = (success(mine, e.figures), success(base, e.figures))
                case .goodput: pair = (goodput(mine, e.figures), goodput(base, e.figures))
                }
                if let a = pair.0, let b = pair.1 { differences.append(a - b) }
            }
            guard let (mean, half) = interval(differences) else { return nil }
            switch b {
            case .mean: return abs(mean)
            case .low: return abs(mean) - (half ?? 0)
            case .high: return abs(mean) + (half ?? 0)
            }
        }
    }

    /// Every figure of every counterfactual finding equals what the runs give.
    static func expectFiguresHold(_ e: Explained, sourceLocation: SourceLocation = #_sourceLocation) {
        let findings = e.explanation.findings + e.explanation.toldFindings.filter { $0.mechanism == .switchedOffWithoutEffect }
        for finding in findings {
            #expect(finding.role == .counterfactual, sourceLocation: sourceLocation)
            #expect(finding.replications == ReplicationSet(count: replications, firstSeed: e.spec.seed), sourceLocation: sourceLocation)
            for figure in finding.figures {
                guard case .explained(let measure) = figure.measure else {
                    Issue.record("\(finding.sentence): a figure not measured over the replications: \(figure.measure)", sourceLocation: sourceLocation)
                    continue
                }
                let expected = recompute(measure, e)
                #expect(expected != nil, "\(measure): nothing to recompute", sourceLocation: sourceLocation)
                if let expected {
                    #expect(abs(figure.value - expected) <= 1e-9 * max(1, abs(expected)),
                            "\(measure): figure \(figure.value), recomputed \(expected) in \"\(finding.sentence)\"", sourceLocation: sourceLocation)
                }
                #expect(finding.sentence.contains(figure.text), "\(figure.text) not printed in \"\(finding.sentence)\"", sourceLocation: sourceLocation)
            }
        }
    }

    // MARK: - Tests

    @Test("On the storm, each finding carries the figures the runs give, and both switch-offs are causes")
    func stormFindings() throws {
        let e = try Self.storm.get()
        Self.expectFiguresHold(e)
        let findings = e.explanation.findings
        #expect(findings.map(\.subject) == ["clients.users.retry", "timeline.0"])
        #expect(findings.map(\.mechanism) == [.switchedOff, .switchedOff])
        let retry = try #require(findings.first?.switchedOff.first)
        #expect(retry.mechanism == "retry")
        #expect(retry.change == "max_attempts 4 -> 1 (no retries)")
        #expect(retry.effect == .cause)
        // Every base run is degraded or metastable and every run without retries recovers.
        #expect(retry.rule == .badOutcomes)
        #expect(findings[0].weight == 1)
        let spike = try #require(findings.last?.switchedOff.first)
        #expect(spike.effect == .cause)
        #expect(spike.changesDemand)
        // The effects are explain.json's: the findings and the table agree.
        #expect(findings.map { $0.switchedOff.first?.effect } == e.explanation.counterfactuals.map(\.effect))
    }

    @Test("With a retry budget: causes first, by rule then weight; the protection after them")
    func budgetRanking() throws {
        let e = try Self.budget.get()
        Self.expectFiguresHold(e)
        let told = e.explanation.toldFindings
        let effects = told.compactMap { $0.switchedOff.first.map { ($0.subject, $0.effect, $0.rule) } }
        // The spike decides on the runs knocked over (rule 2), retries on the success ratio
        // (rule 3): the spike first. The budget, whose absence turns every run bad, protects.
        #expect(effects.map(\.0) == ["timeline.0", "clients.users.retry", "clients.users.retry.budget"], "\(effects)")
        #expect(effects.map(\.1) == [.cause, .cause, .protection])
        #expect(effects.map(\.2) == [.disturbedRuns, .successRatio, .badOutcomes])
        // Nothing without effect here, so no sentence says so.
        #expect(!told.contains { $0.mechanism == .switchedOffWithoutEffect })
    }

    @Test("Told in the story of the base's first replication, after what it says, and held to its data")
    func storyOfTheRun() throws {
        let e = try Self.budget.get()
        let plain = Story(result: e.result, spec: e.spec, analysis: e.analysis)
        let story = Story(result: e.result, spec: e.spec, analysis: e.analysis, explanation: e.explanation)
        // The story's own findings unchanged and in their order; explain's told right after the
        // causes the story names (this run names some: the spike's backlog, the retries), at
        // their time, as toldFindings ranks them.
        let own = story.findings.filter { $0.role != .counterfactual }
        #expect(own.map(\.sentence) == plain.sentences)
        let explained = story.findings.filter { $0.role == .counterfactual }
        #expect(explained.map(\.sentence) == e.explanation.toldFindings.map(\.sentence))
        let causes = try #require(story.findings.firstIndex { $0.mechanism == .causes }, "the run names no cause")
        let after = story.findings[(causes + 1)...].prefix(explained.count)
        #expect(after.map(\.sentence) == explained.map(\.sentence))
        #expect(explained.allSatisfy { $0.time == story.findings[causes].time })
        #expect(story.counterfactuals.map(\.subject) == e.explanation.findings.map(\.subject))
        StoryChecker(series: e.result.timeSeries).check(story, spec: e.spec, endSeconds: e.result.endSeconds, label: "retry-storm --variant retry-budget, explained")
    }
}
