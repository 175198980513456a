import SatsimMetrics
import SatsimModel

/// The story of a run: what happened, in time order, in plain sentences derived from its data
/// (DESIGN.md, "The story").
///
/// It is built in two steps. Detectors read the run (``StoryData``) and return ``Finding``s:
/// typed facts with the figures that show them, each labelled with the window it was measured
/// over. Among the mechanisms the scenario uses, candidates for what sustained a bad state or
/// slowed a recovery are weighed, and the one or two that dominate are named. Sentences then
/// only render the findings, sorted by time.
public struct Story: Sendable, Hashable {
    /// The course of the run, the named causes, the ending and (with `explain`) what switching
    /// each mechanism off showed, in the order they are told.
    public var findings: [Finding]
    /// Every candidate cause over the unhealthy window, heaviest first (those named included).
    public var candidates: [Finding]
    /// The causes the story names, one or two, heaviest first (``StoryData/dominant(_:)``): what
    /// sustained the bad state or slowed the recovery, over the window it was judged in. Empty
    /// for a stable run, and when no candidate weighs enough to be named.
    public var causes: [Finding] { StoryData.dominant(candidates) }

    /// With `explain`'s analysis (`run --explain`): one finding per mechanism switched off or
    /// event removed, in its table's order, `none` effects included; those told are in
    /// ``findings``. Empty without it.
    public var counterfactuals: [Finding] = []

    /// The sentences, one per finding of ``findings``.
    public var sentences: [String] { findings.map(\.sentence) }

    /// The story of one run; with `explanation` (the same scenario's `explain` analysis, whose
    /// replication 0 is this run), its counterfactual findings join the list.
    public init(result: SimulationResult, spec: ScenarioSpec, analysis: RunAnalysis, explanation: Explanation? = nil) {
        self.init(StoryData(result: result, spec: spec, analysis: analysis), explanation: explanation)
    }

    /// The findings of `data`, and with `explanation` its counterfactual findings
    /// (``Explanation/toldFindings``): each cause and protection is told beside the causes the
    /// story names, right after them (or at the run's end when it names none), in
    /// ``Explanation/toldFindings``' order; the switch-offs without effect, in one finding, are
    /// the last word, so that they never crowd out the story.
    public init(_ data: StoryData, explanation: Explanation? = nil) {
        var findings = data.courseFindings() + data.endingFindings()
        candidates = []
        if let (window, lead, leadFigures) = data.causeWindow() {
            candidates = data.causeCandidates(over: window)
            let named = StoryData.dominant(candidates)
            if !named.isEmpty {
                var causes = Self.causesFinding(named, window: window, lead: lead, leadFigures: leadFigures)
                // Health windows merge intervals until they hold enough requests: the first
                // unhealthy one can begin before the fault that made it so. Told after the fault,
                // as the first timeouts are; the label keeps the window measured over.
                if let fault = data.firstFault, window.from < fault - 1e-9, fault < window.to - 1e-9 { causes.time = fault }
                findings.append(causes)
            }
        }
        if let explanation {
            // Beside the named causes, at their time; else at the end of the run.
            let anchor = findings.first { $0.mechanism == .causes }?.time ?? data.endSeconds
            for var finding in explanation.toldFindings {
                finding.time = finding.mechanism == .switchedOffWithoutEffect ? data.endSeconds : anchor
                findings.append(finding)
            }
            counterfactuals = explanation.findings
        }
        let order = findings.indices.sorted {
            let (a, b) = (findings[$0], findings[$1])
            if a.time != b.time { return a.time < b.time }
            if Self.rank(a.mechanism) != Self.rank(b.mechanism) { return Self.rank(a.mechanism) < Self.rank(b.mechanism) }
            return $0 < $1
        }
        // Every time of the story by one rule: whole seconds, or as many decimals as the
        // metrics interval needs for its windows' bounds to print exactly, and the duration for
        // the run's end (a run stopped at a limit before a 20.5 s end names its stop in tenths).
        // A run stopped at a limit within its first second names its stop to the millisecond
        // ("The run stopped at 0s" was told of a run stopped at 0.009999996 s).
        let decimals = data.stoppedAtLimit && data.endSeconds < 1
            ? max(StoryClock.decimals(for: data.spec), 3) : StoryClock.decimals(for: data.spec)
        self.findings = order.map { findings[$0].printingTimes(decimals: decimals) }
        candidates = candidates.map { $0.printingTimes(decimals: decimals) }
    }

    /// Among findings at the same time: the setting first, then what happened, then how it ended
    /// and why. An event that ends at the instant another begins is told ended first: "At 1m30s,
    /// a load spike ...: goodput averaged 593/s" read before "At 1m30s, the outage of sessions
    /// ended", as if the service had answered while still down.
    static func rank(_ mechanism: Finding.Mechanism) -> Int {
        switch mechanism {
        case .baseline: return 0
        case .timelineEventEnded: return 1
        case .timelineEvent: return 2
        case .timeouts, .fastFailures: return 3
        case .retries: return 4
        case .ending: return 6
        case .causes: return 7
        // What explain found, right after the causes the story names.
        case .switchedOff: return 8
        case .runStopped: return 9
        // A comparison over the whole run.
        case .cohorts: return 10
        // What switching off changed nothing: the last word.
        case .switchedOffWithoutEffect: return 11
        default: return 5
        }
    }

    /// One sentence naming the dominant causes, each clause with its figures, after `lead` with
    /// its own (`{0}`... of `lead` are `leadFigures`).
    static func causesFinding(_ named: [Finding], window: StoryWindow, lead: String, leadFigures: [StoryFigure] = []) -> Finding {
        var figures = leadFigures
        var clauses: [String] = []
        for cause in named {
            clauses.append(shiftingPlaceholders(cause.template, by: figures.count))
            figures += cause.figures
        }
        return Finding(
            .causes, subject: named.map(\.subject).joined(separator: ", "), time: window.from, window: window,
            figures: figures, weight: named[0].weight, template: lead + clauses.joined(separator: ", and ") + ".")
    }

    /// `{k}` becomes `{k + offset}` everywhere in `template`.
    static func shiftingPlaceholders(_ template: String, by offset: Int) -> String {
        var out = "", digits = "", inside = false
        for character in template {
            if inside {
                if character.isNumber { digits.append(character); continue }
                if character == "}", let k = Int(digits) {
                    out += "{\(k + offset)}"
                } else {
                    out += "{" + digits + String(character)
                }
                inside = false
                digits = ""
            } else if character == "{" {
                inside = true
            } else {
                out.append(character)
            }
        }
        if inside { out += "{" + digits }
        return out
    }
}

