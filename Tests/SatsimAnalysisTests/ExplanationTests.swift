import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// The effect rule of `satsim explain` on synthetic runs: bad outcomes first, then goodput, each
/// paired by replication as `compare` judges a variant (outcomes by McNemar's mid-p test,
/// figures by the 95% interval of the difference).
@Suite("explain: the effect rule")
struct ExplanationTests {
    static let figures = [KeyFigure(.goodput(client: "users")), KeyFigure(.recoveryTime)]
    static let spikeRemoved = Counterfactual(
        mechanism: "fault", subject: "timeline.0", change: "load_spike on users at 2m0s for 10s removed",
        spec: ScenarioSpec(name: "x", duration: SimTime(seconds: 1), clients: [], services: []), changesDemand: true)
    static let counterfactual = Counterfactual(
        mechanism: "retry", subject: "clients.users.retry", change: "max_attempts 4 -> 1 (no retries)",
        spec: ScenarioSpec(name: "x", duration: SimTime(seconds: 1), clients: [], services: []))

    static func runs(_ outcomes: [Outcome], goodput: [Double], recovery: Double? = nil) -> [RunFigures] {
        zip(outcomes, goodput).enumerated().map { r, pair in
            RunFigures(seed: UInt64(r), outcome: pair.0, limit: nil, values: [pair.1, pair.0 == .recovered ? recovery : nil])
        }
    }

    static func effect(
        base: [RunFigures], without: [RunFigures], counterfactual: Counterfactual = counterfactual,
        figures: [KeyFigure] = figures
    ) -> Explanation.Effect {
        Explanation(scenario: "x", baseSeed: 0, counterfactuals: [counterfactual], figures: figures, runs: [base, without])
            .counterfactuals[0].effect
    }

    @Test("Fewer bad runs without it: a cause, even when goodput is lower")
    func fewerBadRunsIsCause() {
        let base = Self.runs(Array(repeating: .metastable, count: 5), goodput: [50, 60, 55, 52, 58])
        let without = Self.runs(Array(repeating: .recovered, count: 5), goodput: [40, 41, 42, 43, 44], recovery: 10)
        #expect(Self.effect(base: base, without: without) == .cause)
    }

    @Test("More bad runs without it: a protection")
    func moreBadRunsIsProtection() {
        let base = Self.runs(Array(repeating: .recovered, count: 5), goodput: [100, 101, 102, 103, 104], recovery: 5)
        let without = Self.runs(Array(repeating: .degraded, count: 5), goodput: [100, 101, 102, 103, 104])
        // 5 discordant pairs, all one way: McNemar's mid-p 2 (1/32 - 1/64) = 0.031 < 0.05.
        #expect(Self.effect(base: base, without: without) == .protection)
        // 4 of 5 (mid-p 2 (1/16 - 1/32) = 0.0625) do not tell the two apart, and goodput is the
        // same: no effect. (A Student t interval on the 0/1 differences, 0.8 +- 0.555, called it.)
        let fourOfFive = Self.runs([.degraded, .degraded, .degraded, .degraded, .recovered], goodput: [100, 101, 102, 103, 104], recovery: 5)
        #expect(Self.effect(base: base, without: fourOfFive) == .none)
    }

    @Test("Bad outcomes alike: goodput decides, when its paired interval excludes 0")
    func goodputDecides() {
        let base = Self.runs(Array(repeating: .stable, count: 5), goodput: [100, 120, 90, 110, 105])
        let higher = Self.runs(Array(repeating: .stable, count: 5), goodput: [102, 122, 92, 113, 106])
        let lower = Self.runs(Array(repeating: .stable, count: 5), goodput: [98, 118, 88, 107, 104])
        #expect(Self.effect(base: base, without: higher) == .cause)
        #expect(Self.effect(base: base, without: lower) == .protection)
    }

    @Test("A difference within the interval, or none, is no effect")
    func noEffect() {
        let base = Self.runs(Array(repeating: .stable, count: 5), goodput: [100, 120, 90, 110, 105])
        let noisy = Self.runs(Array(repeating: .stable, count: 5), goodput: [103, 117, 92, 108, 106])
        #expect(Self.effect(base: base, without: noisy) == .none)
        #expect(Self.effect(base: base, without: base) == .none)
        // One bad run of five more is within the interval of the paired difference.
        let oneMore = Self.runs([.degraded, .stable, .stable, .stable, .stable], goodput: [100, 120, 90, 110, 105])
        #expect(Self.effect(base: base, without: oneMore) == .none)
    }

