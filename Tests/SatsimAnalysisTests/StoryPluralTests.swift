@testable import SatsimAnalysis
import SatsimCore
@testable import SatsimModel
import SatsimMetrics
import Testing

/// A count and its noun agree: "1 ejection", "72 ejections", never "ejection(s)" (the rule
/// StoryWordingTests holds for kills and pauses, here for the events health checks, breakers
/// and autoscalers leave).
@Suite("Story plurals")
struct StoryPluralTests {
    static func sentences(_ events: [RunEvent], spec: ScenarioSpec = StoryFindingTests.spec()) -> [String] {
        StoryFindingTests.run(spec, events: events).story.sentences
    }

    static func events(_ kind: RunEventKind, _ count: Int, detail: (Int) -> String = { _ in "" }) -> [RunEvent] {
        (0..<count).map { RunEvent(time: 40 + Double($0) * 0.5, kind: kind, subject: "api", detail: detail($0)) }
    }

    static func one(_ sentences: [String], containing: String) -> String {
        sentences.first { $0.contains(containing) } ?? "none in \(sentences)"
    }

    @Test("Ejections")
    func ejections() {
        let one = Self.one(Self.sentences(Self.events(.instanceEjected, 1)), containing: "ejecting")
        let many = Self.one(Self.sentences(Self.events(.instanceEjected, 72)), containing: "ejecting")
        #expect(one.hasSuffix("1 ejection in all."), "\(one)")
        #expect(many.hasSuffix("72 ejections in all."), "\(many)")
    }

    @Test("Breaker openings")
    func breaker() {
        let one = Self.one(Self.sentences(Self.events(.breakerOpened, 1)), containing: "circuit breaker")
        let two = Self.one(Self.sentences(Self.events(.breakerOpened, 2)), containing: "circuit breaker")
        #expect(one.contains("(1 time in all)"), "\(one)")
        #expect(two.contains("(2 times in all)"), "\(two)")
    }

    /// One decision has one time: it is not told as a span "between 40s and 40s".
    @Test("Scaling decisions")
    func scaling() {
        let detail = { (i: Int) in "target_tracking scaled from \(i + 1) to \(i + 2) instances (utilization 0.9, target 0.6)" }
        let one = Self.one(Self.sentences(Self.events(.scaled, 1, detail: { _ in "target_tracking scaled from 2 to 1 instances" })), containing: "autoscaler")
        let three = Self.one(Self.sentences(Self.events(.scaled, 3, detail: detail)), containing: "autoscaler")
        #expect(one == "The autoscaler of api made 1 scaling decision, at 40s, asking for 1 instance.", "\(one)")
        #expect(three == "The autoscaler of api made 3 scaling decisions between 40s and 41s, asking for 4 instances at most and for 4 in the last.", "\(three)")
    }

    @Test("Health-check restarts")
    func restarts() {
        let detail = { (i: Int) in "instance \(i) restarted after failing 3 health checks in a row" }
        let one = Self.one(Self.sentences(Self.events(.instanceKilled, 1, detail: detail)), containing: "restarted")
        let two = Self.one(Self.sentences(Self.events(.instanceKilled, 2, detail: detail)), containing: "restarted")
        #expect(one.contains("restarted 1 instance of api,"), "\(one)")
        #expect(two.contains("restarted 2 instances of api,"), "\(two)")
        // One instance restarted twice: two restarts, one instance.
        let again = Self.one(Self.sentences(Self.events(.instanceKilled, 2, detail: { _ in "instance 0 restarted after failing 3 health checks in a row" })), containing: "restarted")
        #expect(again.contains("restarted instances of api 2 times, 1 different instance in all"), "\(again)")
    }

    @Test("The noun agrees with the count as printed")
    func noun() {
        #expect(Format.noun(1, "ejection") == "ejection")
        #expect(Format.noun(0, "ejection") == "ejections")
        #expect(Format.noun(StoryFigure(1.0, .instances, .given("x")), "instance") == "instance")
        #expect(Format.noun(StoryFigure(1.5, .instances, .given("x")), "instance") == "instances")
    }

