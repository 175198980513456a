import SatsimAnalysis
import SatsimCore
import SatsimMetrics
@testable import SatsimModel
import SatsimScenario
import Testing

/// A story compares the load offered with goodput, and the two are counted at different moments:
/// a request is offered in the interval it is sent and succeeds in the interval its answer
/// arrives. Over a window that starts while a backlog is still in flight (a warmup that queued
/// work, the end of an outage), more requests succeed per second than are sent, and "clients
/// offered 100 requests/s and 105 succeeded per second" reads as a contradiction. The story must
/// say why, with a figure recomputable from timeseries.csv: since a request succeeds at most once,
/// at least (successes - requests) of the window's successes were of requests sent before it.
/// (Goodput as the rate of successful completions: Google SRE book, "Handling Overload".)
@Suite("Offered load against goodput: never a contradiction")
struct StoryOfferedGoodputTests {
    /// A cold cache in front of a one-worker database: during the 5 s warmup most lookups miss,
    /// the database queues them (at 20 ms each it serves 50/s of the ~90 misses/s), and once the
    /// cache has warmed the backlog drains after warmup, while the clients keep sending 100/s.
    static let drainingYAML = """
        name: drain
        description: A cold cache backs up its database during warmup; the backlog drains after it.
        duration: 20s
        warmup: 5s
        seed: 3
        metrics: { interval: 1s }
        clients:
          users:
            target: api
            arrival: { process: constant, rate: 100/s }
        services:
          api:
            instances: 1
            workers: 1000
            service_time: { dist: constant, value: 1ms }
            cache: { keys: 400, zipf: 0.5, capacity: 400, ttl: 10m }
            calls:
              - service: db
          db:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 20ms }
        """

    @Test("A backlog drained after warmup: the baseline says why more succeeded than were offered")
    func drainedAfterWarmup() throws {
        let spec = try ScenarioLoader.parse(text: Self.drainingYAML, file: "drain.yaml")
        let result = Simulation(spec: spec).run()
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let baseline = try #require(story.findings.first { $0.mechanism == .baseline })
        // The run itself: over the baseline window (warmup to the end) more succeeded than were
        // sent, which is the case the sentence must explain.
        let requests = total(result.timeSeries, "clients.users.requests", after: 5)
        let successes = total(result.timeSeries, "clients.users.successes", after: 5)
        // The cache's keys are drawn at random: the figures depend on the variate stream, the
        // inequality (about 77 more successes than requests with this seed) does not.
        #expect(successes > requests + 15, "\(successes) successes, \(requests) requests")
        #expect((Double(baseline.figures[1].text) ?? 0) > (Double(baseline.figures[0].text) ?? 0), "\(baseline.sentence)")
        let excess = Int(successes - requests)
        #expect(
            baseline.sentence.contains(
                "\(baseline.figures[1].text) succeeded per second (more than were offered: at least \(excess) of the successes were of requests sent before 5s)"),
            "\(baseline.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "drain")
    }

    @Test("Without a backlog the baseline sentence stays plain")
    func noBacklogNoClause() throws {
        // The same system with the cache warm from the start (one key): nothing queues.
        let yaml = Self.drainingYAML.replacingOccurrences(of: "keys: 400", with: "keys: 1")
        let spec = try ScenarioLoader.parse(text: yaml, file: "drain.yaml")
        let result = Simulation(spec: spec).run()
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let baseline = try #require(story.findings.first { $0.mechanism == .baseline })
        #expect(!baseline.sentence.contains("more succeeded"), "\(baseline.sentence)")
        #expect(baseline.sentence.hasPrefix("From 5s to the end, clients offered 100 requests/s and 100 succeeded per second"), "\(baseline.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "warm")
    }

    // MARK: - Synthetic series

    static let length = 200

