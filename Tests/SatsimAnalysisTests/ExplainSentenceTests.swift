import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel
import Testing

/// How `explain`'s findings are rendered (``Finding/sentence``), apart from how they are found
/// (``ExplainFindingTests``): on synthetic runs whose intervals are worked out here by hand, and
/// their place in a story that names causes.
///
/// The intervals are Student-t 95% intervals, mean +/- t(0.975, n - 1) s / sqrt(n), with
/// t(0.975, 4) = 2.776445 (NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2).
@Suite("explain: its findings rendered")
struct ExplainSentenceTests {
    static let spec = ScenarioSpec(name: "x", duration: SimTime(seconds: 1), clients: [], services: [])
    static let budget = Counterfactual(
        mechanism: "retry_budget", subject: "clients.users.retry.budget",
        change: "budget removed: retries limited only by max_attempts 4", spec: spec)

    static func explanation(_ counterfactuals: [Counterfactual], _ runs: [[RunFigures]], seed: UInt64 = 0) -> Explanation {
        Explanation(scenario: "x", baseSeed: seed, counterfactuals: counterfactuals, figures: ExplanationTests.figures, runs: runs)
    }

    /// Base: metastable, goodput 50, 60, 55, 52, 58 (mean 55, s = sqrt 17, half width 5.12).
    /// Without retries: recovered in 10 s each, goodput 40...44 (mean 42, s = sqrt 2.5, half width 1.96).
    @Test("A cause decided by the bad outcomes: the counts, and every interval as the table prints it")
    func causeByBadOutcomes() {
        let base = ExplanationTests.runs(Array(repeating: .metastable, count: 5), goodput: [50, 60, 55, 52, 58])
        let without = ExplanationTests.runs(Array(repeating: .recovered, count: 5), goodput: [40, 41, 42, 43, 44], recovery: 10)
        let e = Self.explanation([ExplanationTests.counterfactual], [base, without], seed: 7)
        #expect(
            e.findings[0].sentence
                == "Without client retries (clients.users.retry), over 5 replications on seeds 7 to 11 (means with their 95% intervals in brackets): "
                + "recovered in 5 of 5 runs, recovering 10.0 [10.0, 10.0] s after the last fault ended (mean over the 5 runs that recovered); "
                + "goodput after warmup 42.0 [40.0, 44.0]/s against 55.0 [49.9, 60.1]/s with it (the base: metastable in 5 of 5 runs) "
                + "— a cause: fewer runs ended degraded, metastable, oscillating or overloaded without it, 0 against 5 of 5, "
                + "and McNemar's test of the runs paired by seed tells the two apart at 95% (mid-p value 0.031).")
    }

    /// Differences -2, -2, -2, -3, -1: mean -2, s = sqrt 0.5, half width 0.88; 1% of the base's
    /// 105/s is 1.05/s, under 2.
    @Test("A protection decided by goodput: the paired difference with its interval, and the floor")
    func protectionByGoodput() {
        let base = ExplanationTests.runs(Array(repeating: .stable, count: 5), goodput: [100, 120, 90, 110, 105])
        let lower = ExplanationTests.runs(Array(repeating: .stable, count: 5), goodput: [98, 118, 88, 107, 104])
        let e = Self.explanation([Self.budget], [base, lower])
        let sentence = e.findings[0].sentence
        #expect(sentence.hasPrefix("Without the retry budget (clients.users.retry.budget), over 5 replications on seeds 0 to 4"), "\(sentence)")
        #expect(sentence.hasSuffix(
            "— a protection: goodput was lower without it, by 2.0 [1.1, 2.9]/s (the 95% interval of the paired difference), "
                + "at least 1% of the base's goodput."), "\(sentence)")
    }

    @Test("Switch-offs without effect: one sentence naming them, last; a removed spike's goodput not judged")
    func withoutEffect() {
        let base = ExplanationTests.runs(Array(repeating: .stable, count: 5), goodput: [600, 601, 602, 600, 601])
        let lessDemand = ExplanationTests.runs(Array(repeating: .stable, count: 5), goodput: [500, 501, 502, 500, 501])
        let noisy = ExplanationTests.runs(Array(repeating: .stable, count: 5), goodput: [601, 600, 603, 599, 601])
        let e = Self.explanation([ExplanationTests.counterfactual, ExplanationTests.spikeRemoved], [base, noisy, lessDemand])
        #expect(e.counterfactuals.map(\.effect) == [.none, .none])
        let told = e.toldFindings
        #expect(told.map(\.mechanism) == [.switchedOffWithoutEffect])
        #expect(
            told[0].sentence
                == "Switching off or removing each of clients.users.retry and timeline.0 in turn, over 5 replications on seeds 0 to 4, "
                + "showed no effect these runs can tell: McNemar's test of the runs paired by seed told none apart by bad or stable runs at 95%, "
                + "and no paired difference in success ratio or goodput both excluded zero and reached 0.5 percentage points or 1% of the base's goodput; "
                + "more replications can find an effect these could not. "
                + "Goodput is not judged for timeline.0: removing a load spike lowers the demand.")
        #expect(told[0].switchedOff.map(\.subject) == ["clients.users.retry", "timeline.0"])
        // explain's text prints the same sentences as the story.
        #expect(e.text.hasSuffix("\n\n" + told[0].sentence + "\n"))
    }

    /// Two causes on a base with 5 bad runs of 6: switching off retries raises goodput by 90%
    /// and changes no outcome (rule 4, weight 0.9); switching off the budget makes every run
    /// stable and moves no goodput (rule 1: 5 runs of 6 fewer bad, McNemar's mid-p 1/32;
    /// weight 5/6). The rule decided first ranks first: a change of outcome before any change of
    /// goodput, whatever the shares.
    @Test("Causes ranked by the rule that decided them before their weight")
    func ruleBeforeWeight() {
        let outcomes: [Outcome] = [.degraded, .degraded, .degraded, .degraded, .degraded, .stable]
        let base = ExplanationTests.runs(outcomes, goodput: [100, 100, 100, 100, 100, 100])
        let faster = ExplanationTests.runs(outcomes, goodput: [190, 190, 190, 190, 190, 190])
        let stable = ExplanationTests.runs(Array(repeating: .stable, count: 6), goodput: [100, 100, 100, 100, 100, 100])
        let e = Self.explanation([ExplanationTests.counterfactual, Self.budget], [base, faster, stable])
        #expect(e.counterfactuals.map(\.rule) == [.goodput, .badOutcomes])
        #expect(e.findings.map(\.weight) == [0.9, 5.0 / 6])
        #expect(e.toldFindings.map(\.subject) == ["clients.users.retry.budget", "clients.users.retry"])
    }

    @Test("Nothing to switch off: one sentence says so")
    func nothingToSwitchOff() {
        let base = ExplanationTests.runs(Array(repeating: .stable, count: 2), goodput: [1, 2])
        let e = Self.explanation([], [base])
        #expect(e.toldFindings.map(\.sentence) == ["The scenario uses no mechanism that can be switched off and has no timeline event."])
        #expect(e.text.contains("\n\nThe scenario uses no mechanism that can be switched off and has no timeline event.\n"))
    }

    @Test("From one replication, means stand alone: no brackets, no interval named")
    func oneReplication() {
        let base = [RunFigures(seed: 0, outcome: .metastable, limit: nil, values: [50, nil])]
        let without = [RunFigures(seed: 0, outcome: .recovered, limit: nil, values: [90, 10])]
        let sentence = Self.explanation([ExplanationTests.counterfactual], [base, without]).findings[0].sentence
        #expect(sentence.hasPrefix("Without client retries (clients.users.retry), over 1 replication on seed 0: recovered in 1 of 1 run,"), "\(sentence)")
        #expect(!sentence.contains("["), "\(sentence)")
        #expect(sentence.hasSuffix(": no effect, no difference counted beyond the 95% intervals and the floors."), "\(sentence)")
    }

    /// A story that names its causes (retries and wasted work, on ``StoryFindingTests``'
    /// synthetic series) with an explanation of a cause, a protection and a switch-off without
    /// effect: the cause and the protection are told right after the named causes, the cause
    /// first; the switch-off without effect is the story's last word.
    @Test("In a story that names causes: explain's causes beside them, protections next, no-effect last")
    func besideTheNamedCauses() throws {
        let spec = StoryFindingTests.spec(client: ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 200), retry: RetrySpec(maxAttempts: 4)))
        let run = StoryFindingTests.run(
            spec, baseline: ["clients.users.attempts": 200, "services.api.completions": 200],
            after: ["clients.users.attempts": 800, "clients.users.retries": 600, "services.api.completions": 400, "services.api.wasted": 360])
        let metastable = ExplanationTests.runs(Array(repeating: .metastable, count: 5), goodput: [50, 60, 55, 52, 58])
        let recovered = ExplanationTests.runs(Array(repeating: .recovered, count: 5), goodput: [40, 41, 42, 43, 44], recovery: 10)
        let worse = ExplanationTests.runs(Array(repeating: .metastable, count: 5), goodput: [40, 50, 45, 42, 48])
        // The protection is listed first in the table: the ranking, not the table, puts the cause first.
        let e = Self.explanation([Self.budget, ExplanationTests.counterfactual, ExplanationTests.spikeRemoved],
                                 [metastable, worse, recovered, metastable])
        #expect(e.counterfactuals.map(\.effect) == [.protection, .cause, .none])
        let story = Story(result: run.result, spec: spec, analysis: RunAnalysis(result: run.result, spec: spec), explanation: e)
        let mechanisms = story.findings.map(\.mechanism)
        let causes = try #require(mechanisms.firstIndex(of: .causes))
        try #require(mechanisms.count > causes + 2, "explain's findings missing: \(mechanisms)")
        #expect(Array(mechanisms[(causes + 1)...(causes + 2)]) == [.switchedOff, .switchedOff], "\(mechanisms)")
        #expect(story.findings[causes + 1].switchedOff.first?.effect == .cause)
        #expect(story.findings[causes + 2].switchedOff.first?.effect == .protection)
        #expect(story.findings[causes + 1].time == story.findings[causes].time)
        #expect(mechanisms.last == .switchedOffWithoutEffect)
        #expect(mechanisms.filter { $0 == .switchedOffWithoutEffect }.count == 1)
        StoryChecker(series: run.result.timeSeries).check(story, spec: spec, endSeconds: Double(StoryFindingTests.length), label: "explained")
    }
}
