import SatsimAnalysis
import SatsimCore
import SatsimMetrics
@testable import SatsimModel
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

    /// A synthetic run of 200 one-second intervals (warmup 5 s, 200 requests/s): a load spike from
    /// 20 s to 30 s, then a quarter of the requests succeed until `back`, and all of them after.
    static func synthetic(back: Int, thresholds: OutcomeThresholds? = nil) -> (String, RunAnalysis) {
        let spec = ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: 200), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))])
        let columns = Simulation.clientColumns.map { "clients.users.\($0)" } + Simulation.serviceColumns.map { "services.api.\($0)" }
        var series = TimeSeries(columns: columns)
        for i in 0..<200 {
            let successes: Double = i >= 20 && i < back ? 50 : 200
            series.append(time: Double(i + 1), values: columns.map { name in
                if name.hasSuffix(".requests") || name.hasSuffix(".attempts") { return 200 }
                if name.hasSuffix(".successes") { return successes }
                if name.hasSuffix(".failures") { return 200 - successes }
                if name.hasSuffix(".instances") { return 2 }
                return 0
            })
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: 200, clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: 200, events: [], successLatency: [])
        let analysis = RunAnalysis(result: result, spec: spec, thresholds: thresholds)
        return (ReportPage.render(result: result, analysis: analysis, spec: spec), analysis)
    }

    /// Healthy again at 170 s, 140 s after the spike ended (later than the 120 s recovery window),
    /// and for the last 30 s only: not a recovery, and the page says when it came back and for
    /// how long. With a recovery window of 20 s, the same 30 s of health have lasted that window:
    /// recovered, 140 s after the fault, and the page's meaning says it was later than the window.
    @Test("Healthy again past the recovery window: recovered only once it has lasted that window")
    func pastTheWindow() throws {
        let (html, analysis) = Self.synthetic(back: 170)
        #expect(analysis.verdict.outcome == .degraded)
        #expect(Self.figure("Recovery time", in: html)
            == "healthy again 140 s after the last fault, past the 120 s recovery window, for only the last 30 s of the run")
        var short = OutcomeThresholds()
        short.recoveryWindow = 20
        let (late, recovered) = Self.synthetic(back: 170, thresholds: short)
        #expect(recovered.verdict.outcome == .recovered)
        #expect(recovered.verdict.recoveryTime.map { abs($0 - 140) < 1e-9 } == true, "\(String(describing: recovered.verdict.recoveryTime))")
        #expect(Self.figure("Recovery time", in: late) == "140 s after the last fault")
        #expect(late.contains("healthy again 140 s after the last fault&#39;s end, later than the 20 s recovery window")
            || late.contains("healthy again 140 s after the last fault's end, later than the 20 s recovery window"), "\(late)")
        // Within the window (back at 40 s, 10 s after the fault): the meaning names the window.
        let (prompt, quick) = Self.synthetic(back: 40)
        #expect(quick.verdict.outcome == .recovered)
        #expect(prompt.contains("healthy again within 120 s of"))
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
