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

    @Test("A deploy ends after the batches it restarted: more after a scale-out, fewer after a scale-in, none when none ran")
    func deployAsRun() {
        let deploy = TimelineEventSpec(at: SimTime(seconds: 60), action: .deploy(service: "api", batch: 2, every: SimTime(seconds: 30)))
        func end(_ progress: DeployProgress?) -> SimTime { RunAnalysis.effectEnd(of: deploy, in: Self.spec, deploy: progress) }
        // Scaled to 9 before it began: five batches, 60 ... 180 s; the last boots by 200 s.
        #expect(end(DeployProgress(batches: 5, finished: true)) == SimTime(seconds: 200))
        // Scaled in to 2: one batch, booted by 80 s.
        #expect(end(DeployProgress(batches: 1, finished: true)) == SimTime(seconds: 80))
        // Nothing running when it began: it restarted nothing and ends as it begins.
        #expect(end(DeployProgress(batches: 0, finished: true)) == SimTime(seconds: 60))
        // A limit stopped the run after its first batch: the planned three batches stand in.
        #expect(end(DeployProgress(batches: 1, finished: false)) == SimTime(seconds: 140))
        // Without progress (the run never reached it), the scenario's 5 instances: 140 s.
        #expect(end(nil) == SimTime(seconds: 140))
    }
}
