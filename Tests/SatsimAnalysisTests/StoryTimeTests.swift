@testable import SatsimAnalysis
import SatsimCore
import SatsimMetrics
@testable import SatsimModel
import Testing

/// Times in a story are told by one rule, the whole second they fall in, so that no sentence
/// puts an effect before its cause or a start after its end through rounding. A fault at
/// 9.999999 s was told "At 10s ... from 9s" (the time rounded, the window an interval boundary)
/// and its first timeouts "At 9s", before it.
@Suite("Story times")
struct StoryTimeTests {
    /// Just below a whole second; the finest time a scenario can write is a microsecond.
    @Test("A clock time is the whole second it falls in", arguments: [
        (9.999999, "9s"), (10.0, "10s"), (0.4, "0s"), (0.999999, "0s"), (59.999999, "59s"), (60.0, "1m00s"),
        (3599.999999, "59m59s"), (3600.0, "1h00m00s"), (3725.5, "1h02m05s"),
    ])
    func clock(value: Double, printed: String) {
        #expect(Format.clock(value) == printed)
    }

    /// A sum of two whole-nanosecond times (a fault's end plus a recovery time) may land an ulp
    /// below a whole second: it is still that second.
    @Test("A sum an ulp below a whole second is that second")
    func ulpBelow() {
        #expect(Format.clock(60.0.nextDown) == "1m00s")
        #expect(Format.clock(0.1 + 0.2 + 9.7) == "10s")
    }

    /// A span is not a time in the run: rounded to the nearest second past a minute.
    @Test("A duration still rounds")
    func durations() {
        #expect(Format.duration(90.6) == "1m31s")
        #expect(Format.duration(59.999999) == "60s")
    }

