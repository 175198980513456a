import SatsimAnalysis
import SatsimCore
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
        #expect(Self.field(never.csv, "recovery_time", "v", "differs_from_base") == "", "\(never.csv)")
        #expect(Self.field(never.csv, "recovery_time", "v", "difference") == "", "\(never.csv)")
        let onePair = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([10, nil, nil]), Self.runs([20, 21, 19])])
        #expect(!onePair.figureRows[0].cells[1].differenceTested)
        let tested = Comparison(
            scenario: "s", baseSeed: 1, variants: ["base", "v"], figures: [KeyFigure(.recoveryTime)],
            runs: [Self.runs([10, 11, 12]), Self.runs([20, 21, 19])])
        #expect(tested.figureRows[0].cells[1].differenceTested && tested.figureRows[0].cells[1].differsFromBase)
        #expect(Self.field(tested.csv, "recovery_time", "v", "differs_from_base") == "true", "\(tested.csv)")
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

    /// An outcome is 0 or 1 per run: its share has Wilson's interval (Wilson 1927) and its
    /// paired difference McNemar's mid-p test (McNemar 1947; Fagerland, Lydersen and Laake
    /// 2013), as ``McNemarTest`` defines them. A Student t interval on the 0/1 differences was 0
    /// wide whenever every pair agreed, so 2 runs of 2 that flipped were marked as differing
    /// (an A/A comparison at 2 replications marked 8% of seeds).
    @Test("Outcome shares: Wilson intervals, McNemar's mid-p for the paired runs, counted for the table")
    func outcomes() throws {
        func compared(_ n: Int) -> Comparison {
            let values = (1...n).map(Double.init)
            return Comparison(
                scenario: "s", baseSeed: 1, variants: ["base", "fixed", "same"], figures: Self.figure,
                runs: [
                    Self.runs(values, outcome: .metastable), Self.runs(values, outcome: .recovered),
                    Self.runs(values, outcome: .metastable),
                ])
        }
        // 5 of 5 flipped: mid-p 2 (1/32 - 1/64) = 1/32 < 0.05 (the exact test's 1/16 is not).
        let five = compared(5)
        #expect(five.outcomeRows.map(\.path) == ["outcome.recovered", "outcome.metastable"])
        #expect(five.outcomeCounts(variant: 1).map(\.outcome) == ["recovered"])
        #expect(five.outcomesDiffer(variant: 1))
        #expect(!five.outcomesDiffer(variant: 2))
        #expect(five.table.contains("recovered 5 *"))
        let test = try #require(five.outcomeRows[0].cells[1].pairedTest)
        #expect(test.onlyVariant == 5 && test.onlyBase == 0)
        #expect(abs(test.midP - 1.0 / 32) < 1e-15 && abs(test.exactP - 1.0 / 16) < 1e-15)
        #expect(five.outcomeRows[0].cells[2].pairedTest?.midP == 1)
        // Wilson at 5 of 5 and 0 of 5, z = 1.959964: [z^2/(n + z^2), 1] = [0.5655, 1] and [0, 0.4345].
        let all = try #require(five.outcomeRows[0].cells[1].share), none = try #require(five.outcomeRows[0].cells[0].share)
        #expect(all.high == 1 && abs(all.low - 0.56552) < 1e-4)
        #expect(none.low == 0 && abs(none.high - 0.43448) < 1e-4)
        #expect(five.outcomeRows[0].cells[1].interval?.halfWidth == nil)
        #expect(abs((Self.field(five.csv, "outcome.recovered", "fixed", "p_value").flatMap(Double.init) ?? 1) - 1.0 / 32) < 1e-12, "\(five.csv)")
        #expect(Self.field(five.csv, "outcome.recovered", "fixed", "ci_half_width") == "")
        #expect(Self.field(five.csv, "outcome.recovered", "fixed", "ci_high") == "1")
        // 2 or 3 of 2 or 3 flipped: mid-p 0.25 and 0.125, no difference to mark.
        for n in [2, 3] {
            let few = compared(n)
            #expect(!few.outcomesDiffer(variant: 1), "\(n)")
            #expect(few.outcomeRows[0].cells[1].differenceTested, "\(n)")
            #expect(few.table.contains("recovered \(n) "), "\(n)")
        }
    }

    /// McNemar's test by hand: 7 pairs only the variant has the outcome, 1 only the base: d = 8,
    /// k = 1, P(X <= 1) = 9/256 and P(X = 1) = 8/256 for X ~ Binomial(8, 1/2), so the exact p is
    /// 2 x 9/256 = 0.0703 and the mid-p 2 (9/256 - 4/256) = 0.0391 (McNemar 1947; Fagerland,
    /// Lydersen and Laake 2013, eqs. for the exact conditional and mid-p tests). Concordant pairs
    /// change nothing; no discordant pair gives p = 1; one pair gives no test.
    @Test("McNemar's exact and mid-p values against hand-computed binomial sums")
    func mcNemarByHand() throws {
        let pairs: [(variant: Bool, base: Bool)] = Array(repeating: (true, false), count: 7) + [(false, true)]
            + Array(repeating: (true, true), count: 4) + Array(repeating: (false, false), count: 9)
        let test = try #require(McNemarTest(pairs: pairs))
        #expect(test.pairs == 21 && test.onlyVariant == 7 && test.onlyBase == 1)
        #expect(abs(test.exactP - 18.0 / 256) < 1e-14 && abs(test.midP - 10.0 / 256) < 1e-14)
        #expect(abs(test.difference - 6.0 / 21) < 1e-15)
        #expect(test.differs() && !test.differs(level: 0.99))
        let mirrored = try #require(McNemarTest(pairs: pairs.map { ($0.base, $0.variant) }))
        #expect(mirrored.midP == test.midP && mirrored.difference == -test.difference)
        #expect(McNemarTest(pairs: Array(repeating: (true, true), count: 6))?.midP == 1)
        #expect(McNemarTest(pairs: [(true, false)]) == nil)
    }

    /// An A/A comparison (two columns whose runs have the outcome independently with the same
    /// probability) must mark a difference in at most 5% of comparisons. 20,000 comparisons at
    /// each of 2, 3, 5 and 10 replications, outcome probability 0.3: the rate marked stays
    /// below 0.05 + 3 standard errors (0.0046). A Student t interval on the 0/1 differences
    /// marked 2 flips of 2 (0 wide) and exceeds that at 2 replications.
    @Test("A/A outcome comparisons are marked at no more than 5%")
    func aaOutcomesAtMostNominal() {
        let stream = RandomStream(seed: 2026)
        for n in [2, 3, 5, 10] {
            var marked = 0, markedByT = 0
            let trials = 20_000
            for _ in 0..<trials {
                let pairs = (0..<n).map { _ in (variant: stream.uniform() < 0.3, base: stream.uniform() < 0.3) }
                if McNemarTest(pairs: pairs)?.differs() == true { marked += 1 }
                let t = MeanInterval(samples: pairs.map { ($0.variant ? 1.0 : 0) - ($0.base ? 1 : 0) })
                if t?.excludesZero == true { markedByT += 1 }
            }
            let rate = Double(marked) / Double(trials)
            #expect(rate <= 0.05 + 3 * (0.05 * 0.95 / Double(trials)).squareRoot(), "n = \(n): \(rate)")
            if n == 2 { #expect(Double(markedByT) / Double(trials) > 0.05, "the old rule at n = 2: \(markedByT)") }
        }
    }

    /// The field `column` of comparison.csv's row (`figure`, `variant`).
    static func field(_ csv: String, _ figure: String, _ variant: String, _ column: String) -> String? {
        let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        guard let header = lines.first, let index = header.firstIndex(of: column),
              let row = lines.first(where: { $0.count == header.count && $0[0] == figure && $0[1] == variant })
        else { return nil }
        return row[index]
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
        #expect(lines[0] == "figure,variant,runs,mean,ci_half_width,difference,difference_ci_half_width,differs_from_base,ci_low,ci_high,p_value")
        #expect(lines.contains { $0.hasPrefix("clients.users.goodput_per_s,\"a,\"\"b\"\"\",2,") })
        // OWASP "CSV Injection": a leading `=` gets a `'` and the cell is wrapped in double quotes.
        #expect(lines.contains { $0.hasPrefix("clients.users.goodput_per_s,\"'=cmd\",2,") })
    }
}