    /// A run of 200 one-second intervals with per-second `requests` and `successes` (and
    /// failures) set by `rows(i)` for interval i (ending at i + 1 s).
    static func run(
        _ spec: ScenarioSpec, rows: (Int) -> (requests: Double, successes: Double, failures: Double),
        extra: (Int, String) -> Double? = { _, _ in nil }
    ) -> (story: Story, result: SimulationResult) {
        let columns = spec.clients.flatMap { c in Simulation.clientColumns.map { "clients.\(c.name).\($0)" } }
            + spec.services.flatMap { s in Simulation.serviceColumns.map { "services.\(s.name).\($0)" } }
        var series = TimeSeries(columns: columns)
        for i in 0..<length {
            let row = rows(i)
            series.append(time: Double(i + 1), values: columns.map { name in
                if let value = extra(i, name) { return value }
                if name.hasSuffix(".requests") || name.hasSuffix(".attempts") { return row.requests }
                if name.hasSuffix(".successes") { return row.successes }
                if name.hasSuffix(".failures") { return row.failures }
                if name.hasSuffix(".instances") { return 2 }
                return 0
            })
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: Double(length), clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: Double(length), events: [], successLatency: [])
        return (Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec)), result)
    }

    static func spec(factor: Double) -> ScenarioSpec {
        ScenarioSpec(
            name: "synthetic", duration: SimTime(seconds: Double(length)), warmup: SimTime(seconds: 5), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200))],
            services: [ServiceSpec(name: "api", instances: 2, serviceTime: .constant(value: 0.01))],
            timeline: [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: factor))])
    }

    /// A "spike" of factor 0.5 lowers the load while the queue built before it drains: over its
    /// window 100 requests/s are sent and 150/s succeed.
    @Test("A load spike that lowers the load while a backlog drains")
    func spikeDownWhileDraining() throws {
        let spec = Self.spec(factor: 0.5)
        let run = Self.run(spec) { i in
            if i < 20 { return (200, 200, 0) }
            if i < 30 { return (100, 150, 0) }
            return (200, 200, 0)
        }
        let event = try #require(run.story.findings.first { $0.mechanism == .timelineEvent })
        #expect(
            event.sentence == "At 20s, a load spike multiplied the load of users by 0.5 for 10s: from 20s to 30s, clients offered 100 requests/s, and goodput averaged 150/s against 200/s before the first fault; more succeeded than were offered because at least 500 of the successes were of requests sent before 20s.",
            "\(event.sentence)")
        let baseline = try #require(run.story.findings.first { $0.mechanism == .baseline })
        #expect(baseline.sentence == "From 5s to 20s, clients offered 200 requests/s and 200 succeeded per second, before the first fault.")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: Double(Self.length), label: "spike down")
    }

    /// The ending of a run that did not come back, over a window where a backlog is answered
    /// (30 of every 40 per second fail, 60 succeed, 20 are sent): goodput 60/s against 20
    /// offered must say why.
    @Test("The ending of a run that did not come back, over a draining window")
    func endingOverADrainingWindow() throws {
        let spec = Self.spec(factor: 2)
        let run = Self.run(spec) { i in
            if i < 20 { return (200, 200, 0) }
            if i < 30 { return (400, 50, 350) }
            return (20, 60, 140)
        }
        let ending = try #require(run.story.findings.first { $0.mechanism == .ending && $0.sentence.hasPrefix("It did not come back") })
        #expect(ending.sentence.contains(
            "goodput averaged 60.0/s against 200/s before the first fault, while clients offered 20.0 requests/s against 200 before it; more succeeded than were offered because at least "),
            "\(ending.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: Double(Self.length), label: "ending")
    }

    /// The printed figures decide. Over the baseline (5 s to 20 s, 15 intervals): 3004 sent and
    /// 3006 answered are 200.27/s and 200.4/s, both printed "200", no contradiction to explain;
    /// 1506 and 1509 are 100.4/s and 100.6/s, printed "100" and "101", one to explain.
    @Test("Only a contradiction the reader would see is explained")
    func printedFiguresDecide() {
        let spec = Self.spec(factor: 2)
        let equal = Self.run(spec) { i in
            i < 20 ? (i >= 5 && i < 9 ? 201 : 200, i >= 5 && i < 11 ? 201 : 200, 0) : (400, 10, 390)
        }
        let baselineEqual = equal.story.findings.first { $0.mechanism == .baseline }?.sentence ?? ""
        #expect(baselineEqual == "From 5s to 20s, clients offered 200 requests/s and 200 succeeded per second, before the first fault.", "\(baselineEqual)")
        let apart = Self.run(spec) { i in
            i < 20 ? (i >= 5 && i < 11 ? 101 : 100, i >= 5 && i < 14 ? 101 : 100, 0) : (400, 10, 390)
        }
        let baselineApart = apart.story.findings.first { $0.mechanism == .baseline }?.sentence ?? ""
        #expect(
            baselineApart == "From 5s to 20s, clients offered 100 requests/s and 101 succeeded per second (more than were offered: at least 3 of the successes were of requests sent before 5s), before the first fault.",
            "\(baselineApart)")
        StoryChecker(series: apart.result.timeSeries).check(apart.story, spec: spec, endSeconds: Double(Self.length), label: "apart")
    }

    func total(_ series: TimeSeries, _ column: String, after: Double) -> Double {
        guard let values = series.column(column), let times = series.column("time") else { return 0 }
        return values.indices.filter { times[$0] > after + 1e-9 }.reduce(0) { $0 + values[$1] }
    }
}
