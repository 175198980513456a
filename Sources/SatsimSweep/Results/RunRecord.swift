import SatsimAnalysis
import SatsimCore
import SatsimModel

/// One row of the `runs` table: what a sweep keeps of one run.
public struct RunRecord: Sendable, Hashable {
    public var key: RunKey
    public var seed: UInt64
    /// The verdict's name (`stable`, `metastable`, ...), or nil when the run was not judged (it
    /// stopped at a limit before its warmup ended).
    public var outcome: String?
    /// The limit's message when the run stopped at one; its figures are then partial.
    public var limit: String?
    /// One value per figure of the plan, in its order; nil where the run has none. A negative
    /// zero is stored as 0: SQLite does not keep the sign of a zero REAL, and a run must read
    /// back from the store exactly as it was made.
    public var values: [Double?]

    public init(key: RunKey, seed: UInt64, outcome: String?, limit: String?, values: [Double?]) {
        self.key = key
        self.seed = seed
        self.outcome = outcome
        self.limit = limit
        self.values = values.map { $0.map { $0 == 0 ? 0 : $0 } }
    }

    /// Simulates `spec` (a point's scenario) with the run's seed and reads the plan's figures.
    public static func simulate(spec: ScenarioSpec, key: RunKey, seed: UInt64, figures: [SweepFigure],
                                limits: RunLimits) -> RunRecord {
        simulateCounting(spec: spec, key: key, seed: seed, figures: figures, limits: limits).record
    }

    /// ``simulate(spec:key:seed:figures:limits:)``, with the run's counted events (for the
    /// sweep benchmark's events per second).
    public static func simulateCounting(spec: ScenarioSpec, key: RunKey, seed: UInt64, figures: [SweepFigure],
                                        limits: RunLimits) -> (record: RunRecord, events: Int) {
        var spec = spec
        spec.seed = seed
        let result = Simulation(spec: spec).run(limits: limits)
        let analysis = RunAnalysis(result: result, spec: spec)
        let record = RunRecord(key: key, seed: seed, outcome: analysis.verdict.judgedOutcome?.rawValue,
                               limit: result.limitHit?.message,
                               values: figures.map { $0.value(result: result, analysis: analysis) })
        return (record, result.eventCount)
    }
}
