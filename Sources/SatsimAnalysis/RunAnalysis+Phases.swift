/// A phase of the run as the verdict's windows show it: events.jsonl's "detected phases"
/// (scenario-format.md). The health phases mark each change between healthy and unhealthy
/// windows (DESIGN.md, "Outcomes"); the verdict's phase marks where the state it names begins.
public struct DetectedPhase: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The windows from here are healthy (the first phase after warmup, or a return).
        case healthy
        /// The windows from here are unhealthy.
        case unhealthy
        /// Healthy from here to the end of the run: the recovery `recovery_time` measures.
        case recovered
        /// From here (the end of the recovery window after the last fault) goodput stayed below
        /// half of its baseline while the offered load was back.
        case metastable
        /// From here (the last fault's end, or warmup's) the verdict's oscillation was counted.
        case oscillating
    }

    /// When the phase begins [s].
    public var time: Double
    public var kind: Kind
    /// What shows it, in words with figures.
    public var detail: String

    public init(time: Double, kind: Kind, detail: String) {
        self.time = time
        self.kind = kind
        self.detail = detail
    }
}

extension RunAnalysis {
    /// The run's detected phases in time order (at one time, the health phase first); empty when
    /// no outcome was judged.
    public var phases: [DetectedPhase] {
        guard verdict.notJudged == nil else { return [] }
        var phases: [DetectedPhase] = []
        var previous: Bool?
        for window in windows where window.isHealthy != previous {
            phases.append(DetectedPhase(time: window.start, kind: window.isHealthy ? .healthy : .unhealthy, detail: describe(window)))
            previous = window.isHealthy
        }
        let t = verdict.thresholds
        let lastFaultEnd = faults.map(\.end).max()
        switch verdict.outcome {
        case .recovered:
            if let end = lastFaultEnd, let recovery = verdict.recoveryTime, end + recovery < (intervals.last?.end ?? 0) {
                phases.append(DetectedPhase(
                    time: end + recovery, kind: .recovered,
                    detail: "healthy from here to the end of the run, \(Format.duration(recovery)) after the last fault ended"))
            }
        case .metastable:
            if let end = lastFaultEnd {
                let from = end + t.recoveryWindow
                let late = intervals.filter { $0.end - $0.width >= from - 1e-9 }
                let goodput = OutcomeClassifier.meanRate(late, \.successes)
                phases.append(DetectedPhase(
                    time: late.first.map { $0.end - $0.width } ?? from, kind: .metastable,
                    detail: "from here to the end goodput averaged \(Format.rate(goodput))/s, below "
                        + "\(Format.percent(t.metastableFraction)) of the \(Format.rate(verdict.baselineGoodput))/s before the first fault, "
                        + "with the offered load back to its baseline"))
            }
        case .oscillating:
            let from = lastFaultEnd.map { verdict.oscillatingByInstances ? $0 : $0 + t.recoveryWindow } ?? (intervals.first.map { $0.end - $0.width } ?? 0)
            phases.append(DetectedPhase(
                time: from, kind: .oscillating,
                detail: verdict.oscillatingByInstances
                    ? "from here the serving instance count reversed direction at least \(t.oscillationReversals) times"
                    : "from here goodput swung by more than \(Format.percent(t.oscillationGoodputSwing)) of its baseline at least \(t.oscillationReversals) times"))
        case .stable, .degraded, .overloaded:
            break
        }
        return phases
    }

    /// A health window in words: its success share and p99 against the bounds it was judged by.
    private func describe(_ window: HealthWindow) -> String {
        let t = verdict.thresholds
        let ended = Int((window.successes + window.failures).rounded())
        var text = "\(window.isHealthy ? "healthy" : "unhealthy"): \(Format.percent(window.successRatio)) of \(ended) ended "
            + "\(ended == 1 ? "request" : "requests") succeeded"
        if !window.successRatioMet { text += " (below \(Format.percent(t.successRatio)))" }
        if let p99 = window.latencyP99 {
            if !window.latencyMet, let bound = verdict.latencyBound {
                let (shown, limit) = Self.apart(p99, bound)
                text += ", p99 \(shown) (above \(limit))"
            } else {
                text += ", p99 \(Format.latency(p99))"
            }
        }
        return text
    }

    /// Two latencies printed so that they differ when they do: "p99 14.2s (above 14.2s)" was
    /// printed of 14.24 s against a bound of 14.16 s. With more decimals, in seconds, as needed.
    static func apart(_ a: Double, _ b: Double) -> (String, String) {
        var (x, y) = (Format.latency(a), Format.latency(b))
        var decimals = 3
        while x == y, a != b, decimals <= 9 {
            (x, y) = (Format.fixed(a, decimals) + "s", Format.fixed(b, decimals) + "s")
            decimals += 1
        }
        return (x, y)
    }
}
