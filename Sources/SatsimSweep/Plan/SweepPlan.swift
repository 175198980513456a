import SatsimModel

/// Everything a sweep will run, before anything runs: the points, the replications of each,
/// the figures stored, and each run's seed. `sweep` builds one from a grid (``grid(scenario:seed:axes:replications:figures:sets:source:)``);
/// another command may build one from any list of points, and gets the same store, resume and
/// shards.
public struct SweepPlan: Sendable, Hashable {
    /// The scenario's name.
    public var scenario: String
    /// The seed every run's seed derives from (``RunSeed``).
    public var baseSeed: UInt64
    /// The names of the columns that tell points apart: the varied paths.
    public var columns: [String]
    /// The points, `points[i].index == i`.
    public var points: [SweepPoint]
    /// Runs per point.
    public var replications: Int
    /// The figures stored for every run.
    public var figures: [SweepFigure]
    /// What else the runs depend on (the `--set`s, a digest of the scenario file): part of the
    /// identity, so a store is only resumed or merged with runs of the same plan.
    public var context: [String]
    /// Common random numbers: every point's replication r runs on the same seed (`chaos`, where
    /// combinations are compared run by run), instead of seeds derived from each point's key.
    public var commonSeeds = false
    /// The scenario's `description`, kept in the store for the outputs' page; not part of the
    /// identity (a reworded description does not make the runs different).
    public var description = ""

    public init(scenario: String, baseSeed: UInt64, columns: [String], points: [SweepPoint], replications: Int,
                figures: [SweepFigure], context: [String]) {
        precondition(points.indices.allSatisfy { points[$0].index == $0 }, "points must be numbered 0, 1, ... in order")
        precondition(points.allSatisfy { $0.values.count == columns.count }, "every point needs one value per column")
        precondition(replications > 0, "replications must be > 0, got \(replications)")
        self.scenario = scenario
        self.baseSeed = baseSeed
        self.columns = columns
        self.points = points
        self.replications = replications
        self.figures = figures
        self.context = context
    }

    /// Every combination of the axes' values, the first axis varying slowest (row-major), so the
    /// point at axis positions (i0, i1, ...) has index i0 x n1 x n2 ... + i1 x n2 ... + ...
    /// - Parameters:
    ///   - sets: the sweep's `--set`s, applied to every point before its own values.
    ///   - source: a digest of the scenario file's text, so a changed file is not resumed.
    public static func grid(
        scenario: String, seed: UInt64, axes: [SweepAxis], replications: Int, figures: [SweepFigure],
        sets: [ScalarOverride] = [], source: String = ""
    ) -> SweepPlan {
        var combinations: [[String]] = [[]]
        for axis in axes {
            combinations = combinations.flatMap { prefix in axis.values.map { prefix + [$0] } }
        }
        let points = combinations.enumerated().map { index, values in
            SweepPoint(index: index, values: values,
                       overrides: zip(axes, values).map { ScalarOverride(path: $0.path, value: $1) })
        }
        let context = Self.context(sets: sets) + (source.isEmpty ? [] : ["source \(source)"])
        return SweepPlan(scenario: scenario, baseSeed: seed, columns: axes.map(\.path), points: points,
                         replications: replications, figures: figures, context: context)
    }

    /// The identity lines of `--set`s applied to every point (`set PATH=VALUE`), for any plan.
    public static func context(sets: [ScalarOverride]) -> [String] {
        sets.map { "set \($0.path)=\($0.value)" }
    }

    /// The number of runs: points x replications.
    public var runCount: Int { points.count * replications }

    /// Every run, points in order and replications within each point: run number k is
    /// (k / replications, k mod replications).
    public var allRuns: [RunKey] {
        (0..<runCount).map { RunKey(point: $0 / replications, replication: $0 % replications) }
    }

    /// The runs of one shard (``Shard``).
    public func runs(in shard: Shard) -> [RunKey] {
        (0..<runCount).filter(shard.holds(runNumber:)).map { RunKey(point: $0 / replications, replication: $0 % replications) }
    }

    /// The seed of a run.
    public func seed(of run: RunKey) -> UInt64 {
        RunSeed.derive(base: baseSeed, pointKey: commonSeeds ? "" : points[run.point].key, replication: run.replication)
    }

    /// The text a store keeps to recognise its plan: two plans with the same identity run the
    /// same runs with the same seeds and store the same columns.
    public var identity: String {
        var lines = ["scenario \(scenario)", "seed \(baseSeed)", "replications \(replications)"]
        lines += columns.map { "column \($0)" }
        lines += points.map { point in
            "point \(point.index) " + (point.variant.map { "variant \($0) " } ?? "") + point.key
        }
        lines += figures.map { "figure \($0.path)" }
        lines += context
        if commonSeeds { lines.append("common seeds") }
        return lines.joined(separator: "\n")
    }
}