    @Test("Recovery time is over the runs that recovered; null when none did")
    func recoveryOverRecoveredRuns() throws {
        let base = Self.runs([.recovered, .recovered, .degraded], goodput: [1, 1, 1], recovery: 12)
        let explanation = Explanation(
            scenario: "x", baseSeed: 0, counterfactuals: [Self.counterfactual], figures: Self.figures,
            runs: [base, Self.runs([.degraded, .degraded, .degraded], goodput: [1, 1, 1])])
        let recovery = try #require(explanation.base.recoveryTime)
        #expect(recovery.count == 2)
        #expect(recovery.mean == 12)
        #expect(explanation.counterfactuals[0].recoveryTime == nil)
        #expect(explanation.base.outcomes.map(\.outcome) == ["recovered", "degraded"])
    }

    @Test("Recovered against stable: the runs knocked over decide before goodput")
    func disturbedBeforeGoodput() {
        // A spike the system recovers from, removed: every run stable, less goodput because less
        // was offered. The spike is what knocked the runs over, so it is a cause.
        let base = Self.runs(Array(repeating: .recovered, count: 5), goodput: [558, 557, 559, 558, 560], recovery: 4)
        let without = Self.runs(Array(repeating: .stable, count: 5), goodput: [497, 498, 497, 499, 498])
        #expect(Self.effect(base: base, without: without, counterfactual: Self.spikeRemoved) == .cause)
        // The other way round, a mechanism whose absence knocks stable runs over protects.
        #expect(Self.effect(base: without, without: base) == .protection)
    }

    @Test("A removed load spike is never judged by the goodput it no longer asks for")
    func demandChangeSkipsGoodput() {
        let base = Self.runs(Array(repeating: .stable, count: 5), goodput: [600, 601, 602, 600, 601])
        let without = Self.runs(Array(repeating: .stable, count: 5), goodput: [500, 501, 502, 500, 501])
        #expect(Self.effect(base: base, without: without) == .protection)
        #expect(Self.effect(base: base, without: without, counterfactual: Self.spikeRemoved) == .none)
    }

    @Test("A significant but negligible goodput difference (under 1% of the base's) is no effect")
    func goodputFloor() {
        // Common random numbers make 600.0 against 600.1 significant: differences 0.1 every run.
        let base = Self.runs(Array(repeating: .stable, count: 5), goodput: [600.0, 600.2, 599.9, 600.1, 600.0])
        let tiny = Self.runs(Array(repeating: .stable, count: 5), goodput: [600.1, 600.3, 600.0, 600.2, 600.1])
        #expect(Self.effect(base: base, without: tiny) == .none)
        // 1% of 600 is 6/s: a difference of 6.5/s counts.
        let real = Self.runs(Array(repeating: .stable, count: 5), goodput: [606.5, 606.7, 606.4, 606.6, 606.5])
        #expect(Self.effect(base: base, without: real) == .cause)
    }

    @Test("Success ratio decides before goodput, past half a percentage point")
    func successRatioDecides() {
        let figures = [KeyFigure(.goodput(client: "users")), KeyFigure(.successRatio(client: "users")), KeyFigure(.recoveryTime)]
        func runs(_ ratio: [Double], goodput: Double) -> [RunFigures] {
            ratio.enumerated().map { RunFigures(seed: UInt64($0), outcome: .stable, limit: nil, values: [goodput, $1, nil]) }
        }
        let base = runs([0.95, 0.96, 0.95, 0.94, 0.95], goodput: 100)
        // Goodput higher without it, yet fewer requests succeed: the success ratio decides.
        let worse = runs([0.90, 0.91, 0.90, 0.89, 0.90], goodput: 120)
        #expect(Self.effect(base: base, without: worse, figures: figures) == .protection)
        let better = runs([0.99, 0.99, 0.99, 0.98, 0.99], goodput: 100)
        #expect(Self.effect(base: base, without: better, figures: figures) == .cause)
        // 0.1 of a percentage point is below the floor: goodput (equal) decides, so none.
        let negligible = runs([0.951, 0.961, 0.951, 0.941, 0.951], goodput: 100)
        #expect(Self.effect(base: base, without: negligible, figures: figures) == .none)
    }
}
