import SatsimModel

/// What `satsim compare` keeps of one run (one variant, one replication): its verdict and its
/// key figures, small and `Sendable`, so that runs made in parallel can be collected by index.
public struct RunFigures: Sendable, Hashable {
    /// The seed the run used.
    public var seed: UInt64
    /// The verdict, or nil when the run was not judged (it stopped before its warmup ended).
    public var outcome: Outcome?
    /// The limit's message when the run stopped at one; its figures are then partial.
    public var limit: String?
    /// One value per key figure, in the order of the figures it was read with; nil when the
    /// figure has no value in this run.
    public var values: [Double?]

    public init(seed: UInt64, outcome: Outcome?, limit: String?, values: [Double?]) {
        self.seed = seed
        self.outcome = outcome
        self.limit = limit
        self.values = values
    }

    /// Reads `figures` from a finished run.
    public init(result: SimulationResult, analysis: RunAnalysis, figures: [KeyFigure]) {
        self.init(
            seed: result.seed, outcome: analysis.verdict.judgedOutcome, limit: result.limitHit?.message,
            values: figures.map { $0.value(result: result, analysis: analysis) })
    }
}
