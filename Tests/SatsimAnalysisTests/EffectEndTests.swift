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

    @Test("A set acts at once, or until it reverts; a set of an instance count lasts until they boot; a cache flush acts at once")
    func setAndFlush() {
        func end(_ event: TimelineEventSpec) -> SimTime { RunAnalysis.effectEnd(of: event, in: Self.spec) }
        let at = SimTime(seconds: 60)
        let retries = ScalarOverride(path: "clients.users.retry.max_attempts", value: "1")
        #expect(end(TimelineEventSpec(at: at, action: .set(retries))) == at)
        #expect(end(TimelineEventSpec(at: at, duration: SimTime(seconds: 30), action: .set(retries))) == SimTime(seconds: 90))
        let count = ScalarOverride(path: "services.api.instances", value: "8")
        #expect(end(TimelineEventSpec(at: at, action: .set(count))) == SimTime(seconds: 80))
        #expect(end(TimelineEventSpec(at: at, duration: SimTime(seconds: 30), action: .set(count))) == SimTime(seconds: 110))
        // The cold cache a flush leaves is what the recovery time measures, as for a deploy.
        #expect(end(TimelineEventSpec(at: at, action: .cacheFlush(service: "api"))) == at)
    }

    @Test("A rolling deploy lasts one `every` per further batch, plus the last boot")
    func deploy() {
        // 5 instances, 2 at a time: batches at 60, 90 and 120 s; the last boots by 140 s.
        let deploy = TimelineEventSpec(at: SimTime(seconds: 60), action: .deploy(service: "api", batch: 2, every: SimTime(seconds: 30)))
        #expect(RunAnalysis.effectEnd(of: deploy, in: Self.spec) == SimTime(seconds: 140))
    }
}
