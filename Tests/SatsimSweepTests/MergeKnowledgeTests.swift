import SatsimCore
import SatsimModel
import SatsimScenario
import SatsimSweep
import Testing

/// What `merge` reads from stores alone: whether a store holds a chaos search (and its outline,
/// so that it can write chaos.json without the scenario file), and where the runs still missing
/// belong (run k of a plan belongs to shard k mod N, ``Shard``).
@Suite("merge: a chaos store's outline and the runs still missing")
struct MergeKnowledgeTests {
    /// A search whose labels hold spaces and the word `at`, with one fault switched off and an
    /// offset on another, so the identity's fault lines are read from their ends.
    static func search() throws -> ChaosSearch {
        let text = ChaosRankingTests.tiny + """
            chaos:
              at: 1500ms
              max_together: 2
              replications: 3
              faults:
                - { kind: kill, service: api, count: 1, label: "lose one at 1s" }
                - { at: 2s, kind: kill, service: api, count: 2 }
                - { kind: kill, service: api, count: 3, label: off, enabled: false }
                - { kind: kill, service: api, count: 1, label: "a+b" }

            """
        let spec = try ScenarioLoader.parse(text: text, file: "tiny.yaml")
        let chaos = try #require(spec.chaos)
        return ChaosSearch(spec: spec, chaos: chaos, maxTogether: nil, replications: nil, source: "abc",
                           context: ["set services.api.workers=2"])
    }

    @Test func aChaosStoresLayoutGivesBackTheSearchsOutline() throws {
        let search = try Self.search()
        let outline = try #require(ChaosOutline(layout: search.plan.layout))
        #expect(outline == search.outline)
        #expect(outline.labels == ["lose one at 1s", "kill api", "off", "a+b"])
        #expect(outline.at == SimTime(nanoseconds: 1_500_000_000))
        // Faults 0, 1, 3 (2 is off): 3 alone, 3 pairs, and the baseline.
        #expect(outline.combinations == [[], [0], [1], [3], [0, 1], [0, 3], [1, 3]])
        #expect(outline.runCount == 21 && outline.largest == 2)
    }

    @Test func aSweepsLayoutIsNotAChaosSearch() throws {
        let spec = try Self.search().base
        let axis = SweepAxis(path: "services.api.instances", values: ["2", "4"])
        let plan = SweepPlan.grid(scenario: spec.name, seed: spec.seed, axes: [axis], replications: 2, figures: SweepFigure.all(for: spec))
        #expect(ChaosOutline(layout: plan.layout) == nil)
        // A sweep that varies a path named like chaos's column is still not one: no common seeds.
        let lookalike = SweepPlan.grid(scenario: spec.name, seed: spec.seed, axes: [SweepAxis(path: "faults", values: ["baseline", "0"])],
                                       replications: 2, figures: SweepFigure.all(for: spec))
        #expect(ChaosOutline(layout: lookalike.layout) == nil)
    }

    /// 4 points x 3 replications = 12 runs, dealt to 3 shards: run k to shard k mod 3. Shard 1
    /// holds runs 1, 4, 7, 10: (0,1), (1,1), (2,1), (3,1), one run of every point.
    @Test func theMissingRunsOfAShardAreNamedByShardAndPoint() {
        let layout = ResultsLayout(identity: "x", scenario: "s", replications: 3, columns: ["a"],
                                   points: [["1"], ["2"], ["3"], ["4"]], figures: [])
        let all = Set((0..<12).map { RunKey(point: $0 / 3, replication: $0 % 3) })
        let shard1 = Set([1, 4, 7, 10].map { RunKey(point: $0 / 3, replication: $0 % 3) })
        let missing = MissingRuns(layout: layout, stored: all.subtracting(shard1), shardCount: 3)
        #expect(missing.count == 4 && missing.planned == 12)
        #expect(missing.shards == [Shard(index: 1, count: 3)])
        #expect(missing.points == [0, 1, 2, 3])
        #expect(missing.sentence() == "4 of 12 runs are missing, from shard 1/3 (points 0-3)")
        // Without a noted shard count, the points alone.
        let unknown = MissingRuns(layout: layout, stored: all.subtracting(shard1), shardCount: nil)
        #expect(unknown.sentence() == "4 of 12 runs are missing, from points 0-3")
        // One run of point 2, and every run of the last point.
        let scattered = MissingRuns(layout: layout, stored: all.subtracting([RunKey(point: 2, replication: 0)])
            .subtracting((0..<3).map { RunKey(point: 3, replication: $0) }), shardCount: nil)
        #expect(scattered.sentence() == "4 of 12 runs are missing, from points 2-3")
        let one = MissingRuns(layout: layout, stored: all.subtracting([RunKey(point: 0, replication: 2)]), shardCount: 3)
        #expect(one.sentence() == "1 of 12 runs is missing, from shard 2/3 (point 0)")
        #expect(MissingRuns(layout: layout, stored: all, shardCount: 3).count == 0)
    }

    @Test func longListsAreCutWithHowManyMore() {
        let layout = ResultsLayout(identity: "x", scenario: "s", replications: 1, columns: ["a"],
                                   points: (0..<40).map { [String($0)] }, figures: [])
        // Every even point missing: 20 single points, 8 listed.
        let stored = Set((0..<40).filter { $0 % 2 == 1 }.map { RunKey(point: $0, replication: 0) })
        let missing = MissingRuns(layout: layout, stored: stored, shardCount: nil)
        #expect(missing.sentence() == "20 of 40 runs are missing, from points 0, 2, 4, 6, 8, 10, 12, 14 and 12 more")
    }

    @Test func shardsWithDifferentCountsNameNoShard() {
        #expect(MissingRuns.commonShardCount([Shard(index: 0, count: 2), Shard(index: 1, count: 2)]) == 2)
        #expect(MissingRuns.commonShardCount([Shard(index: 0, count: 2), Shard(index: 1, count: 3)]) == nil)
        #expect(MissingRuns.commonShardCount([]) == nil)
    }

    @Test func theSlurmScriptRunsTheCommandItIsGiven() {
        let script = SlurmScript(satsim: "/bin/satsim", command: "chaos", file: "/s/pair.yaml", arguments: ["--seed", "3"],
                                 out: "/o", scenario: "pair", tasks: 2, cpusPerTask: 1).text
        #expect(script.contains("exec '/bin/satsim' chaos '/s/pair.yaml' '--seed' '3' \\"))
        #expect(script.contains("# satsim chaos of pair as a Slurm job array"))
        #expect(script.contains("exec '/bin/satsim' merge \\"))
    }
}
