import SatsimAnalysis

/// One row of the `points` table: a point's runs, the count and share of each outcome with its
/// 95% Wilson interval, and the mean and 95% Student-t interval of every figure.
public struct PointSummary: Sendable, Hashable {
    public var point: Int
    /// The point's column values.
    public var values: [String]
    /// Runs stored for the point.
    public var runs: Int
    /// Of those, runs that stopped at a limit.
    public var stoppedAtLimit: Int
    /// Per outcome, in ``Outcome`` order: the count among the judged runs and its Wilson interval
    /// (nil when no run was judged).
    public var outcomes: [(outcome: String, count: Int, share: WilsonInterval?)]
    /// Per figure, in the plan's order: the mean and t interval over the runs that have a value.
    public var figures: [MeanInterval?]

    public static func == (a: PointSummary, b: PointSummary) -> Bool {
        a.point == b.point && a.values == b.values && a.runs == b.runs && a.stoppedAtLimit == b.stoppedAtLimit
            && a.outcomes.map(\.outcome) == b.outcomes.map(\.outcome) && a.outcomes.map(\.count) == b.outcomes.map(\.count)
            && a.outcomes.map(\.share) == b.outcomes.map(\.share) && a.figures == b.figures
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(point)
        hasher.combine(runs)
    }

    /// Summarises `records` (the runs of point `point`, any order: they are sorted by
    /// replication first, so the same runs always give the same bits).
    public init(point: Int, values: [String], records: [RunRecord], figureCount: Int, level: Double = 0.95) {
        let sorted = records.sorted { $0.key < $1.key }
        self.point = point
        self.values = values
        runs = sorted.count
        stoppedAtLimit = sorted.filter { $0.limit != nil }.count
        let judged = sorted.compactMap(\.outcome)
        outcomes = Outcome.allCases.map { outcome in
            let count = judged.filter { $0 == outcome.rawValue }.count
            return (outcome.rawValue, count, WilsonInterval(successes: count, trials: judged.count, level: level))
        }
        figures = (0..<figureCount).map { f in
            MeanInterval(samples: sorted.compactMap { f < $0.values.count ? $0.values[f] : nil }, level: level)
        }
    }

    /// The share of `outcome`, or nil.
    public func share(of outcome: Outcome) -> WilsonInterval? {
        outcomes.first { $0.outcome == outcome.rawValue }?.share
    }
}
