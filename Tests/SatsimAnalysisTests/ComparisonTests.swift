import SatsimAnalysis
import Testing

/// The statistics of `satsim compare`: Student-t intervals and differences paired by replication.
@Suite("Comparison of variants")
struct ComparisonTests {
    /// Runs of one figure with the given values, all with one outcome.
    static func runs(_ values: [Double?], outcome: Outcome = .stable, seed: UInt64 = 1) -> [RunFigures] {
        values.enumerated().map { r, v in RunFigures(seed: seed + UInt64(r), outcome: outcome, limit: nil, values: [v]) }
    }

    static let figure = [KeyFigure(.goodput(client: "users"))]

    @Test("The interval is mean ± t(0.975, n-1) s / sqrt(n)")
    func studentInterval() throws {
        let interval = try #require(MeanInterval(samples: [1, 2, 3, 4, 5]))
        #expect(interval.count == 5)
        #expect(abs(interval.mean - 3) < 1e-12)
        // t(0.975, 4) = 2.776445105, s = sqrt(2.5): tabulated values, to their printed precision.
        let halfWidth = try #require(interval.halfWidth)
        #expect(abs(halfWidth - 2.776445105 * (2.5 / 5).squareRoot()) < 1e-8)
    }

    @Test("No samples: no interval; one sample: a mean without a half width")
    func fewSamples() throws {
        #expect(MeanInterval(samples: []) == nil)
        let one = try #require(MeanInterval(samples: [4]))
        #expect(one.halfWidth == nil)
        #expect(!one.excludesZero)
    }

