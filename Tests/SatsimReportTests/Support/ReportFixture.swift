import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport

/// Small fixed runs for the report's tests: a few seconds of simulated time, fast in a debug
/// build, with a warmup, a fault window and a step on the timeline so that every kind of mark
/// is drawn.
struct ReportFixture {
    var spec: ScenarioSpec
    var result: SimulationResult
    var analysis: RunAnalysis

    /// The golden files' directory.
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Golden")

    /// Text that breaks markup unless escaped.
    static let hostile = "<script>alert(\"x\")</script> & 'quoted'"

    init(spec: ScenarioSpec, limits: RunLimits = RunLimits()) {
        self.spec = spec
        result = Simulation(spec: spec).run(limits: limits)
        analysis = RunAnalysis(result: result, spec: spec)
    }

    /// A service pushed past its capacity by a short spike, with clients that retry.
    static func small(client: String = "users", service: String = "api", description: String? = nil) -> ScenarioSpec {
        ScenarioSpec(
            name: "small-spike",
            description: description ?? "Two instances of a small service; a four-second spike pushes them past capacity.",
            duration: SimTime(seconds: 30), warmup: SimTime(seconds: 3), seed: 11,
            clients: [
                ClientSpec(
                    name: client, target: service, arrival: .poisson(rate: 300), timeout: SimTime(seconds: 0.5),
                    retry: RetrySpec(maxAttempts: 3, on: [.timeout, .error]))
            ],
            services: [
                ServiceSpec(
                    name: service, instances: 2, workers: 4, serviceTime: .lognormal(mean: 0.02, cv: 1),
                    queue: QueueSpec(capacity: 100))
            ],
            timeline: [
                TimelineEventSpec(
                    at: SimTime(seconds: 12), duration: SimTime(seconds: 4), action: .loadSpike(client: client, factor: 1.6)),
                TimelineEventSpec(
                    at: SimTime(seconds: 20),
                    action: .set(ScalarOverride(path: "clients.\(client).retry.max_attempts", value: "1"))),
            ])
    }

    /// The compare report of the small run: the base and a variant without retries, two
    /// replications each (seeds 11 and 12, common to both columns).
    static func comparisonPage() -> String {
        let (comparison, traces, base) = comparisonParts()
        return ComparisonPage.render(comparison: comparison, traces: traces, spec: base, provenances: [.none, .none])
    }

    /// What ``comparisonPage()`` renders: the comparison, its traces and the base scenario.
    static func comparisonParts() -> (comparison: Comparison, traces: [[RunTrace]], base: ScenarioSpec) {
        let base = small()
        var variant = base
        variant.clients[0].retry?.maxAttempts = 1
        let figures = KeyFigure.all(for: base)
        let (runs, traces) = columns([base, variant], replications: 2, figures: figures)
        let comparison = Comparison(scenario: base.name, baseSeed: base.seed, variants: ["base", "no-retries"], figures: figures, runs: runs)
        return (comparison, traces, base)
    }

    /// The explain report of the small run: the base and each of its counterfactuals, three
    /// replications each (seeds 11 to 13, common to every row).
    static func explanationPage() -> String {
        let base = small()
        let counterfactuals = Counterfactual.all(for: base)
        let figures = KeyFigure.all(for: base)
        let (runs, traces) = columns([base] + counterfactuals.map(\.spec), replications: 3, figures: figures)
        let explanation = Explanation(scenario: base.name, baseSeed: base.seed, counterfactuals: counterfactuals, figures: figures, runs: runs)
        return ComparisonPage.render(explanation: explanation, traces: traces, spec: base, provenance: .none)
    }

    /// Each spec run `replications` times on seeds base + r (the first spec's seed, common to
    /// every column): the figures and the traces of each column.
    static func columns(_ specs: [ScenarioSpec], replications: Int, figures: [KeyFigure]) -> ([[RunFigures]], [[RunTrace]]) {
        var runs: [[RunFigures]] = [], traces: [[RunTrace]] = []
        for spec in specs {
            var figureColumn: [RunFigures] = [], traceColumn: [RunTrace] = []
            for r in 0..<replications {
                var seeded = spec
                seeded.seed = (specs.first?.seed ?? spec.seed) + UInt64(r)
                let run = ReportFixture(spec: seeded)
                figureColumn.append(RunFigures(result: run.result, analysis: run.analysis, figures: figures))
                traceColumn.append(RunTrace(result: run.result))
            }
            runs.append(figureColumn)
            traces.append(traceColumn)
        }
        return (runs, traces)
    }
}