    /// "scaled api to 1 instances" where an operator scales to one.
    @Test("An operator scaling to one instance")
    func scaleToOne() {
        var spec = StoryFindingTests.spec()
        spec.timeline.append(TimelineEventSpec(at: SimTime(seconds: 60), action: .scale(service: "api", to: 1)))
        let sentence = Self.one(Self.sentences([], spec: spec), containing: "an operator scaled")
        #expect(sentence.contains("scaled api to 1 instance:"), "\(sentence)")
    }

    /// The verb agrees with the callers named: api calling db on two edges (a main call and a
    /// fallback) is still "which api calls", not "which api call".
    @Test("One caller on two call edges")
    func oneCallerTwoEdges() {
        let spec = StoryFindingTests.spec(services: [
            ServiceSpec(name: "api", serviceTime: .constant(value: 0.01), calls: [CallSpec(service: "db"), CallSpec(service: "db", optional: true)]),
            ServiceSpec(name: "db", serviceTime: .constant(value: 0.01)),
        ])
        let run = StoryFindingTests.run(spec, baseline: ["services.db.utilization": 0.4], after: ["services.db.utilization": 0.99])
        #expect(run.story.sentences.contains { $0.contains("db, which api calls, was 99% busy") }, "\(run.story.sentences)")
    }

    /// explain with one replication: "recovered in 1 of 1 run", not "1 of 1 runs". One run gives
    /// no interval, so its effect is none and `text` tells it only in the sentence naming the
    /// switch-offs without effect; the finding's own sentence is rendered directly.
    @Test("explain's sentence over one replication")
    func explainOneReplication() {
        let base = [RunFigures(seed: 0, outcome: .metastable, limit: nil, values: [50, nil])]
        let without = [RunFigures(seed: 0, outcome: .recovered, limit: nil, values: [90, 10])]
        let explanation = Explanation(
            scenario: "x", baseSeed: 0, counterfactuals: [ExplanationTests.counterfactual], figures: ExplanationTests.figures,
            runs: [base, without])
        let text = explanation.findings[0].sentence
        #expect(!text.contains("of 1 runs"), "\(text)")
        #expect(text.contains("recovered in 1 of 1 run,"), "\(text)")
    }

    /// A run with no fault, 60 one-second intervals of 200 requests; `failing` lists the
    /// intervals where 150 of them fail.
    static func noFaultStory(failing: Set<Int>, minimumWindowRequests: Int) -> [String] {
        var spec = StoryFindingTests.spec()
        spec.timeline = []
        let columns = Simulation.clientColumns.map { "clients.users.\($0)" } + Simulation.serviceColumns.map { "services.api.\($0)" }
        var series = TimeSeries(columns: columns)
        for i in 0..<60 {
            series.append(time: Double(i + 1), values: columns.map { name in
                switch name {
                case "clients.users.requests", "clients.users.attempts": return 200
                case "clients.users.successes": return failing.contains(i) ? 50 : 200
                case "clients.users.failures": return failing.contains(i) ? 150 : 0
                default: return 0
                }
            })
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: 60, clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: 60, events: [], successLatency: [])
        var thresholds = OutcomeThresholds(slo: nil)
        thresholds.minimumWindowRequests = minimumWindowRequests
        return Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec, thresholds: thresholds)).sentences
    }

    /// "windows of at least 1 requests", "1 of 60 windows ... were unhealthy".
    @Test("The ending's windows and requests agree in number")
    func endingCounts() {
        let stable = Self.one(Self.noFaultStory(failing: [], minimumWindowRequests: 1), containing: "stayed healthy")
        #expect(stable.hasPrefix("Every window of at least 1 request after warmup stayed healthy"), "\(stable)")
        let one = Self.one(Self.noFaultStory(failing: [30], minimumWindowRequests: 1), containing: "With no fault")
        #expect(one.hasPrefix("With no fault at all, 1 of 60 windows of at least 1 request was unhealthy"), "\(one)")
        let two = Self.one(Self.noFaultStory(failing: [20, 40], minimumWindowRequests: 100), containing: "With no fault")
        #expect(two.hasPrefix("With no fault at all, 2 of 60 windows of at least 100 requests were unhealthy"), "\(two)")
    }
}