    @Test("A constant shift is marked although the variants' own intervals overlap: pairing removes shared noise")
    func pairedShiftIsMarked() throws {
        let base = [10.0, 20, 30, 40, 50]
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "plus-one"], figures: Self.figure,
            runs: [Self.runs(base), Self.runs(base.map { $0 + 1 })])
        let cell = comparison.figureRows[0].cells[1]
        let own = try #require(cell.interval?.halfWidth)
        #expect(own > 1, "the unpaired intervals overlap widely")
        let difference = try #require(cell.difference)
        #expect(abs(difference.mean - 1) < 1e-12)
        #expect(cell.differsFromBase)
        #expect(!comparison.figureRows[0].cells[0].differsFromBase)
    }

    @Test("A variant that changes nothing has a difference of 0 and is not marked")
    func nullVariantNotMarked() throws {
        let base = [10.0, 20, 30, 40, 50]
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "same"], figures: Self.figure,
            runs: [Self.runs(base), Self.runs(base)])
        let cell = comparison.figureRows[0].cells[1]
        #expect(cell.difference?.mean == 0)
        #expect(cell.difference?.halfWidth == 0)
        #expect(!cell.differsFromBase)
    }

    @Test("Differences that scatter around 0 are not marked")
    func noisyNullNotMarked() {
        let base = [10.0, 20, 30, 40, 50]
        let noise = [1.0, -1, 0.5, -0.5, 0]
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "noisy"], figures: Self.figure,
            runs: [Self.runs(base), Self.runs(zip(base, noise).map { $0 + $1 })])
        #expect(!comparison.figureRows[0].cells[1].differsFromBase)
    }

    @Test("Only replications where both runs have a value are paired (a recovery time)")
    func pairsOnlyWhereBothHaveValues() throws {
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([10, nil, 30, nil]), Self.runs([12, 5, 33, nil])])
        let cell = comparison.figureRows[0].cells[1]
        #expect(cell.interval?.count == 3)
        let difference = try #require(cell.difference)
        #expect(difference.count == 2)
        #expect(abs(difference.mean - 2.5) < 1e-12)
    }

    /// A variant that recovers beside a base that never did has no paired difference: its
    /// `differs_from_base` was `false` in comparison.csv and comparison.json, read as "no
    /// different". It is left empty (null), and so is one with a single pair (no interval).
    @Test("No paired difference to test: differs_from_base is empty, not false")
    func untestedDifferenceIsEmpty() {
        let never = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([nil, nil, nil]), Self.runs([20, 21, 19])])
        #expect(!never.figureRows[0].cells[1].differenceTested)
        #expect(never.csv.contains("recovery_time,v,3,20,"))
        #expect(never.csv.split(separator: "\n").first { $0.hasPrefix("recovery_time,v,") }?.hasSuffix(",,,") == true, "\(never.csv)")
        let onePair = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([10, nil, nil]), Self.runs([20, 21, 19])])
        #expect(!onePair.figureRows[0].cells[1].differenceTested)
        let tested = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([10, 11, 12]), Self.runs([20, 21, 19])])
        #expect(tested.figureRows[0].cells[1].differenceTested && tested.figureRows[0].cells[1].differsFromBase)
        #expect(tested.csv.split(separator: "\n").first { $0.hasPrefix("recovery_time,v,") }?.hasSuffix(",true") == true)
    }

    @Test("A run stopped before its warmup ended is counted as not judged, never as stable")
    func unjudgedRunsAreCountedApart() {
        let judged = Self.runs([1, 2], outcome: .stable)
        let unjudged = [RunFigures(seed: 3, outcome: nil, limit: "stopped at 0.5 s", values: [3])]
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "limited"], figures: Self.figure,
            runs: [Self.runs([1, 2, 3], outcome: .stable), judged + unjudged])
        #expect(comparison.outcomeCounts(variant: 1).map(\.outcome) == ["stable", "not_judged"])
        #expect(comparison.outcomeCounts(variant: 1).map(\.count) == [2, 1])
        #expect(comparison.outcomeRows.map(\.path) == ["outcome.stable", "outcome.not_judged"])
        #expect(comparison.table.contains("stable 2, not_judged 1"))
    }

    @Test("Outcome shares are compared like figures, and counted for the table")
    func outcomes() {
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "fixed", "same"], figures: Self.figure,
            runs: [
                Self.runs([1, 2, 3], outcome: .metastable), Self.runs([1, 2, 3], outcome: .recovered),
                Self.runs([1, 2, 3], outcome: .metastable),
            ])
        #expect(comparison.outcomeRows.map(\.path) == ["outcome.recovered", "outcome.metastable"])
        #expect(comparison.outcomeCounts(variant: 1).map(\.outcome) == ["recovered"])
        #expect(comparison.outcomesDiffer(variant: 1))
        #expect(!comparison.outcomesDiffer(variant: 2))
        #expect(comparison.table.contains("recovered 3 *"))
    }

    @Test("Runs that stopped at a limit are counted and listed, not hidden")
    func limitedRunsReported() {
        var limited = Self.runs([1, 2])
        limited[1].limit = "stopped after 100 events"
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: Self.figure,
            runs: [Self.runs([1, 2]), limited])
        #expect(comparison.limitedRuns.count == 1)
        #expect(comparison.limitedRuns.first?.variant == 1)
        #expect(comparison.table.contains("v, replication 1 (seed 2): stopped after 100 events"))
    }

    @Test("CSV fields with commas or quotes are quoted, formulas defused")
    func csvEscaping() {
        let comparison = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "a,\"b\"", "=cmd"], figures: Self.figure,
            runs: [Self.runs([1, 2]), Self.runs([1, 2]), Self.runs([1, 2])])
        let lines = comparison.csv.split(separator: "\n")
        #expect(lines[0] == "figure,variant,runs,mean,ci_half_width,difference,difference_ci_half_width,differs_from_base")
        #expect(lines.contains { $0.hasPrefix("clients.users.goodput_per_s,\"a,\"\"b\"\"\",2,") })
        // OWASP "CSV Injection": a leading `=` gets a `'` and the cell is wrapped in double quotes.
        #expect(lines.contains { $0.hasPrefix("clients.users.goodput_per_s,\"'=cmd\",2,") })
    }
}
