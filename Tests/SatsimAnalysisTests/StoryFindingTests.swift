import SatsimAnalysis
import SatsimCore
import SatsimMetrics
@testable import SatsimModel
import Testing

/// Each cause detector on a synthetic run: a healthy baseline, a ten-second spike, then a long
/// stretch where goodput stays low while one mechanism is the visible reason. The detector must
/// name it first, with the figure the series holds, and the story must hold to the data.
@Suite("Story causes on synthetic series")
struct StoryFindingTests {
    /// 200 one-second intervals: the spike from 20 s to 30 s; from 30 s on, 20 of 200 requests
    /// per second succeed (metastable: goodput under half its baseline, load back to it).
    static let length = 200
    static let spikeEnd = 30

    /// A run of `spec` whose columns are 0 unless `values` sets them; `values` gives a column's
    /// value in the baseline (before 20 s) and after the spike.
    /// `cell`, when given, overrides the value of a column in the interval of that index (nil:
    /// as built from `baseline` and `after`).
    static func run(
        _ spec: ScenarioSpec, baseline: [String: Double] = [:], after: [String: Double] = [:], events: [RunEvent] = [],
        cell: ((Int, String) -> Double?)? = nil
    ) -> (story: Story, result: SimulationResult) {
        let columns = spec.clients.flatMap { c in Simulation.clientColumns.map { "clients.\(c.name).\($0)" } }
            + spec.services.flatMap { s in Simulation.serviceColumns.map { "services.\(s.name).\($0)" } }
        var series = TimeSeries(columns: columns)
        for i in 0..<length {
            let late = i >= spikeEnd
            var row: [Double] = []
            for name in columns {
                var value = (late ? after[name] : nil) ?? baseline[name] ?? 0
                if name.hasSuffix(".requests") { value = 200 }
                if name.hasSuffix(".successes") { value = late ? 20 : 200 }
                if name.hasSuffix(".failures") { value = late ? 180 : 0 }
                row.append(cell?(i, name) ?? value)
            }
            series.append(time: Double(i + 1), values: row)
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: Double(length), clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: Double(length), events: events, successLatency: [])
        let analysis = RunAnalysis(result: result, spec: spec)
        return (Story(result: result, spec: spec, analysis: analysis), result)
    }

