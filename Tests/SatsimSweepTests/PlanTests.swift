import Foundation
import SatsimModel
import Testing
@testable import SatsimSweep

@Suite("Sweep plans: grid order, seeds, shards")
struct PlanTests {
    static let axes = [SweepAxis(path: "a.x", values: ["1", "2", "3"]), SweepAxis(path: "b.y", values: ["10s", "20s"])]

    static func plan(replications: Int = 4, seed: UInt64 = 42) -> SweepPlan {
        SweepPlan.grid(scenario: "demo", seed: seed, axes: axes, replications: replications, figures: [SweepFigure(.recoveryTime)])
    }

    @Test func theGridIsRowMajorFirstAxisSlowest() {
        let plan = Self.plan()
        #expect(plan.points.map(\.values) == [["1", "10s"], ["1", "20s"], ["2", "10s"], ["2", "20s"], ["3", "10s"], ["3", "20s"]])
        #expect(plan.points[3].overrides == [ScalarOverride(path: "a.x", value: "2"), ScalarOverride(path: "b.y", value: "20s")])
        #expect(plan.runCount == 24)
    }

    @Test func aRunsSeedDependsOnTheScenarioSeedThePointAndTheReplicationOnly() {
        let plan = Self.plan()
        let seeds = plan.allRuns.map(plan.seed(of:))
        #expect(Set(seeds).count == seeds.count, "every run has its own seed")
        // The same point in a larger grid (a value added to an axis) keeps its seeds.
        var wider = Self.axes
        wider[0].values.insert("0", at: 0)
        let other = SweepPlan.grid(scenario: "demo", seed: 42, axes: wider, replications: 4, figures: [])
        #expect(other.seed(of: RunKey(point: 2, replication: 3)) == plan.seed(of: RunKey(point: 0, replication: 3)))
        #expect(Self.plan(seed: 43).seed(of: RunKey(point: 0, replication: 0)) != plan.seed(of: RunKey(point: 0, replication: 0)))
        // Pinned: seeds must never change between versions, or stored sweeps stop resuming.
        #expect(RunSeed.derive(base: 1, pointKey: "a=1", replication: 0) == RunSeed.derive(base: 1, pointKey: "a=1", replication: 0))
        #expect(RunSeed.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(RunSeed.fnv1a("a") == 0xaf63_dc4c_8601_ec8c)
    }

    @Test(arguments: [1, 2, 3, 5, 7, 24, 30])
    func shardsAreDisjointAndTogetherHoldEveryRunOnce(count: Int) {
        let plan = Self.plan()
        let slices = (0..<count).map { plan.runs(in: Shard(index: $0, count: count)) }
        let all = slices.flatMap { $0 }
        #expect(all.count == plan.runCount)
        #expect(Set(all) == Set(plan.allRuns))
    }

    @Test func shardTextIsParsed() {
        #expect(Shard(parsing: "0/4") == Shard(index: 0, count: 4))
        #expect(Shard(parsing: "3/4") == Shard(index: 3, count: 4))
        for bad in ["4/4", "-1/4", "1/0", "1", "a/b", "1/2/3", ""] { #expect(Shard(parsing: bad) == nil, "\(bad)") }
    }

    @Test func theIdentityChangesWithAnythingTheRunsDependOn() {
        let base = Self.plan()
        #expect(base.identity == Self.plan().identity)
        #expect(base.identity != Self.plan(replications: 5).identity)
        #expect(base.identity != Self.plan(seed: 1).identity)
        let withSet = SweepPlan.grid(scenario: "demo", seed: 42, axes: Self.axes, replications: 4, figures: [SweepFigure(.recoveryTime)],
                                     sets: [ScalarOverride(path: "c", value: "1")])
        #expect(base.identity != withSet.identity)
    }
}

@Suite("The parallel runner")
struct ParallelRunnerTests {
    @Test(arguments: [1, 2, 3, 8])
    func resultsComeBackInIndexOrderWhateverTheJobs(jobs: Int) {
        let values = ParallelRunner.orderedMap(count: 50, jobs: jobs) { $0 * $0 }
        #expect(values == (0..<50).map { $0 * $0 })
    }

    @Test func everyIndexIsHandedOverExactlyOnce() {
        let seen = Counter()
        ParallelRunner.forEach(count: 200, jobs: 4, { $0 }, finished: { index, value in
            #expect(index == value)
            seen.add(index)
        })
        #expect(seen.values.sorted() == Array(0..<200))
    }

    @Test func jobsFollowSlurmCpusPerTask() {
        #expect(ParallelRunner.defaultJobs(environment: ["SLURM_CPUS_PER_TASK": "3"]) == 3)
        #expect(ParallelRunner.defaultJobs(environment: ["SLURM_CPUS_PER_TASK": "zero"]) >= 1)
        #expect(ParallelRunner.defaultJobs(environment: [:]) >= 1)
    }

    /// An unusable SLURM_CPUS_PER_TASK falls back to the cores with a warning naming the
    /// variable and its value; a usable one, or none, gives no warning.
    @Test func anUnusableSlurmCpusPerTaskIsWarnedAbout() {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        for value in ["abc", "0", "-3", "", "2.5"] {
            let (jobs, warning) = ParallelRunner.jobsDefault(environment: ["SLURM_CPUS_PER_TASK": value])
            #expect(jobs == cores)
            #expect(warning == "warning: SLURM_CPUS_PER_TASK is '\(value)', not a whole number >= 1; running \(cores) at once "
                    + "(the number of cores) instead; give --jobs N to choose", "\(value)")
        }
        #expect(ParallelRunner.jobsDefault(environment: ["SLURM_CPUS_PER_TASK": "3"]) == (3, nil))
        #expect(ParallelRunner.jobsDefault(environment: [:]).warning == nil)
    }
}

/// Collects values from the hand-over, which calls one closure at a time.
final class Counter: @unchecked Sendable {
    var values: [Int] = []
    func add(_ v: Int) { values.append(v) }
}
