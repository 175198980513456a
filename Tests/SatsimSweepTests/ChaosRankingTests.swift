import SatsimModel
import SatsimScenario
import SatsimSweep
import Testing

/// The plan of `satsim chaos` and its two rules, damage and emergence, on records made by hand so
/// that every expected figure follows by exact arithmetic from the definitions in
/// ``ChaosRanking`` (scenario-format.md, "CHAOS").
@Suite("chaos: combinations, damage and the emergent rule")
struct ChaosRankingTests {
    /// Three faults of a small scenario; nothing here is simulated.
    /// A scenario that nothing in these tests runs, before its `chaos` block.
    static let tiny = """
        name: tiny
        description: Nothing runs.
        duration: 60s
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { instances: 4, workers: 1, service_time: { dist: exponential, mean: 10ms } }

        """

    static func search(faults: Int = 3, maxTogether: Int = 2, replications: Int = 3, off: Set<Int> = []) throws -> ChaosSearch {
        let items = (0..<faults).map {
            "    - { kind: kill, service: api, count: 1, label: f\($0)\(off.contains($0) ? ", enabled: false" : "") }"
        }.joined(separator: "\n")
        let text = Self.tiny + """
            chaos:
              at: 10s
              max_together: \(maxTogether)
              replications: \(replications)
              faults:
            \(items)

            """
        let spec = try ScenarioLoader.parse(text: text, file: "tiny.yaml")
        let chaos = try #require(spec.chaos)
        return ChaosSearch(spec: spec, chaos: chaos, maxTogether: nil, replications: nil, source: "")
    }

    /// Records for every point: `outcome(point, replication)` and `successes(point, replication)`.
    static func records(_ search: ChaosSearch, outcome: ([Int], Int) -> String,
                        successes: ([Int], Int) -> Double = { _, _ in 100 }) -> [RunRecord] {
        search.plan.allRuns.map { key in
            let faults = search.combinations[key.point]
            return RunRecord(key: key, seed: search.plan.seed(of: key), outcome: outcome(faults, key.replication), limit: nil,
                             values: [successes(faults, key.replication)] + Array(repeating: nil, count: search.plan.figures.count - 1))
        }
    }

    static func entry(_ ranking: ChaosRanking, _ faults: [Int]) throws -> ChaosRanking.Entry {
        try #require(ranking.combinations.first { $0.faults == faults })
    }

    @Test func aFaultSwitchedOffJoinsNoCombinationAndKeepsTheOthersIndices() throws {
        let search = try Self.search(faults: 4, maxTogether: 2, replications: 1, off: [1])
        // Faults 0, 2, 3 stay: 3 alone and 3 pairs, the baseline first; fault 3 is still "3".
        #expect(search.combinations == [[], [0], [2], [3], [0, 2], [0, 3], [2, 3]])
    }

    @Test func tenFaultsThreeTogetherMake175CombinationsInLexicographicOrder() throws {
        let search = try Self.search(faults: 10, maxTogether: 3, replications: 1)
        // C(10,1) + C(10,2) + C(10,3) = 10 + 45 + 120, and the baseline first.
        #expect(search.combinations.count == 176)
        #expect(search.combinations[0] == [])
        #expect(Set(search.combinations).count == 176)
        #expect(search.combinations[1...3] == [[0], [1], [2]])
        #expect(search.combinations[11] == [0, 1] && search.combinations[56] == [0, 1, 2])
        #expect(search.combinations.last == [7, 8, 9])
        #expect(search.plan.points.map(\.values) == search.combinations.map { [ChaosSearch.name($0)] })
    }

    @Test func everyCombinationRunsOnTheBaselinesSeeds() throws {
        let search = try Self.search()
        for replication in 0..<3 {
            let seeds = Set(search.combinations.indices.map { search.plan.seed(of: RunKey(point: $0, replication: replication)) })
            #expect(seeds.count == 1, "common random numbers: one seed per replication")
        }
        #expect(search.plan.seed(of: RunKey(point: 0, replication: 0)) != search.plan.seed(of: RunKey(point: 0, replication: 1)))
    }

    @Test func theFaultsAreAddedAtChaosAtPlusTheirOffset() throws {
        let search = try Self.search()
        let spec = search.spec(of: search.combinations.firstIndex(of: [0, 2]) ?? -1)
        #expect(spec.timeline.count == 2 && spec.timeline.allSatisfy { $0.at.seconds == 10 })
        #expect(spec.chaos == nil && search.spec(of: 0).timeline.isEmpty)
    }

