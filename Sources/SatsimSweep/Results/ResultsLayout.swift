/// What a results store holds, apart from the runs: enough to summarise, export, resume a check
/// and merge without the scenario file. Read back from a store for `merge`.
public struct ResultsLayout: Sendable, Hashable {
    /// The plan's identity text (``SweepPlan/identity``): runs are only ever stored beside runs
    /// of the same identity.
    public var identity: String
    public var scenario: String
    public var replications: Int
    /// The varied paths: one column each in `runs` and `points`.
    public var columns: [String]
    /// Each point's column values, by point index.
    public var points: [[String]]
    /// The figure columns, summary.json paths.
    public var figures: [String]

    public init(identity: String, scenario: String, replications: Int, columns: [String], points: [[String]], figures: [String]) {
        self.identity = identity
        self.scenario = scenario
        self.replications = replications
        self.columns = columns
        self.points = points
        self.figures = figures
    }

    /// The number of runs of the whole plan.
    public var runCount: Int { points.count * replications }

    /// The most columns a table of the store may have: SQLite's SQLITE_MAX_COLUMN, 2000 unless
    /// SQLite was built otherwise ("Limits In SQLite", sqlite.org/limits.html); a table past it is
    /// not created ("too many columns on points").
    public static let maximumColumns = 2000

    /// The columns of the store's widest table, `points` (four per figure), or of `runs`.
    public var widestTable: Int { max(5 + columns.count + figures.count, PointsTable.columns(self).count) }

    /// How many of the plan's first figures fit in ``maximumColumns`` beside its other columns.
    public var figuresThatFit: Int {
        var without = self
        without.figures = []
        let perFigure = 4
        return min(figures.count, max(0, (Self.maximumColumns - without.widestTable) / perFigure))
    }
}

extension SweepPlan {
    /// The store layout of the plan.
    public var layout: ResultsLayout {
        ResultsLayout(identity: identity, scenario: scenario, replications: replications, columns: columns,
                      points: points.map(\.values), figures: figures.map(\.path))
    }
}
