import SatsimCore
@testable import SatsimModel
import Testing

/// Health checks against their published definitions, with times bounded by construction.
///
/// Sources: Envoy's HealthCheck API (envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/
/// health_check.proto): `timeout`, "if the timeout is reached the health check attempt will be
/// considered a failure"; `unhealthy_threshold` and `healthy_threshold`, the number of unhealthy
/// (healthy) checks required before a host is marked unhealthy (healthy). Envoy's load balancer
/// docs (arch_overview/upstream/load_balancing/panic_threshold): "if the percentage of healthy
/// hosts ... falls below" `healthy_panic_threshold`, Envoy balances across all hosts; the
/// comparison is strict (`healthy_percent < panic_threshold`, LoadBalancerBase::isHostSetInPanic).
/// Kubernetes, "Configure Liveness, Readiness and Startup Probes": after `failureThreshold`
/// consecutive failures a liveness probe restarts the container, a readiness probe marks the pod
/// not ready (removed from the Service's endpoints); `successThreshold` consecutive successes
/// make it ready again.
///
/// The setting: 4 instances of one worker, a light constant load (10/s, 1 ms each), probes every
/// 1 s (jitter 0, so each instance probes at its own random phase, then exactly every second),
/// timeout 0.5 s, unhealthy after 3, healthy after 2. At 10 s a stop-the-world pause of N
/// instances for 20 s. A probe sent to a paused instance waits in its queue and is not answered
/// before the pause ends, so it fails by its timeout.
@Suite("Health checks, by definition")
struct HealthCheckDefinitionTests {
    static func spec(paused: Int, action: HealthAction = .eject, panic: Double = 0.5) -> ScenarioSpec {
        ScenarioSpec(
            name: "health-definition", duration: SimTime(seconds: 40), seed: 21,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 10), timeout: SimTime(seconds: 2))],
            services: [
                ServiceSpec(
                    name: "api", instances: 4, workers: 1, serviceTime: .constant(value: 0.001), queue: QueueSpec(capacity: 50),
                    healthCheck: HealthCheckSpec(
                        interval: SimTime(seconds: 1), timeout: SimTime(seconds: 0.5), unhealthyAfter: 3, healthyAfter: 2,
                        action: action, panicThreshold: panic, jitter: 0),
                    bootTime: SimTime(seconds: 5))
            ],
            timeline: [
                TimelineEventSpec(
                    at: SimTime(seconds: 10), duration: SimTime(seconds: 20), action: .pause(service: "api", count: paused))
            ])
    }

    static func times(_ result: SimulationResult, _ kind: RunEventKind) -> [Double] {
        result.events.filter { $0.kind == kind }.map(\.time)
    }

    /// The first probe a paused instance fails is the first one sent at or after 10 s, at
    /// 10 + phase with phase in [0, 1): it times out 0.5 s later. The third failure in a row, 2 s
    /// after the first, marks the instance unhealthy: at a time in [12.5, 13.5). (A probe sent
    /// before 10 s found a free worker and was answered at once.)
    static let unhealthyWindow = 12.5..<13.5

    /// After the pause ends at 30 s: the probe sent at p in [29.5, 30) waits and is answered at
    /// 30 s (behind at most the 50 requests a queue holds, 1 ms each: 50 ms), the one sent at
    /// p + 1 at once; otherwise the probes at p + 1 and p + 2 in [30, 31.5) pass. The second
    /// success in a row readmits: in [30.5, 31.5), plus at most 50 ms.
    static let healthyWindow = 30.5..<31.55

    @Test("eject: 3 timeouts in a row eject, 2 successes in a row readmit; 2 of 4 healthy (50%) is not below a 0.5 panic threshold")
    func ejectAndReadmitAtTheThresholds() {
        let result = Simulation(spec: Self.spec(paused: 2)).run()
        let ejected = Self.times(result, .instanceEjected), readmitted = Self.times(result, .instanceReadmitted)
        #expect(ejected.count == 2 && ejected.allSatisfy(Self.unhealthyWindow.contains), "ejected at \(ejected)")
        #expect(readmitted.count == 2 && readmitted.allSatisfy(Self.healthyWindow.contains), "readmitted at \(readmitted)")
        // healthy_percent < panic_threshold is strict: 50% healthy is not below 50%.
        #expect(Self.times(result, .panicStarted).isEmpty, "panicked at 2 of 4 healthy")
        #expect(result.services[0].instances.min == 2)
    }

    @Test("below the panic threshold (1 of 4 healthy < 50%) the balancer uses every instance, from the ejection that crosses it")
    func panicBelowTheThreshold() {
        let result = Simulation(spec: Self.spec(paused: 3)).run()
        let ejected = Self.times(result, .instanceEjected)
        #expect(ejected.count == 3 && ejected.allSatisfy(Self.unhealthyWindow.contains), "ejected at \(ejected)")
        // The third ejection leaves 1 of 4 (25%) healthy: panic from that instant; the first
        // readmission (2 of 4, 50%) ends it.
        #expect(Self.times(result, .panicStarted) == [ejected.max() ?? -1], "panic at \(Self.times(result, .panicStarted))")
        let ended = Self.times(result, .panicEnded)
        #expect(ended.count == 1 && ended.allSatisfy(Self.healthyWindow.contains), "panic ended at \(ended)")
    }

    @Test("restart (a liveness probe): killed at the third failure in a row, serving again boot_time later")
    func restartAtTheThreshold() {
        let result = Simulation(spec: Self.spec(paused: 1, action: .restart)).run()
        let killed = Self.times(result, .instanceKilled)
        #expect(killed.count == 1 && killed.allSatisfy(Self.unhealthyWindow.contains), "killed at \(killed)")
        // The replacement boots for boot_time (5 s) and then serves.
        let ready = Self.times(result, .instanceReady)
        #expect(ready.count == 1 && ready.first.map { abs($0 - (killed.first ?? 0) - 5) < 1e-9 } == true, "ready at \(ready), killed at \(killed)")
    }
    /// A readiness probe's result starts as failure: Kubernetes, "Pod Lifecycle", container
    /// probes (kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes):
    /// readinessProbe, "The default state of readiness before the initial delay is Failure";
    /// the kubelet's prober (pkg/kubelet/prober/worker.go, `newWorker` sets the readiness
    /// worker's initialValue to results.Failure, and `doProbe` changes the result only after
    /// SuccessThreshold successes in a row). So a new pod joins the Service's endpoints only
    /// after healthy_after passing probes. A liveness probe starts at success (initialValue
    /// results.Success): with `restart` the new instance serves as soon as it has booted.
    ///
    ///
    /// A container that has just started is probed at once: the kubelet's prober worker probes
    /// when it starts (pkg/kubelet/prober/worker.go, `run`: the first `doProbe` comes before the
    /// first tick; the random initial wait applies only when the kubelet itself has just
    /// restarted), and `UpdatePodStatus` triggers a readiness probe at once for a container that
    /// is not ready (prober_manager.go); Envoy checks a new host at once too (health_check.proto,
    /// `initial_jitter`, default 0).
    ///
    /// The setting above without the pause; one instance killed at 10 s boots for 5 s, so it is
    /// serving again at 15 s. With jitter 0 its probes come at 15, 16, 17 s ... and are answered
    /// at once (an idle instance, 10 requests/s over four). With `eject` it enters the balancer
    /// at the instant its healthy_after-th probe is answered, (healthy_after - 1) s after it
    /// booted, and holds no request before.
    static func readinessSpec(action: HealthAction, healthyAfter: Int) -> ScenarioSpec {
        var spec = Self.spec(paused: 0, action: action)
        spec.services[0].healthCheck?.healthyAfter = healthyAfter
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 10), action: .kill(service: "api", count: 1))]
        return spec
    }

    /// For the instance that boots: when it became serving, when its probes were sent after
    /// that, when it first entered the balancer's list, and the most requests it held before.
    static func readiness(_ spec: ScenarioSpec) -> (booted: Int64, probes: [Int64], joined: Int64, heldBefore: Int32)? {
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var booted: (slot: Int, at: Int64)?
        var probes: [Int64] = []
        var sent = 0
        var heldBefore: Int32 = 0
        while let head = simulation.calendar.next, head.time <= spec.duration, let event = simulation.calendar.popNext() {
            simulation.now = event.time
            _ = simulation.process(event)
            if booted == nil, event.kind == EventKind.instanceBoots.rawValue {
                booted = (Int(event.slot), event.time.nanoseconds)
                sent = simulation.instances[Int(event.slot)].probesSent
            }
            guard let (slot, _) = booted else { continue }
            if simulation.instances[slot].probesSent != sent {
                probes.append(event.time.nanoseconds)
                sent = simulation.instances[slot].probesSent
            }
            if simulation.services[0].servingList.contains(slot) {
                return (booted?.at ?? -1, probes, event.time.nanoseconds, heldBefore)
            }
            // Requests, not probes: a probe takes a worker from its send to its answer, an event
            // of the same instant, which another event of that instant (an arrival at 16 s, as
            // the probes are now whole seconds after the boot) can come between.
            guard event.kind != EventKind.probe.rawValue else { continue }
            let probe: Int32 = simulation.instances[slot].probeOut != .max ? 1 : 0
            heldBefore = max(heldBefore, simulation.instances[slot].busy + Int32(simulation.instances[slot].queue.count) - probe)
        }
        return nil
    }

    @Test("eject: a booted instance is probed at once and joins the balancer at its healthy_after-th passing probe, not when it boots (readiness starts at failure)",
          arguments: [1, 2, 3])
    func bootedInstanceWaitsForReadiness(healthyAfter: Int) throws {
        let seen = try #require(Self.readiness(Self.readinessSpec(action: .eject, healthyAfter: healthyAfter)))
        #expect(seen.booted == 15_000_000_000, "booted at \(seen.booted)")
        #expect(seen.probes.count == healthyAfter, "probes at \(seen.probes), joined at \(seen.joined)")
        #expect(seen.probes.last == seen.joined, "probes at \(seen.probes), joined at \(seen.joined)")
        // The first probe at the boot itself, the others a second apart.
        #expect(seen.probes.first == seen.booted, "probes at \(seen.probes)")
        #expect(seen.joined == seen.booted + Int64(healthyAfter - 1) * 1_000_000_000)
        #expect(seen.heldBefore == 0, "it held \(seen.heldBefore) requests before it joined")
    }

    @Test("restart (a liveness probe starts at success): the booted instance is in the balancer the instant it boots")
    func restartServesOnBoot() throws {
        let seen = try #require(Self.readiness(Self.readinessSpec(action: .restart, healthyAfter: 2)))
        #expect(seen.booted == 15_000_000_000 && seen.joined == seen.booted && seen.probes.isEmpty, "\(seen)")
    }
    @Test("an autoscaler counts a booted instance as ready only once its readiness probe passes, and its metric window from then")
    func autoscalerReadinessFollowsTheProbe() throws {
        // Kubernetes' HPA reads pod readiness (replica_calculator.go, groupPods: a pod whose Ready
        // condition is False is unready, and a pod's metric window must follow its readiness);
        // a pod that booted but whose readiness probe has not passed is not Ready (Pod
        // Lifecycle, container probes: readiness starts as Failure). With healthy_after 2, the
        // instance killed at 10 s boots at 15 s and joins at its second probe.
        var spec = Self.readinessSpec(action: .eject, healthyAfter: 2)
        spec.services[0].autoscaler = AutoscalerSpec(
            policy: .hpa, metric: .utilization, target: 0.5, interval: SimTime(seconds: 15), min: 1, max: 8)
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var state = AutoscalerState(try #require(spec.services[0].autoscaler), initialInstances: 4)
        var seen: [(time: Int64, running: Int, ready: Int, whole: Int)] = []
        var joined: Int64?
        while let head = simulation.calendar.next, head.time <= spec.duration, let event = simulation.calendar.popNext() {
            simulation.now = event.time
            _ = simulation.process(event)
            if joined == nil, simulation.services[0].servingList.count == 4, event.time.nanoseconds > 15_000_000_000 {
                joined = event.time.nanoseconds
            }
            if event.kind == EventKind.instanceBoots.rawValue || (joined != nil && seen.count < 3) {
                let o = simulation.observe(service: 0, state: &state)
                seen.append((event.time.nanoseconds, o.running, o.ready, o.readyWholeInterval))
            }
            if seen.count >= 3 { break }
        }
        let at = try #require(joined)
        // At the boot: 4 running, 3 ready (the new one awaits its probes).
        #expect(seen.first.map { $0.time == 15_000_000_000 && $0.running == 4 && $0.ready == 3 } == true, "\(seen)")
        // Once it joined: 4 ready, but not for a whole window that began before it was ready.
        let after = try #require(seen.first { $0.time >= at })
        #expect(after.ready == 4 && after.whole == 3, "joined at \(at): \(seen)")
    }

    // MARK: - Faults reach probes

    /// The setting with `action` at the threshold 0 (no panic mode) and `fault` from 10 s to 30 s
    /// in place of the pause.
    static func faulted(_ fault: TimelineAction, share: Double? = nil, action: HealthAction = .eject) -> ScenarioSpec {
        var spec = spec(paused: 0, action: action, panic: 0)
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 10), duration: SimTime(seconds: 20), action: fault, share: share)]
        return spec
    }

    /// A probe is a request like any other (DESIGN.md), and a probe that cannot connect or gets
    /// an error fails: Kubernetes, "Configure Liveness, Readiness and Startup Probes" (an HTTP
    /// probe: "Any code greater than or equal to 200 and less than 400 indicates success. Any
    /// other code indicates failure."; a TCP probe succeeds only "if it can establish a
    /// connection"); Envoy's HealthCheck, `timeout`: "if the timeout is reached the health check
    /// attempt will be considered a failure". So a refusing outage or a 100% errors fault fails
    /// every probe when it is sent: the third in a row, 2 s after the first, is in [12, 13) (the
    /// first at 10 + phase, phase in [0, 1)); a blackhole fails each at its 0.5 s timeout, so
    /// [12.5, 13.5). Once the fault ends at 30 s, the probes at 30 + phase and 31 + phase pass:
    /// readmitted in [31, 32).
    @Test("an outage (refuse or blackhole) or a 100% errors fault fails every probe: all 4 instances ejected at the third failure, readmitted after two passes",
          arguments: [
            (TimelineAction.outage(service: "api", mode: .refuse), 12.0..<13.0),
            (TimelineAction.outage(service: "api", mode: .blackhole), 12.5..<13.5),
            (TimelineAction.errors(service: "api", ratio: 1), 12.0..<13.0),
          ])
    func faultsFailProbes(fault: TimelineAction, window: Range<Double>) {
        let result = Simulation(spec: Self.faulted(fault)).run()
        let ejected = Self.times(result, .instanceEjected), readmitted = Self.times(result, .instanceReadmitted)
        #expect(ejected.count == 4 && ejected.allSatisfy(window.contains), "\(fault): ejected at \(ejected)")
        #expect(readmitted.count == 4 && readmitted.allSatisfy((31.0..<32.0).contains), "\(fault): readmitted at \(readmitted)")
        #expect(result.services[0].instances.min == 0)
    }

    /// A liveness probe fails the same way, and its instance is restarted: each of the 4 killed
    /// at its third failure in a row.
    @Test("restart: a 100% errors fault fails the liveness probes, and each instance is restarted at its third failure")
    func errorsRestartEveryInstance() {
        let result = Simulation(spec: Self.faulted(.errors(service: "api", ratio: 1), action: .restart)).run()
        let killed = Self.times(result, .instanceKilled).filter { $0 < 13 }
        #expect(killed.count == 4 && killed.allSatisfy((12.0..<13.0).contains), "killed at \(Self.times(result, .instanceKilled))")
    }

    /// A fault confined to the experiment cohort acts only on requests of that cohort, and a probe
    /// belongs to none: 100% errors for a 50% cohort ejects no instance.
    @Test("a cohort's errors fault (share) never fails a probe")
    func cohortFaultsSpareProbes() {
        let result = Simulation(spec: Self.faulted(.errors(service: "api", ratio: 1), share: 0.5)).run()
        #expect(Self.times(result, .instanceEjected).isEmpty)
        #expect(result.clients[0].failures > 0, "the cohort's requests fail")
    }

    /// Injected errors at a ratio fail each probe with that chance: at 0.5, over 20 probes of
    /// each instance, some instance sees three failures in a row (P(none of 4 does) < 0.02), and
    /// none is ejected before the fault starts.
    @Test("a 50% errors fault fails probes at random: some instance is ejected, none before the fault")
    func halfErrorsEjectSome() {
        let result = Simulation(spec: Self.faulted(.errors(service: "api", ratio: 0.5))).run()
        let ejected = Self.times(result, .instanceEjected)
        #expect(!ejected.isEmpty && ejected.allSatisfy { $0 >= 12 && $0 < 30.5 }, "ejected at \(ejected)")
    }

    // MARK: - Restart back-off (CrashLoopBackOff)

    /// The kill times of instance `local` of api, in order.
    static func kills(_ result: SimulationResult, instance local: Int) -> [Double] {
        result.events.filter { $0.kind == .instanceKilled && $0.detail.hasPrefix("instance \(local) ") }.map(\.time)
    }

    /// Kubernetes, "Pod Lifecycle", Container restarts: "After containers in a Pod exit, the
    /// kubelet restarts them with an exponential backoff delay (10s, 20s, 40s, ...), that is capped
    /// at 300 seconds"; the kubelet's `doBackOff` (pkg/kubelet/kuberuntime/kuberuntime_manager.go)
    /// restarts a container at once when it has no back-off entry, and client-go's
    /// util/flowcontrol/backoff.go `Next` then sets it to the initial 10 s and doubles it at each
    /// later restart up to the cap. A liveness probe's failure restarts the container that way.
    ///
    /// The setting with `restart` and 100% errors from 10 s on: every probe fails when it is sent
    /// (at once, jitter 0), so an instance is killed at its third failure, 2 s after its first
    /// probe; a restarted instance boots for 5 s and is probed at once. Its n-th kill after the
    /// first comes 5 s + 2 s + its back-off after the one before: gaps of 7, 17, 27, 47, 87, 167
    /// and 307 s (the back-off capped at 300 s), then 307 s again.
    @Test("restart: a crash loop waits 0, 10, 20, 40, 80, 160, then 300 s (capped) before each restart, as the kubelet's back-off")
    func restartsBackOffExponentially() {
        var spec = Self.faulted(.errors(service: "api", ratio: 1), action: .restart)
        spec.duration = SimTime(seconds: 1500)
        spec.timeline[0].duration = SimTime(seconds: 1480)
        let result = Simulation(spec: spec).run()
        for local in 0..<4 {
            let kills = Self.kills(result, instance: local)
            let gaps = zip(kills.dropFirst(), kills).map { (($0 - $1) * 1e6).rounded() / 1e6 }
            #expect(Array(gaps.prefix(8)) == [7, 17, 27, 47, 87, 167, 307, 307], "instance \(local): killed at \(kills)")
        }
        // Each wait is told in the event log.
        #expect(result.events.contains { $0.kind == .instanceKilled && $0.detail.contains("back-off of 10s (CrashLoopBackOff)") })
    }

    /// The back-off resets once a container ran more than 10 minutes since its last restart
    /// (Pod Lifecycle: "Once a container has executed for 10 minutes without any problems, the
    /// kubelet resets the restart backoff timer"; client-go's `hasExpired`: the entry expires
    /// 2 x maxDuration = 600 s after its last update, the last restart). The first fault (10 s
    /// to 60 s) restarts each instance three times, the last after a 20 s wait that leaves its
    /// back-off at 40 s and its last restart before 60 s. A second fault at 300 s finds it: the
    /// first kill there waits 40 s (5 s of boot after it: serving again 45 s after the kill); a
    /// second fault at 700 s comes after the entry expired: serving again 5 s after the kill.
    @Test("restart: the back-off carries over a fault that comes back within 10 minutes, and resets after 10 minutes of running",
          arguments: [(300.0, 45.0), (700.0, 5.0)])
    func restartBackOffResets(secondFault: Double, readyAfterKill: Double) {
        var spec = Self.faulted(.errors(service: "api", ratio: 1), action: .restart)
        spec.duration = SimTime(seconds: secondFault + 100)
        spec.timeline[0].duration = SimTime(seconds: 50)
        spec.timeline.append(
            TimelineEventSpec(at: SimTime(seconds: secondFault), duration: SimTime(seconds: 10), action: .errors(service: "api", ratio: 1)))
        let result = Simulation(spec: spec).run()
        for local in 0..<4 {
            let ready = result.events.filter { $0.kind == .instanceReady && $0.detail.hasPrefix("instance \(local) ") }.map(\.time)
            let kills = Self.kills(result, instance: local)
            #expect(kills.filter { $0 < 60 }.count == 3, "instance \(local): killed at \(kills)")
            guard let kill = kills.first(where: { $0 > secondFault }) else {
                Issue.record("instance \(local) was not killed in the second fault: \(kills)")
                continue
            }
            let next = ready.first { $0 > kill + 1e-9 }
            #expect(next.map { abs($0 - kill - readyAfterKill) < 1e-6 } == true, "instance \(local): killed at \(kill), ready again at \(String(describing: next))")
        }
    }
}
