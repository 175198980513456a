import SatsimAnalysis
import SatsimCore
import Foundation
import SatsimModel
import SatsimScenario
@testable import SatsimReport
import Testing

/// summary.json's `causes` (an addition to the contract): DESIGN.md, "Outcomes", says of a
/// metastable run that "the summary names what sustains it (amplification, wasted work, ejected
/// or restarting instances, cold caches)". The entries are the causes the story names, with the
/// figure they are ranked by, so a script reads the same answer a room hears.
@Suite("summary.json: the causes the story names")
struct SummaryCausesTests {
    /// An M/M/100 at 90/s with a 60 s spike at 1.8 x its load (LateRecoveryTests' drain), with
    /// clients that time out after 5 s and retry, or without either.
    static func spec(retrying: Bool) -> ScenarioSpec {
        var spec = ScenarioSpec(
            name: "drain", duration: SimTime(seconds: 900), warmup: SimTime(seconds: 60), seed: 3,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 90))],
            services: [ServiceSpec(name: "api", instances: 1, workers: 100, serviceTime: .exponential(mean: 1))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 180), duration: SimTime(seconds: 60), action: .loadSpike(client: "users", factor: 1.8))])
        if retrying {
            spec.clients[0].timeout = SimTime(seconds: 5)
            spec.clients[0].retry = RetrySpec(maxAttempts: 3)
        }
        return spec
    }

    static func summary(_ spec: ScenarioSpec) -> (causes: [JSONValue], story: Story) {
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec)
        guard case .object(let members) = SummaryDocument.json(result: result, analysis: analysis, spec: spec),
              case .array(let causes)? = members.first(where: { $0.0 == "causes" })?.1 else { return ([], Story(result: result, spec: spec, analysis: analysis)) }
        return (causes, Story(result: result, spec: spec, analysis: analysis))
    }

    static func field(_ value: JSONValue, _ name: String) -> JSONValue? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.0 == name }?.1
    }

    @Test("Retries behind the failure: named as the story names them, with its weight, window and clause")
    func retriesAreNamed() throws {
        let (causes, story) = Self.summary(Self.spec(retrying: true))
        let named = story.causes
        try #require(!named.isEmpty && causes.count == named.count, "\(causes) against \(named.map(\.sentence))")
        // Retries and the work they waste hold it down (the server keeps serving attempts whose
        // callers gave up): those, and not the backlog they fill.
        let mechanisms = causes.compactMap { Self.field($0, "mechanism") }
        #expect(mechanisms.allSatisfy { $0 == .string("retry_amplification") || $0 == .string("wasted_work") }, "\(mechanisms)")
        for (entry, finding) in zip(causes, named) {
            #expect(Self.field(entry, "mechanism") == .string(finding.mechanism.rawValue))
            #expect(Self.field(entry, "weight") == .number(finding.weight))
            #expect(Self.field(entry, "from") == finding.window.map { .number($0.from) })
            #expect(Self.field(entry, "to") == finding.window.map { .number($0.to) })
            #expect(Self.field(entry, "text") == .string(finding.sentence))
        }
        // The weight is the share of the attempts that were retries over the window: in (0, 1].
        if case .number(let weight)? = Self.field(causes[0], "weight") { #expect(weight > 0.05 && weight <= 1) } else { Issue.record("no weight") }
    }

    /// The shipped retry storm offers more candidates than the story names (those weighing
    /// under half of the first are left out): summary.json lists only the named ones.
    @Test("Only the causes the story names, not every candidate")
    func onlyTheNamed() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Scenarios")
        let spec = try ScenarioLoader.load(file: folder.appendingPathComponent("retry-storm.yaml").path)
        let (causes, story) = Self.summary(spec)
        try #require(story.candidates.count > story.causes.count, "\(story.candidates.map(\.sentence))")
        #expect(causes.map { Self.field($0, "text") } == story.causes.map { .string($0.sentence) })
    }

    @Test("Nothing but the backlog: the backlog is named")
    func backlogIsNamed() {
        let (causes, _) = Self.summary(Self.spec(retrying: false))
        #expect(causes.count == 1 && Self.field(causes[0], "mechanism") == .string("backlog"), "\(causes)")
    }

    @Test("A stable run names nothing: an empty list, not a missing key")
    func stableNamesNothing() {
        var spec = Self.spec(retrying: false)
        spec.timeline = []
        spec.duration = SimTime(seconds: 300)
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec)
        #expect(analysis.verdict.outcome == .stable)
        let causes = Self.field(SummaryDocument.json(result: result, analysis: analysis, spec: spec), "causes")
        #expect(causes == .array([]))
    }
}
