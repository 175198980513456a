import SatsimAnalysis
import SatsimCore
import SatsimModel
@testable import SatsimReport
import Testing

/// The verdict's figures on report.html name only what the run saw. "Recovery time: did not
/// recover" was shown for a run healthy again (later than the recovery window) to its end, and
/// for one that ended before any recovery could be seen; "Last fault ended at" named a time after
/// the run's end.
@Suite("report.html: the recovery time and the last fault's end")
struct ReportRecoveryFigureTests {
    static func figure(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: "<dt>\(name)</dt><dd>") else { return nil }
        return html[start.upperBound...].components(separatedBy: "</dd>").first
    }

    static func page(_ spec: ScenarioSpec, thresholds: OutcomeThresholds? = nil) -> (String, RunAnalysis, SimulationResult) {
        let result = Simulation(spec: spec).run(limits: RunLimits())
        let analysis = RunAnalysis(result: result, spec: spec, thresholds: thresholds)
        return (ReportPage.render(result: result, analysis: analysis, spec: spec), analysis, result)
    }

    /// The small run's service, three times its load from 20 s to the end of its 30 s: still
    /// unhealthy when the run (and the spike) ended.
    @Test("A spike that ends with the run: the recovery was not seen")
    func endsWithTheRun() throws {
        var spec = ReportFixture.small()
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 3))]
        let (html, analysis, _) = Self.page(spec)
        try #require(analysis.verdict.outcome == .degraded, "\(analysis.verdict.outcome)")
        #expect(Self.figure("Recovery time", in: html) == "not seen: the run ended as the last fault did")
        #expect(Self.figure("Last fault ended at", in: html) == "30s")
    }

    /// One of two instances killed at 20 s, booting for a minute: its effect ends at 1m20s, after
    /// the run's 30 s.
    @Test("A kill whose instance boots after the run's end")
    func bootsAfterTheEnd() throws {
        var spec = ReportFixture.small()
        spec.services[0].bootTime = SimTime(seconds: 60)
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), action: .kill(service: "api", count: 1))]
        let (html, analysis, _) = Self.page(spec)
        try #require(analysis.verdict.outcome == .degraded, "\(analysis.verdict.outcome)")
        #expect(Self.figure("Last fault ended at", in: html) == "1m20s, after the run ended")
        #expect(Self.figure("Recovery time", in: html) == "not seen: the run ended before the last fault did")
    }

    /// The small run's spike alone, at 2.5 times the load from 12 s to 16 s, leaves a backlog that
    /// takes seconds to clear; with a recovery window of half that time, the verdict no longer
    /// counts the recovery, and the page says when it came back.
    @Test("Healthy again past the recovery window")
    func pastTheWindow() throws {
        var spec = ReportFixture.small()
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 12), duration: SimTime(seconds: 4), action: .loadSpike(client: "users", factor: 2.5))]
        let (_, recovered, _) = Self.page(spec)
        let time = try #require(recovered.verdict.recoveryTime)
        try #require(time > 0, "the small run recovers at once")
        var thresholds = OutcomeThresholds()
        thresholds.recoveryWindow = time / 2
        let (html, analysis, _) = Self.page(spec, thresholds: thresholds)
        #expect(analysis.verdict.outcome != .recovered)
        #expect(Self.figure("Recovery time", in: html)
            == "healthy again \(TextSummary.number(time)) s after the last fault, past the \(TextSummary.number(time / 2)) s recovery window")
    }

    /// An outage from 10 s to 14 s, then one of four instances killed at 20 s and booting for a
    /// minute, past the run's 30 s: healthy again before the run ended, while the kill's effect
    /// lasted. The summary line said "healthy again by the time the last fault ended".
    @Test("The text summary of a recovery before the last fault's end, after the run's")
    func textSummaryBeforeTheEnd() throws {
        var spec = ReportFixture.small()
        spec.services[0].instances = 4
        spec.services[0].bootTime = SimTime(seconds: 60)
        spec.timeline = [
            TimelineEventSpec(at: SimTime(seconds: 10), duration: SimTime(seconds: 4), action: .outage(service: "api", mode: .refuse)),
            TimelineEventSpec(at: SimTime(seconds: 20), action: .kill(service: "api", count: 1)),
        ]
        let (_, analysis, result) = Self.page(spec)
        try #require(analysis.verdict.outcome == .recovered, "\(analysis.verdict.outcome)")
        let text = TextSummary.render(result: result, analysis: analysis, spec: spec)
        #expect(text.contains("\noutcome: recovered, healthy again when the run ended, before the last fault ended\n"), "\(text)")
    }
}