    static func spec(client: ClientSpec? = nil, services: [ServiceSpec]? = nil) -> ScenarioSpec {
        ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(length)), seed: 1,
            clients: [client ?? ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: services ?? [ServiceSpec(name: "api", serviceTime: .constant(value: 0.01))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))])
    }

    /// The named causes' sentence, the heaviest candidate, and the story checked against its data.
    static func expectFirst(
        _ mechanism: Finding.Mechanism, weight: Double, in run: (story: Story, result: SimulationResult), spec: ScenarioSpec,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(run.story.candidates.first?.mechanism == mechanism, "\(run.story.candidates.map(\.mechanism))", sourceLocation: sourceLocation)
        #expect(abs((run.story.candidates.first?.weight ?? -1) - weight) < 1e-12, "\(run.story.candidates.map(\.weight))", sourceLocation: sourceLocation)
        let causes = run.story.findings.first { $0.mechanism == .causes }
        #expect(causes?.sentence.hasPrefix("What sustained it from 2m30s to the end: ") == true, "\(causes?.sentence ?? "none")", sourceLocation: sourceLocation)
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: Double(length), label: "\(mechanism)", sourceLocation: sourceLocation)
    }

    @Test("The verdict the detectors work under is metastable, from 2m30s to the end")
    func metastable() {
        let spec = Self.spec()
        let run = Self.run(spec)
        #expect(run.story.findings.contains { $0.mechanism == .ending && $0.sentence.contains("metastable failure") })
    }

    /// The Google SRE book's client-side throttle ("Handling Overload", adaptive throttling)
    /// rejects locally with probability max(0, (requests - K accepts)/(requests + 1)): once
    /// accepts fall, it can reject nearly everything while the server sits idle.
    @Test("An adaptive throttle rejecting while the server sits idle")
    func throttle() {
        let spec = Self.spec(
            client: ClientSpec(
                name: "users", target: "api", arrival: .poisson(rate: 200),
                adaptiveThrottle: AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 120))))
        let run = Self.run(
            spec, baseline: ["clients.users.attempts": 200, "services.api.utilization": 0.5],
            after: [
                "clients.users.attempts": 10, "clients.users.rejected": 190, "clients.users.rejected_throttle": 190,
                "services.api.utilization": 0.02,
            ])
        Self.expectFirst(.adaptiveThrottle, weight: 0.95, in: run, spec: spec)
        #expect(run.story.sentences.contains { $0.contains("users' adaptive throttle rejected 95% of the attempts it tried to send, while api was 2% busy") }, "\(run.story.sentences)")
    }

    @Test("An empty balancer refusing every attempt")
    func emptyBalancer() {
        let spec = Self.spec()
        let run = Self.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.instances": 2],
            after: ["services.api.arrivals": 200, "services.api.unrouted": 200, "services.api.rejected": 200])
        Self.expectFirst(.emptyBalancer, weight: 1, in: run, spec: spec)
    }

    /// Envoy's panic threshold: below it the balancer routes to every host, healthy or not
    /// (envoyproxy.io, "Panic threshold"). The healthy count then reads 0 although every instance
    /// takes work: the story must say panic mode, not "no instance".
    @Test("Panic mode, with a healthy count of zero")
    func panicMode() {
        let spec = Self.spec(
            services: [
                ServiceSpec(
                    name: "api", instances: 2, serviceTime: .constant(value: 0.01),
                    healthCheck: HealthCheckSpec(interval: SimTime(seconds: 2), timeout: SimTime(seconds: 1), panicThreshold: 0.5))
            ])
        let run = Self.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.instances": 2],
            after: ["services.api.arrivals": 200, "services.api.instances": 0, "services.api.panic": 1])
        Self.expectFirst(.panicBalancer, weight: 1, in: run, spec: spec)
        #expect(!run.story.sentences.joined().contains("no instance"))
        #expect(run.story.sentences.contains { $0.contains("api's balancer was in panic mode 100% of the time") }, "\(run.story.sentences)")
    }

    @Test("Instances ejected by health checks")
    func ejected() {
        let spec = Self.spec(
            services: [
                ServiceSpec(
                    name: "api", instances: 4, serviceTime: .constant(value: 0.01),
                    healthCheck: HealthCheckSpec(interval: SimTime(seconds: 2), timeout: SimTime(seconds: 1)))
            ])
        let run = Self.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.instances": 4],
            after: ["services.api.arrivals": 200, "services.api.instances": 1, "services.api.ejected": 3])
        Self.expectFirst(.instancesEjected, weight: 0.75, in: run, spec: spec)
    }

    @Test("A queue pinned at its cap, turning work away")
    func pinnedQueue() {
        let spec = Self.spec(services: [ServiceSpec(name: "api", serviceTime: .constant(value: 0.01), queue: QueueSpec(capacity: 100))])
        let run = Self.run(
            spec, baseline: ["services.api.arrivals": 200, "services.api.queue_length": 1],
            after: ["services.api.arrivals": 200, "services.api.queue_full": 150, "services.api.queue_length": 100])
        Self.expectFirst(.queueFull, weight: 0.75, in: run, spec: spec)
    }

    @Test("A saturated dependency")
    func saturatedDependency() {
        let spec = Self.spec(services: [
            ServiceSpec(name: "api", serviceTime: .constant(value: 0.01), calls: [CallSpec(service: "db")]),
            ServiceSpec(name: "db", serviceTime: .constant(value: 0.01)),
        ])
        let run = Self.run(
            spec, baseline: ["services.db.utilization": 0.4], after: ["services.db.utilization": 0.99])
        Self.expectFirst(.saturatedDependency, weight: 0.99, in: run, spec: spec)
        #expect(run.story.sentences.contains { $0.contains("db, which api calls, was 99% busy (a saturated dependency)") }, "\(run.story.sentences)")
    }

    /// The model stretches a service time by 1 + contention x requests in service; at 90% of 10
    /// workers busy with contention 0.1 that is about 1 + 0.1 x 9 = 1.9x, 0.9 / 1.9 of its length.
    @Test("Contention stretching service times")
    func contention() {
        let spec = Self.spec(services: [
            ServiceSpec(name: "api", workers: 10, serviceTime: .constant(value: 0.01), contention: 0.1)
        ])
        let run = Self.run(
            spec, baseline: ["services.api.utilization": 0.3], after: ["services.api.utilization": 0.9])
        Self.expectFirst(.contention, weight: 0.9 / 1.9, in: run, spec: spec)
        #expect(
            run.story.sentences.contains { $0.contains("90% of api's workers were busy on average, so contention stretched its service times about 1.9x (47.4% of their length)") },
            "\(run.story.sentences)")
        // Without contention there is no such candidate.
        let plain = Self.spec(services: [ServiceSpec(name: "api", workers: 10, serviceTime: .constant(value: 0.01))])
        let quiet = Self.run(plain, baseline: ["services.api.utilization": 0.3], after: ["services.api.utilization": 0.9])
        #expect(!quiet.story.candidates.contains { $0.mechanism == .contention })
    }

    /// A chaos experiment platform judges an experiment by comparing its cohort with a control
    /// cohort (Basiri et al., "Automating chaos experiments in production", ICSE-SEIP 2019): the
    /// story compares them, and says when the control was harmed too.
    @Test("Cohorts compared; harm that leaks into the control cohort is told")
    func cohorts() {
        var spec = Self.spec()
        // The experiment: a fault with `share`, the only event of the timeline (another event
        // would reach the control cohort too, and its harm could not be blamed on the experiment).
        spec.timeline = [
            TimelineEventSpec(
                at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .latency(service: "api", add: .constant(value: 0.5)),
                share: 0.05)
        ]
        func story(control successes: Int) -> Story {
            let base = Self.run(spec).result
            func summary(_ successes: Int, _ failures: Int) -> ClientSummary {
                ClientSummary(
                    name: "users", requests: successes + failures, attempts: successes + failures, successes: successes,
                    failures: failures, goodputPerSecond: 0, amplification: 1,
                    latency: LatencySummary(mean: 0, p50: 0, p90: 0, p99: 0, max: 0), attemptOutcomes: [:])
            }
            var data = StoryData(result: base, spec: spec, analysis: RunAnalysis(result: base, spec: spec))
            data.cohorts = [
                ClientCohorts(client: "users", experiment: summary(100, 900), control: summary(successes, 1000 - successes), share: 0.05)
            ]
            return Story(data)
        }
        let leaked = story(control: 950)
        let sentence = leaked.findings.last { $0.mechanism == .cohorts }?.sentence ?? ""
        #expect(sentence.contains("the experiment cohort (50% of them) succeeded 10%, the control cohort 95%; the harm leaked into the control cohort"), "\(sentence)")
        #expect(sentence.contains("100% of users' requests had succeeded before the first fault"), "\(sentence)")
        // The last sentence: a comparison over the whole run.
        #expect(leaked.findings.last?.mechanism == .cohorts)
        let spared = story(control: 995).findings.last { $0.mechanism == .cohorts }?.sentence ?? ""
        #expect(spared.hasSuffix("the control cohort 99.5%; the control cohort was spared."), "\(spared)")
    }

    @Test("An autoscaler at its max")
    func autoscalerAtMax() {
        let spec = Self.spec(services: [
            ServiceSpec(
                name: "api", instances: 2, serviceTime: .constant(value: 0.01),
                autoscaler: AutoscalerSpec(policy: .hpa, metric: .utilization, target: 0.6, interval: SimTime(seconds: 15), min: 1, max: 4))
        ])
        let run = Self.run(
            spec, baseline: ["services.api.instances": 2, "services.api.utilization": 0.5],
            after: ["services.api.instances": 4, "services.api.utilization": 0.85])
        Self.expectFirst(.autoscalerAtMax, weight: 1, in: run, spec: spec)
        #expect(run.story.sentences.contains { $0.contains("api ran 4 instances on average, its autoscaler's max being 4") }, "\(run.story.sentences)")
    }

    /// Kubernetes' HPA decides from the metric, then new pods take their start-up time before
    /// they are ready (kubernetes.io, "Horizontal Pod Autoscaling"): the lag is instances asked
    /// for and not yet serving.
    @Test("An autoscaler lagging: instances asked for, still booting")
    func autoscalerLag() {
        let spec = Self.spec(services: [
            ServiceSpec(
                name: "api", instances: 2, serviceTime: .constant(value: 0.01), bootTime: SimTime(seconds: 90),
                autoscaler: AutoscalerSpec(policy: .hpa, metric: .utilization, target: 0.6, interval: SimTime(seconds: 15), min: 1, max: 20))
        ])
        let scaled = RunEvent(time: 25, kind: .scaled, subject: "api", detail: "hpa scaled from 2 to 8 instances (utilization 1, target 0.6)")
        let run = Self.run(
            spec, baseline: ["services.api.instances": 2], after: ["services.api.instances": 2, "services.api.booting": 6],
            events: [scaled])
        Self.expectFirst(.instancesBooting, weight: 0.75, in: run, spec: spec)
        #expect(run.story.sentences.contains { $0.contains("75% of api's instances were still booting, on average, after its autoscaler asked for them (autoscaler lag)") }, "\(run.story.sentences)")
    }

    @Test("A cold cache: the extra share of lookups that missed")
    func coldCache() {
        let spec = Self.spec(services: [
            ServiceSpec(
                name: "api", serviceTime: .constant(value: 0.01), calls: [CallSpec(service: "db")],
                cache: CacheSpec(keys: 1000, zipf: 1, capacity: 100)),
            ServiceSpec(name: "db", serviceTime: .constant(value: 0.01)),
        ])
        let run = Self.run(
            spec, baseline: ["services.api.cache_hits": 150, "services.api.cache_misses": 50],
            after: ["services.api.cache_hits": 20, "services.api.cache_misses": 180])
        Self.expectFirst(.coldCache, weight: 0.9 - 0.25, in: run, spec: spec)
        #expect(run.story.sentences.contains { $0.contains("api's cache hit ratio was 10%, against 75% before the first fault (a cold cache)") }, "\(run.story.sentences)")
        // And the course of the run says when it went cold.
        #expect(run.story.findings.contains { $0.mechanism == .coldCache && $0.role == .course && $0.time == 30 })
    }

    @Test("Retry amplification and wasted work, named together when they weigh alike")
    func retriesAndWaste() {
        let spec = Self.spec(client: ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200), retry: RetrySpec(maxAttempts: 4)))
        let run = Self.run(
            spec, baseline: ["clients.users.attempts": 200, "services.api.arrivals": 200, "services.api.completions": 200],
            after: [
                "clients.users.attempts": 800, "services.api.arrivals": 800, "clients.users.retries": 600, "services.api.completions": 400,
                "services.api.wasted": 360,
            ])
        Self.expectFirst(.wastedWork, weight: 0.9, in: run, spec: spec)
        let causes = run.story.findings.first { $0.mechanism == .causes }
        #expect(
            causes?.sentence
                == "What sustained it from 2m30s to the end: 90% of the work api finished went to callers who had already given up (wasted work), and retries were 75% of the attempts users sent, 4 attempts per new request (retry amplification).")
    }

    @Test("A candidate under half the heaviest is not named")
    func onlyTheDominant() {
        let spec = Self.spec(client: ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200), retry: RetrySpec(maxAttempts: 4)))
        let run = Self.run(
            spec, baseline: ["clients.users.attempts": 200, "services.api.arrivals": 200, "services.api.completions": 200],
            after: [
                "clients.users.attempts": 200, "services.api.arrivals": 200, "clients.users.retries": 20, "services.api.completions": 200,
                "services.api.wasted": 180,
            ])
        let causes = run.story.findings.first { $0.mechanism == .causes }
        #expect(run.story.candidates.map(\.mechanism) == [.wastedWork, .retryAmplification])
        #expect(causes?.sentence.contains("retry amplification") == false)
    }
}
