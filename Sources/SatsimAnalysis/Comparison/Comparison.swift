/// A side-by-side comparison of a scenario's base and its variants over replications with common
/// random numbers: what `satsim compare` prints and writes.
///
/// Replication r of every variant ran with the same seed (base seed + r), so a variant differs
/// from the base only by what it changes. Differences are therefore judged *paired by
/// replication*: for each figure, the confidence interval of the per-replication differences
/// (variant - base) is computed, and a variant is marked as differing from the base when that
/// interval excludes 0; the share of runs with an outcome, 0 or 1 per run, is judged by
/// McNemar's test of the paired runs instead (``McNemarTest``), and its interval is Wilson's.
/// Pairing removes the noise both runs share, which is why a handful of
/// replications is enough to see a real effect, and why a variant that changes nothing shows a
/// difference of exactly 0.
public struct Comparison: Sendable {
    /// The column name of the scenario without a variant.
    public static let baseName = "base"

    /// One compared quantity across the variants.
    public struct Row: Sendable, Hashable {
        /// `clients.users.goodput_per_s`, or `outcome.NAME` for the share of runs with that outcome.
        public var path: String
        /// One cell per variant, base first.
        public var cells: [Cell]
    }

    /// One quantity for one variant.
    public struct Cell: Sendable, Hashable {
        /// Mean and interval over the replications where the quantity has a value; nil when none has.
        /// An outcome share has its mean here and its interval in ``share`` (no Student t half width).
        public var interval: MeanInterval?
        /// Mean and interval of (variant - base) over the replications where both have a value;
        /// nil for the base itself and when no replication pairs up. An outcome share's difference
        /// has no interval: ``pairedTest`` judges it.
        public var difference: MeanInterval?
        /// An outcome share's Wilson interval (nil for a key figure).
        public var share: WilsonInterval? = nil
        /// An outcome share's paired test against the base (nil for a key figure, the base, and
        /// fewer than two runs).
        public var pairedTest: McNemarTest? = nil
        /// The confidence level: a paired test differs below a p-value of 1 - level.
        public var level: Double = 0.95
        /// Whether the variant differs from the base: a key figure's paired interval excludes 0,
        /// an outcome share's McNemar mid-p value is below 1 - level.
        public var differsFromBase: Bool {
            if let pairedTest { return pairedTest.differs(level: level) }
            return difference?.excludesZero ?? false
        }
        /// Whether the paired difference could be tested at all: it has an interval (or an
        /// outcome's paired test), from at least two runs where both the variant and the base
        /// have the figure. A variant that recovers beside a base that never did has no paired
        /// difference, and `differs_from_base: false` read as "no different" (comparison.json,
        /// comparison.csv write null and an empty field instead).
        public var differenceTested: Bool {
            if pairedTest != nil { return true }
            return difference?.halfWidth.map(\.isFinite) ?? false
        }
    }

    public var scenario: String
    /// The seed of replication 0; replication r used `baseSeed &+ r`.
    public var baseSeed: UInt64
    public var replications: Int
    /// Confidence level of every interval (0.95).
    public var level: Double
    /// Column names: `base`, then the variants in the order asked for.
    public var variants: [String]
    public var figures: [KeyFigure]
    /// The runs, `[variant][replication]`.
    public var runs: [[RunFigures]]
    /// One row per key figure, in the figures' order.
    public var figureRows: [Row]
    /// One row per outcome that occurred in any run (in ``Outcome``'s order): the share of a
    /// variant's runs with that outcome, a 0/1 figure per run, paired like the others.
    public var outcomeRows: [Row]

