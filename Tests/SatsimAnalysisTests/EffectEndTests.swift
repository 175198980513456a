import SatsimAnalysis
import SatsimCore
import SatsimModel
import Testing

@Suite("How long a timeline event disturbs the system")
struct EffectEndTests {
    static let spec = ScenarioSpec(
        name: "effects", duration: SimTime(seconds: 600),
        clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 10))],
        services: [ServiceSpec(name: "api", instances: 5, workers: 1, serviceTime: .constant(value: 0.01), bootTime: SimTime(seconds: 20))])

    @Test("A windowed fault ends with its window; kill and scale when the instances have booted")
    func windowsAndSteps() {
        let spike = TimelineEventSpec(at: SimTime(seconds: 60), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))
        let kill = TimelineEventSpec(at: SimTime(seconds: 60), action: .kill(service: "api", count: 1))
        #expect(RunAnalysis.effectEnd(of: spike, in: Self.spec) == SimTime(seconds: 70))
        #expect(RunAnalysis.effectEnd(of: kill, in: Self.spec) == SimTime(seconds: 80))
    }

    @Test("A rolling deploy lasts one `every` per further batch, plus the last boot")
    func deploy() {
        // 5 instances, 2 at a time: batches at 60, 90 and 120 s; the last boots by 140 s.
        let deploy = TimelineEventSpec(at: SimTime(seconds: 60), action: .deploy(service: "api", batch: 2, every: SimTime(seconds: 30)))
        #expect(RunAnalysis.effectEnd(of: deploy, in: Self.spec) == SimTime(seconds: 140))
    }
}