    @Test func aPairThatFailsWhereEachPartPassesIsEmergentAndNothingElseIs() throws {
        let search = try Self.search()
        let ranking = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults == [0, 1] ? "metastable" : "stable"
        }))
        #expect(ranking.combinations.filter(\.emergent).map(\.faults) == [[0, 1]])
    }

    @Test func aStrictMajorityDecides() throws {
        let search = try Self.search()
        // Two of three runs of the pair fail: most. One of three parts' runs fails: still passes.
        let twoOfThree = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, r in
            (faults == [0, 1] && r < 2) || (faults == [0] && r == 0) ? "degraded" : "recovered"
        }))
        #expect(try Self.entry(twoOfThree, [0, 1]).emergent)
        // One of three runs of the pair fails: not most.
        let oneOfThree = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, r in
            faults == [0, 1] && r == 0 ? "metastable" : "stable"
        }))
        #expect(try !Self.entry(oneOfThree, [0, 1]).emergent)
        // With 4 replications, 2 of 4 is not a majority either way.
        let even = try Self.search(replications: 4)
        let half = ChaosRanking(search: even, records: Self.records(even, outcome: { faults, r in
            faults == [0, 1] && r < 2 ? "metastable" : "stable"
        }))
        #expect(try !Self.entry(half, [0, 1]).emergent)
    }

    @Test func aPairWhosePartFailsAloneIsNotEmergent() throws {
        let search = try Self.search()
        let ranking = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults.contains(0) ? "metastable" : "stable"
        }))
        #expect(ranking.combinations.allSatisfy { !$0.emergent })
        // Oscillating or overloaded parts neither pass nor fail: the pair is not emergent.
        let odd = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults == [0, 1] ? "metastable" : faults == [1] ? "oscillating" : "stable"
        }))
        #expect(try !Self.entry(odd, [0, 1]).emergent)
    }

    @Test func aFailingBaselineMakesNothingEmergent() throws {
        let search = try Self.search()
        let ranking = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults.isEmpty || faults == [0, 1] ? "metastable" : "stable"
        }))
        #expect(ranking.combinations.allSatisfy { !$0.emergent })
    }

    @Test func aTripleIsEmergentOnlyWhenEveryPairPasses() throws {
        let search = try Self.search(maxTogether: 3)
        let pairsPass = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults.count == 3 ? "metastable" : "stable"
        }))
        #expect(pairsPass.combinations.filter(\.emergent).map(\.faults) == [[0, 1, 2]])
        let pairFails = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults.count == 3 || faults == [1, 2] ? "metastable" : "stable"
        }))
        #expect(pairFails.combinations.filter(\.emergent).map(\.faults) == [[1, 2]])
    }

    @Test func damageIsTheShareOfTheBaselinesSuccessesLostClampedAndRankedWorstFirst() throws {
        let search = try Self.search()
        // Baseline 100 a run. [0]: 50, 70, 60 -> 1 - 180/300 = 0.4. [1]: 90 each -> 0.1.
        // [2]: 130 each (a fault that adds goodput) -> clamped to 0. [0, 1]: 0 -> 1.
        let successes: ([Int], Int) -> Double = { faults, r in
            switch faults {
            case [0]: return [50, 70, 60][r]
            case [1]: return 90
            case [2]: return 130
            case [0, 1]: return 0
            default: return 100
            }
        }
        let ranking = ChaosRanking(search: search, records: Self.records(search, outcome: { faults, _ in
            faults == [0, 2] ? "degraded" : "stable"
        }, successes: successes))
        #expect(try Self.entry(ranking, [0]).goodputLost == 1 - 180.0 / 300.0)
        #expect(try Self.entry(ranking, [1]).goodputLost == 1 - 270.0 / 300.0)
        #expect(try Self.entry(ranking, [2]).goodputLost == 0)
        #expect(try Self.entry(ranking, [0, 1]).goodputLost == 1)
        // Ties at 0 damage: more failing runs first ([0, 2]), then fewer faults, then indices.
        #expect(ranking.combinations.map(\.faults) == [[0, 1], [0], [1], [0, 2], [2], [1, 2]])
    }

    @Test func aPartialStoreComparesOnlyTheReplicationsBothHave() throws {
        let search = try Self.search()
        // The baseline lacks replication 2 (another shard's); [0]'s replication 2 must not count.
        let records = Self.records(search, outcome: { _, _ in "stable" }, successes: { faults, r in
            faults == [0] ? [80, 80, 0][r] : 100
        }).filter { !($0.key.point == 0 && $0.key.replication == 2) }
        let ranking = ChaosRanking(search: search, records: records)
        #expect(try Self.entry(ranking, [0]).goodputLost == 1 - 160.0 / 200.0)
    }
}