    /// The synthetic run of ``StoryFindingTests`` with its load spike moved to 19.999999 s,
    /// retries and timeouts from the interval (19 s, 20 s] on: the first timeouts and retries
    /// after the fault are those of that interval, which begins before it. (Timeouts or retries
    /// already there before the fault would not "begin" at it.)
    @Test("A fault just below a whole second: its sentence, its window and its effects agree")
    func faultJustBelowASecond() {
        var spec = StoryFindingTests.spec()
        let at = SimTime(nanoseconds: 19_999_999_000)
        spec.timeline = [TimelineEventSpec(at: at, duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))]
        let run = StoryFindingTests.run(
            spec, baseline: ["clients.users.attempts": 200],
            cell: { i, name in
                name == "clients.users.timeouts" ? (i >= 19 ? 10 : 0) : name == "clients.users.retries" ? (i >= 19 ? 100 : 10) : nil
            })
        let sentences = run.story.sentences
        let findings = run.story.findings
        guard let event = findings.firstIndex(where: { $0.mechanism == .timelineEvent }),
              let ended = findings.firstIndex(where: { $0.mechanism == .timelineEventEnded }),
              let timeouts = findings.firstIndex(where: { $0.mechanism == .timeouts }),
              let retries = findings.firstIndex(where: { $0.mechanism == .retries })
        else {
            Issue.record("missing findings: \(sentences)")
            return
        }
        // The event and the window its effect is measured over, both by the same rule.
        #expect(sentences[event].hasPrefix("At 19s, a load spike"), "\(sentences[event])")
        #expect(sentences[event].contains("from 19s to 30s"), "\(sentences[event])")
        #expect(sentences[ended].hasPrefix("At 29s, the load spike on users ended"), "\(sentences[ended])")
        // The effects are told after their cause, at no earlier time.
        #expect(timeouts > event && retries > event, "\(sentences)")
        #expect(sentences[timeouts].hasPrefix("At 19s, attempts began to time out"), "\(sentences[timeouts])")
        #expect(findings[timeouts].time >= at.seconds && findings[retries].time >= at.seconds)
        for i in findings.indices.dropFirst() { #expect(findings[i - 1].time <= findings[i].time, "\(sentences)") }
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: Double(StoryFindingTests.length), label: "19.999999")
    }

    /// A cache that goes cold in the interval (19 s, 20 s] where the fault struck at 19.999999 s:
    /// "At 19s, the cache of api went cold", told after the fault, not before it.
    @Test("A cold cache is never told before the fault that chilled it")
    func coldCacheAfterItsCause() {
        var spec = StoryFindingTests.spec(services: [
            ServiceSpec(name: "api", serviceTime: .constant(value: 0.01), cache: CacheSpec(keys: 1000, zipf: 1, capacity: 100))
        ])
        let at = SimTime(nanoseconds: 19_999_999_000)
        spec.timeline = [TimelineEventSpec(at: at, action: .cacheFlush(service: "api"))]
        let columns = Simulation.clientColumns.map { "clients.users.\($0)" } + Simulation.serviceColumns.map { "services.api.\($0)" }
        var series = TimeSeries(columns: columns)
        for i in 0..<60 {
            let cold = i >= 19
            series.append(time: Double(i + 1), values: columns.map { name in
                switch name {
                case "clients.users.requests", "clients.users.successes", "clients.users.attempts": return 200
                case "services.api.cache_hits": return cold ? 20 : 180
                case "services.api.cache_misses": return cold ? 180 : 20
                default: return 0
                }
            })
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: 60, clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: 60, events: [], successLatency: [])
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let findings = story.findings
        guard let event = findings.firstIndex(where: { $0.mechanism == .timelineEvent }),
              let cold = findings.firstIndex(where: { $0.mechanism == .coldCache && $0.role == .course })
        else {
            Issue.record("missing findings: \(story.sentences)")
            return
        }
        #expect(cold > event, "\(story.sentences)")
        #expect(findings[cold].time >= at.seconds)
        #expect(story.sentences[cold].hasPrefix("At 19s, the cache of api went cold"), "\(story.sentences[cold])")
        StoryChecker(series: series).check(story, spec: spec, endSeconds: 60, label: "cold cache at 19.999999")
    }

    @Test("Decimals for intervals under a second", arguments: [
        (Int64(1_000_000_000), 0), (2_000_000_000, 0), (500_000_000, 1), (250_000_000, 2), (100_000_000, 1), (1_000_000, 3), (1_000, 3),
    ])
    func decimals(interval: Int64, places: Int) {
        #expect(Format.clockDecimals(interval: interval) == places)
    }

    @Test("A clock with decimals truncates and drops trailing zeros", arguments: [
        (9.5, 1, "9.5s"), (9.0, 1, "9s"), (69.25, 2, "1m09.25s"), (9.999999, 1, "9.9s"), (9.999999, 3, "9.999s"), (20.25, 1, "20.2s"),
        (3600.05, 2, "1h00m00.05s"),
    ])
    func clockDecimals(value: Double, places: Int, printed: String) {
        #expect(Format.clock(value, decimals: places) == printed)
    }

    /// Metrics every 500 ms: a window of one interval was "from 20s to 20s" (both bounds cut,
    /// or rounded, to the second); the story now prints the bounds the intervals have.
    @Test("Half-second intervals: a window of one interval has two different bounds")
    func halfSecondIntervals() {
        var spec = StoryFindingTests.spec()
        spec.metricsInterval = SimTime(nanoseconds: 500_000_000)
        spec.timeline = [TimelineEventSpec(at: SimTime(nanoseconds: 20_250_000_000), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))]
        let columns = Simulation.clientColumns.map { "clients.users.\($0)" } + Simulation.serviceColumns.map { "services.api.\($0)" }
        var series = TimeSeries(columns: columns)
        for i in 0..<120 {
            series.append(time: Double(i + 1) / 2, values: columns.map { name in
                switch name {
                // Timeouts from the interval holding the fault (20 s, 20.5 s] on.
                case "clients.users.requests", "clients.users.attempts": return 100
                case "clients.users.successes": return i >= 40 ? 95 : 100
                case "clients.users.timeouts": return i >= 40 ? 5 : 0
                default: return 0
                }
            })
        }
        let result = SimulationResult(
            scenario: spec.name, seed: spec.seed, measuredSeconds: 60, clients: [], services: [],
            timeSeries: series, limitHit: nil, eventCount: 0, endSeconds: 60, events: [], successLatency: [])
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let sentences = story.sentences
        #expect(sentences.contains { $0.hasPrefix("At 20.2s, a load spike") && $0.contains("from 20s to 30.5s") }, "\(sentences)")
        #expect(sentences.contains { $0.hasPrefix("At 20.2s, attempts began to time out") && $0.contains("ended from 20s to 20.5s") }, "\(sentences)")
        for window in story.findings.compactMap(\.window) where !window.toEnd {
            let bounds = window.label.split(separator: " ")
            #expect(bounds[1] != bounds[3], "\(window.label)")
        }
        StoryChecker(series: series).check(story, spec: spec, endSeconds: 60, label: "500 ms intervals")
    }
}
