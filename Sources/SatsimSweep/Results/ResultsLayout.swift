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
    /// The scenario's `description`, for the page of the sweep or chaos search (`merge` writes
    /// it without the scenario file). Not part of the identity: a store written before it was
    /// kept reads as "".
    public var description = ""

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

    /// The `--set`s every run of the plan applied, as `PATH=VALUE`, in the order given: read back
    /// from the identity's `set` lines (``SweepPlan/context(sets:)``), so `merge` shows them too.
    public var settings: [String] {
        identity.split(separator: "\n", omittingEmptySubsequences: true)
            .compactMap { $0.hasPrefix("set ") ? String($0.dropFirst(4)) : nil }
    }

    /// "Every run applied --set A=1 and --set B=2 to the scenario file.", or nil without a
    /// `--set`: what a page or a printed table of the plan says, so that its figures are not read
    /// as the file's own.
    public var settingsSentence: String? {
        guard let last = settings.last else { return nil }
        let flags = settings.dropLast().map { "--set \($0)" }
        let list = flags.isEmpty ? "--set \(last)" : flags.joined(separator: ", ") + " and --set \(last)"
        return "Every run applied \(list) to the scenario file."
    }

    /// The most columns a table of the store may have: SQLite's SQLITE_MAX_COLUMN, 2000 unless
    /// SQLite was built otherwise ("Limits In SQLite", sqlite.org/limits.html); a table past it is
    /// not created ("too many columns on points"). Figures past it continue in further tables
    /// (``runsTables``, ``pointsTables``).
    public static let maximumColumns = 2000

    /// A table of the store and the figures it holds (indices into ``figures``, in order).
    public struct Table: Sendable, Hashable {
        public var name: String
        public var figures: Range<Int>
    }

    /// `runs`, with `point`, `replication`, the varied paths, `seed`, `outcome`, `limit_hit` and
    /// as many figures as fit, then `runs_2`, `runs_3`, ... with `point`, `replication` and the
    /// next figures, for a scenario whose figures need more columns than one table holds (22
    /// clients and 22 services need 2,055 in `points`).
    public var runsTables: [Table] {
        Self.split(figures.count, name: "runs", first: Self.maximumColumns - (5 + columns.count), next: Self.maximumColumns - 2)
    }

    /// `points` with its fixed columns (``PointsTable/fixedColumns(_:)``) and four per figure as
    /// fit, then `points_2`, ... with `point` and four columns for each of the next figures.
    public var pointsTables: [Table] {
        Self.split(figures.count, name: "points", first: (Self.maximumColumns - PointsTable.fixedColumns(self).count) / 4,
                   next: (Self.maximumColumns - 1) / 4)
    }

    /// Whether the columns the first tables hold before any figure (the varied paths among them)
    /// leave room for a figure in each: only a plan varying about 1,970 paths does not.
    public var fitsTables: Bool {
        5 + columns.count + 1 <= Self.maximumColumns && PointsTable.fixedColumns(self).count + 4 <= Self.maximumColumns
    }

    /// `count` figures cut into a first table of at most `first` and further ones of `next`.
    static func split(_ count: Int, name: String, first: Int, next: Int) -> [Table] {
        var tables = [Table(name: name, figures: 0..<min(count, max(0, first)))]
        var start = tables[0].figures.upperBound
        while start < count, next > 0 {
            let end = min(count, start + next)
            tables.append(Table(name: "\(name)_\(tables.count + 1)", figures: start..<end))
            start = end
        }
        return tables
    }
}

extension SweepPlan {
    /// The store layout of the plan.
    public var layout: ResultsLayout {
        var layout = ResultsLayout(identity: identity, scenario: scenario, replications: replications, columns: columns,
                                   points: points.map(\.values), figures: figures.map(\.path))
        layout.description = description
        return layout
    }
}
