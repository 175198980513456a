import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel
import Testing

/// The ending of a run the verdict did not call recovered, told as the data has it (DESIGN.md,
/// "Outcomes": `recovered` is healthy again and staying so; a run judged `degraded` or
/// `metastable` may still be healthy at its end, or may have ended before anything could be
/// judged). Each case below told a room something the series contradicts.
@Suite("The ending of a run not judged recovered")
struct StoryLateEndingTests {
    /// StoryOfferedGoodputTests' run (200 one-second intervals, warmup 5 s) with one load spike
    /// from `at` for `seconds`.
    static func spec(at: Double = 20, seconds: Double = 10) -> ScenarioSpec {
        var spec = StoryOfferedGoodputTests.spec(factor: 2)
        spec.timeline = [
            TimelineEventSpec(at: SimTime(seconds: at), duration: SimTime(seconds: seconds), action: .loadSpike(client: "users", factor: 2))
        ]
        return spec
    }

    static func endings(_ story: Story) -> [String] { story.findings.filter { $0.mechanism == .ending }.map(\.sentence) }

    /// Healthy again at 170 s, 140 s after the spike ended (past the 120 s recovery window), and
    /// to the end, 30 s later (less than that window): the verdict says degraded, and the story said "It did not come back: from
    /// 2m30s to the end, goodput averaged 140/s ... The system degraded and did not recover within
    /// the run" of a service healthy for the last half minute.
    @Test("Healthy again after the recovery window: degraded, and told when it came back")
    func lateRecoveryDegraded() throws {
        let spec = Self.spec()
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 && i < 170 ? (200, 50, 150) : (200, 200, 0) })
        let verdict = RunAnalysis(result: run.result, spec: spec).verdict
        #expect(verdict.outcome == .degraded)
        #expect(Self.endings(run.story) == [
            "2m20s after the last fault ended, at 2m50s, the system was healthy again (at least 90% succeeded) and stayed so to the end, but only for the run's last 30s: a return later than 2m00s after it counts as a recovery only once it has lasted that long, so it is judged degraded."
        ], "\(Self.endings(run.story))")
        let text = run.story.sentences.joined(separator: "\n")
        #expect(!text.contains("did not come back") && !text.contains("did not recover"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "late recovery, degraded")
    }

    /// Down from 20 s to 185 s at 10 successes/s, then healthy: from 150 s (the spike's end + the
    /// recovery window) goodput averages (35 x 10 + 15 x 200) / 50 = 67/s, under half of 200/s,
    /// so the verdict says metastable; the story must still say that it came back, and when.
    @Test("Healthy again after the recovery window: metastable by its mean, and told it came back")
    func lateRecoveryMetastable() throws {
        let spec = Self.spec()
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 && i < 185 ? (200, 10, 190) : (200, 200, 0) })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .metastable)
        #expect(Self.endings(run.story) == [
            "2m35s after the last fault ended, at 3m05s, the system was healthy again (at least 90% succeeded) and stayed so to the end, but only for the run's last 15s: a return later than 2m00s after it counts as a recovery only once it has lasted that long: from 2m30s to the end goodput averaged 67.0/s against 200/s before the first fault, less than half, so it is judged metastable, though it came back on its own."
        ], "\(Self.endings(run.story))")
        let text = run.story.sentences.joined(separator: "\n")
        #expect(!text.contains("did not come back") && !text.contains("feedback loop held"), "\(text)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "late recovery, metastable")
    }

    /// What held a late-recovering run down is looked for where it was down, as for a recovery
    /// (StoryData.recoveredCauseWindow), not from the end of the recovery window to the end of
    /// the run: "What sustained it from 2m30s to the end" took in the healthy tail, and told a
    /// room that something still sustained a failure that was over.
    @Test("Healthy again after the recovery window: the causes are looked for while it was down")
    func lateRecoveryCauses() throws {
        var spec = Self.spec()
        spec.clients[0].retry = RetrySpec(maxAttempts: 3)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 && i < 185 ? (200, 10, 190) : (200, 200, 0) }) { i, name in
            switch name {
            case "clients.users.retries": return i >= 20 && i < 185 ? 300 : 0
            case "clients.users.attempts": return i >= 20 && i < 185 ? 500 : 200
            default: return nil
            }
        }
        let causes = try #require(run.story.findings.first { $0.mechanism == .causes }, "\(run.story.sentences)")
        #expect(causes.sentence.hasPrefix("From 20s to 3m05s, the system was unhealthy; what held it down most: retries were 60% of the attempts users sent"), "\(causes.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "late recovery, causes")
    }

    /// An operator scales the service down for good, and goodput stays under half of its
    /// baseline with the offered load unchanged: the verdict says metastable (it counts the change
    /// as over once it took effect), but no trigger is gone. "The trigger was gone, but a feedback
    /// loop held the overload" was told of a run with no retry to feed a loop; a `scale` or a
    /// `set` without `for` stays in force, and the close says so. One with `for` is over.
    @Test("Metastable under a change that stays in force: the close does not claim the trigger was gone", arguments: [true, false])
    func lastingChange(lasting: Bool) throws {
        var spec = Self.spec()
        spec.timeline = [
            lasting
                ? TimelineEventSpec(at: SimTime(seconds: 20), action: .scale(service: "api", to: 1))
                : TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))
        ]
        // api saturated from the spike on (a feedback loop holding an overload).
        let run = StoryOfferedGoodputTests.run(
            spec, rows: { i in i >= 20 ? (200, 50, 150) : (200, 200, 0) },
            extra: { i, name in name == "services.api.utilization" ? (i >= 20 ? 0.98 : 0.5) : nil })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .metastable)
        let close = try #require(Self.endings(run.story).last)
        #expect(close == (lasting
            ? "The offered load was back to its baseline, but the operator's scaling of api stayed in force to the end: the verdict counts it as over once it took effect and calls this a metastable failure, yet the change itself, not a feedback loop, may be what held goodput down."
            : "The trigger was gone, but a feedback loop held the overload: a metastable failure."), "\(close)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "lasting change")
    }

    /// Down to the end while api is 1% busy (a client's adaptive throttle rejecting nearly all it
    /// tries, say): "a feedback loop held the overload" would tell of an overload the run never
    /// had. The close says how busy the busiest service was.
    @Test("Metastable with no service busy: the close does not claim an overload")
    func metastableWithoutOverload() throws {
        var spec = Self.spec()
        spec.timeline = [TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .loadSpike(client: "users", factor: 2))]
        let run = StoryOfferedGoodputTests.run(
            spec, rows: { i in i >= 20 ? (200, 50, 150) : (200, 200, 0) },
            extra: { i, name in name == "services.api.utilization" ? (i >= 20 ? 0.01 : 0.5) : nil })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .metastable)
        let close = try #require(Self.endings(run.story).last)
        #expect(close.hasPrefix("The trigger was gone, but goodput stayed down though api was only 1% busy from "), "\(close)")
        #expect(close.hasSuffix(": a feedback loop held it down without overload, a metastable failure."), "\(close)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "no overload")
    }

    /// A spike from 150 s to 190 s in a run of 200 s, down to the end: the run ended 10 s after
    /// it, within the recovery window, so neither a recovery nor a failure holding itself up could
    /// be seen. "The system degraded and did not recover within the run" alone read as a verdict
    /// on ten seconds.
    @Test("Ended within the recovery window, still unhealthy: the story says it could not be seen")
    func cutShort() throws {
        let spec = Self.spec(at: 150, seconds: 40)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 150 ? (200, 50, 150) : (200, 200, 0) })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .degraded)
        #expect(Self.endings(run.story) == [
            "When the run ended, at 3m20s, 10s after the last fault ended, the system was still unhealthy: in the last window of at least 100 requests, from 3m19s to the end, 25% of the requests that ended succeeded (healthy: at least 90% succeeded). The verdict waits 2m00s after the last fault to see a recovery, and the run had ended by then, so whether the system would have come back, or held itself down (metastable), was not seen: it is judged degraded."
        ], "\(Self.endings(run.story))")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "cut short")
    }

    /// A fault that ends at the run's duration ends as the run does. "When the run ended, at
    /// 3m20s, before the last fault ended" contradicted "At 3m20s, the load spike on users
    /// ended" a line above it.
    @Test("A fault ending with the run: as it ended, not before", arguments: [false, true])
    func endingWithTheRun(recovers: Bool) throws {
        let spec = Self.spec(at: 150, seconds: 50)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 150 && (!recovers || i < 160) ? (200, 50, 150) : (200, 200, 0) })
        let text = run.story.sentences.joined(separator: "\n")
        #expect(text.contains("At 3m20s, the load spike on users ended."), "\(text)")
        #expect(!text.contains("before the last fault ended"), "\(text)")
        let expected = recovers
            ? "When the run ended, at 3m20s, as the last fault ended, the system was healthy again (at least 90% succeeded): it recovered while the fault lasted."
            : "When the run ended, at 3m20s, as the last fault ended, the system was still unhealthy: in the last window of at least 100 requests, from 3m19s to the end, 25% of the requests that ended succeeded (healthy: at least 90% succeeded). The verdict waits 2m00s after the last fault to see a recovery, and the run had ended by then, so whether the system would have come back, or held itself down (metastable), was not seen: it is judged degraded."
        #expect(Self.endings(run.story) == [expected], "\(Self.endings(run.story))")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "ending with the run")
    }

    /// Every request is answered, as many per second as before, but ten times slower from the
    /// spike on: the run is degraded by its p99 alone. "It did not come back: ... goodput averaged
    /// 200/s against 200/s" named no figure that had not come back.
    @Test("Degraded by latency alone: the ending names the p99 against its bound")
    func degradedByLatency() throws {
        let spec = Self.spec()
        var run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) })
        run.result.successLatency = (0..<StoryOfferedGoodputTests.length).map { i in
            var histogram = CompactLatencyHistogram()
            histogram.record(SimTime(seconds: i >= 20 ? 0.1 : 0.01), count: 200)
            return histogram
        }
        let analysis = RunAnalysis(result: run.result, spec: spec)
        #expect(analysis.verdict.outcome == .degraded)
        let story = Story(result: run.result, spec: spec, analysis: analysis)
        let ending = try #require(story.findings.first { $0.mechanism == .ending && $0.sentence.hasPrefix("It did not come back") }, "\(story.sentences)")
        #expect(ending.sentence.hasSuffix(
            "; in the last window of at least 100 requests, from 3m19s to the end, 100% of the requests that ended succeeded and the p99 latency of the successes was 100ms (healthy: at least 90% succeeded, p99 at most 30ms)."),
            "\(ending.sentence)")
        StoryChecker(series: run.result.timeSeries).check(story, spec: spec, endSeconds: run.result.endSeconds, label: "degraded by latency")
    }

    /// The verdict reads the span after the recovery window in whole intervals that begin at or
    /// after it (OutcomeClassifier), and so does the causes' sentence; the ending counted the
    /// interval the recovery window ended in. A spike ending at 30.5 s: from 2m31s, not 2m30s.
    @Test("The span after the recovery window starts where the verdict's does")
    func alignedWithTheVerdict() throws {
        let spec = Self.spec(seconds: 10.5)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 20 ? (200, 50, 150) : (200, 200, 0) })
        let ending = try #require(run.story.findings.first { $0.mechanism == .ending && $0.sentence.hasPrefix("It did not come back") }, "\(run.story.sentences)")
        #expect(ending.sentence.hasPrefix("It did not come back: from 2m31s to the end"), "\(ending.sentence)")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "aligned")
    }

    /// The verdict counts an oscillation's reversals once no fault acts, and never in warmup
    /// (OutcomeClassifier reads no interval of it). A spike from 20 s to 30 s and warmup to 40 s:
    /// the story counted from 30 s, 168 reversals against the verdict's 158, and named 30s, a
    /// time inside warmup.
    @Test("An oscillation after a fault that ended in warmup is counted from warmup's end")
    func oscillationAfterWarmup() throws {
        var spec = Self.spec()
        spec.warmup = SimTime(seconds: 40)
        let run = StoryOfferedGoodputTests.run(spec, rows: { _ in (200, 200, 0) }) { i, name in
            name == "services.api.instances" ? (i >= 30 && i % 2 == 1 ? 3 : 2) : nil
        }
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .oscillating)
        #expect(Self.endings(run.story) == [
            "From 40s on, with no fault acting, the number of healthy serving instances kept changing direction (158 reversals): it oscillated."
        ], "\(Self.endings(run.story))")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "oscillation after warmup")
    }

    /// Six unhealthy seconds at 50 s, then a harmless dip in load from 150 s to 160 s: the run
    /// turned unhealthy and was healthy again, so the verdict says recovered (DESIGN.md,
    /// "Outcomes"), but "By the time the last fault ended, at 2m40s, the system was healthy again
    /// ... it recovered" credited the fault with windows that all came before it.
    @Test("Recovered, with every unhealthy window before the first fault")
    func unhealthyOnlyBeforeTheFault() throws {
        var spec = Self.spec(at: 150, seconds: 10)
        spec.timeline[0].action = .loadSpike(client: "users", factor: 0.5)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 50 && i < 56 ? (200, 100, 100) : (200, 200, 0) })
        let verdict = RunAnalysis(result: run.result, spec: spec).verdict
        #expect(verdict.outcome == .recovered)
        #expect(Self.endings(run.story) == [
            "6 of the 145 windows of at least 100 requests before the first fault were unhealthy (healthy: at least 90% succeeded), and none after: the verdict calls the run recovered, healthy from 56s on, though every unhealthy window came before the first fault."
        ], "\(Self.endings(run.story))")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "unhealthy before the fault")
    }

    /// A run that stopped (at a limit) at 200 s, before its spike at 250 s began, unhealthy in
    /// its last second: "When the run ended, before the last fault ended, the system was still
    /// unhealthy ... within the 2m00s after the last fault" spoke of a fault that never began.
    @Test("Stopped before any fault began, unhealthy at the end")
    func stoppedBeforeTheFaults() throws {
        var spec = Self.spec(at: 250, seconds: 10)
        spec.duration = SimTime(seconds: 300)
        let run = StoryOfferedGoodputTests.run(spec, rows: { i in i >= 198 ? (200, 20, 180) : (200, 200, 0) })
        #expect(RunAnalysis(result: run.result, spec: spec).verdict.outcome == .degraded)
        #expect(Self.endings(run.story) == [
            "When the run stopped, at 3m20s, before any fault of the timeline began, the system was unhealthy: in the last window of at least 100 requests, from 3m19s to the end, 10% of the requests that ended succeeded (healthy: at least 90% succeeded); it is judged degraded."
        ], "\(Self.endings(run.story))")
        StoryChecker(series: run.result.timeSeries).check(run.story, spec: spec, endSeconds: run.result.endSeconds, label: "stopped before the faults")
    }
}