    /// Aggregates `runs` (`[variant][replication]`, base first, read with `figures`).
    ///
    /// - Complexity: O(variants x replications x figures).
    public init(
        scenario: String, baseSeed: UInt64, variants: [String], figures: [KeyFigure], runs: [[RunFigures]],
        level: Double = 0.95
    ) {
        precondition(!variants.isEmpty && variants.count == runs.count,
            "one list of runs per variant: \(variants.count) variants, \(runs.count) lists")
        let replications = runs[0].count
        precondition(runs.allSatisfy { $0.count == replications },
            "every variant needs the same replications: \(runs.map(\.count))")
        self.scenario = scenario
        self.baseSeed = baseSeed
        self.replications = replications
        self.level = level
        self.variants = variants
        self.figures = figures
        self.runs = runs

        func row(_ path: String, _ value: (RunFigures) -> Double?) -> Row {
            let base = runs[0].map(value)
            let cells = runs.enumerated().map { index, variantRuns in
                let values = variantRuns.map(value)
                let interval = MeanInterval(samples: values.compactMap { $0 }, level: level)
                guard index > 0 else { return Cell(interval: interval, difference: nil) }
                var differences: [Double] = []
                for (v, b) in zip(values, base) {
                    if let v, let b { differences.append(v - b) }
                }
                return Cell(interval: interval, difference: MeanInterval(samples: differences, level: level))
            }
            return Row(path: path, cells: cells)
        }
        figureRows = figures.indices.map { i in row(figures[i].path) { $0.values[i] } }
        let occurred = Set(runs.joined().map(\.outcome))
        // An outcome is 0 or 1 per run: its share has a Wilson interval and its paired
        // difference McNemar's test (a Student t interval on 0/1 data is 0 wide whenever every
        // run agrees, and claimed a difference from 2 runs of 2).
        outcomeRows = Self.outcomeLabels.filter { occurred.contains($0.outcome) }.map { entry in
            var shares = row("outcome.\(entry.label)") { $0.outcome == entry.outcome ? 1 : 0 }
            let base = runs[0].map { $0.outcome == entry.outcome }
            for (index, variantRuns) in runs.enumerated() {
                let has = variantRuns.map { $0.outcome == entry.outcome }
                shares.cells[index].interval?.halfWidth = nil
                shares.cells[index].difference?.halfWidth = nil
                shares.cells[index].share = WilsonInterval(successes: has.filter { $0 }.count, trials: has.count, level: level)
                shares.cells[index].level = level
                if index > 0 { shares.cells[index].pairedTest = McNemarTest(pairs: zip(has, base).map { ($0, $1) }) }
            }
            return shares
        }
    }

    /// Every verdict a run can get, with its name in outputs: the outcomes in ``Outcome``'s
    /// order, then `not_judged` for a run stopped before its warmup ended, which is counted
    /// apart instead of as any outcome.
    static let outcomeLabels: [(outcome: Outcome?, label: String)] =
        Outcome.allCases.map { ($0, $0.rawValue) } + [(nil, "not_judged")]

    /// How many runs of variant `index` ended with each outcome (by its label, `not_judged`
    /// included), most frequent first (ties in ``Outcome``'s order); outcomes that did not occur
    /// are left out.
    public func outcomeCounts(variant index: Int) -> [(outcome: String, count: Int)] {
        let counts = Self.outcomeLabels.map { entry in (entry.label, runs[index].filter { $0.outcome == entry.outcome }.count) }
        return counts.enumerated().filter { $0.element.1 > 0 }
            .sorted { a, b in a.element.1 != b.element.1 ? a.element.1 > b.element.1 : a.offset < b.offset }
            .map { (outcome: $0.element.0, count: $0.element.1) }
    }

    /// Whether any outcome share of variant `index` differs from the base's.
    public func outcomesDiffer(variant index: Int) -> Bool {
        outcomeRows.contains { $0.cells[index].differsFromBase }
    }

    /// The runs that stopped at a limit: (variant index, replication, run).
    public var limitedRuns: [(variant: Int, replication: Int, run: RunFigures)] {
        runs.enumerated().flatMap { v, variantRuns in
            variantRuns.enumerated().compactMap { r, run in run.limit == nil ? nil : (v, r, run) }
        }
    }
}
