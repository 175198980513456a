import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

/// events.jsonl's "detected phases" (scenario-format.md, "What `satsim run` writes"): each change
/// between healthy and unhealthy windows (DESIGN.md, "Outcomes"), and where the verdict's state
/// begins. On StoryOfferedGoodputTests' synthetic runs (200 one-second intervals, warmup 5 s,
/// 200 requests/s, a spike from 20 s to 30 s), whose answer is known by construction.
@Suite("Detected phases")
struct DetectedPhaseTests {
    static func phases(_ rows: @escaping (Int) -> (Double, Double, Double)) -> (phases: [DetectedPhase], verdict: OutcomeVerdict) {
        let spec = StoryLateEndingTests.spec()
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in rows(i) })
        let analysis = RunAnalysis(result: run.result, spec: spec)
        return (analysis.phases, analysis.verdict)
    }

    @Test("Down from 20 s to 60 s: healthy, unhealthy, healthy again, and recovered where the recovery time says")
    func recovered() throws {
        let (phases, verdict) = Self.phases { i in i >= 20 && i < 60 ? (200, 50, 150) : (200, 200, 0) }
        #expect(verdict.outcome == .recovered)
        #expect(phases.map(\.kind) == [.healthy, .unhealthy, .healthy, .recovered])
        #expect(phases.map(\.time) == [5, 20, 60, 60])
        #expect(phases[1].detail == "unhealthy: 25% of 200 ended requests succeeded (below 90%)")
        #expect(phases[3].detail == "healthy from here to the end of the run, 30s after the last fault ended")
        #expect(phases[3].time == 30 + (verdict.recoveryTime ?? -1))
    }

    @Test("Down to the end: metastable from the end of the recovery window, with its goodput")
    func metastable() throws {
        let (phases, verdict) = Self.phases { i in i >= 20 ? (200, 10, 190) : (200, 200, 0) }
        #expect(verdict.outcome == .metastable)
        #expect(phases.map(\.kind) == [.healthy, .unhealthy, .metastable])
        // t_end 30 s + the 120 s recovery window.
        #expect(phases.last?.time == 150)
        #expect(phases.last?.detail == "from here to the end goodput averaged 10.0/s, below 50% of the 200/s before the first fault, with the offered load back to its baseline")
    }

    @Test("A stable run has one phase, healthy from warmup's end")
    func stable() {
        let (phases, verdict) = Self.phases { _ in (200, 200, 0) }
        #expect(verdict.outcome == .stable)
        #expect(phases.map(\.kind) == [.healthy] && phases.first?.time == 5)
    }
}
