import SatsimModel

/// How the run ended, as the verdict judged it, with the figures that show it.
extension StoryData {
    /// The bounds of a healthy window as applied ("at least {a} succeeded, p99 at most {b}"),
    /// appended to `figures`.
    func healthBounds(_ figures: inout [StoryFigure]) -> String {
        figures.append(.given(verdict.thresholds.successRatio, .share, "thresholds.success_ratio"))
        var text = "at least {\(figures.count - 1)} succeeded"
        if let bound = verdict.latencyBound {
            figures.append(.given(bound, .latency, "thresholds.latency_p99"))
            text += ", p99 at most {\(figures.count - 1)}"
        }
        return text
    }

    /// The ending: one or two findings (a metastable run also says what kind of failure it is).
    func endingFindings() -> [Finding] {
        guard verdict.notJudged == nil else { return [] }
        var figures: [StoryFigure] = []
        let minimum = StoryFigure.given(Double(verdict.thresholds.minimumWindowRequests), .count, "thresholds.minimum_window_requests")
        let requests = Format.noun(minimum, "request")
        switch verdict.outcome {
        case .stable:
            figures = [minimum]
            let bounds = healthBounds(&figures)
            return [
                Finding(
                    .ending, time: endSeconds, figures: figures,
                    template: "Every window of at least {0} \(requests) after warmup stayed healthy (\(bounds)): the system stayed stable.")
            ]
        case .recovered:
            guard let recovery = verdict.recoveryTime, let end = lastFaultEnd else { return [] }
            let lead: String
            if end >= endSeconds {
                // The run ended (at its duration or at a limit) before the last fault did: no
                // sentence may name a time after the end.
                figures = [.clock(endSeconds)]
                let bounds = healthBounds(&figures)
                return [
                    Finding(
                        .ending, time: endSeconds, figures: figures,
                        template: "When the run ended, at {0}, before \(lastFaultEnded), the system was healthy again (\(bounds)): \(lastFaultIsOperatorChange ? "it recovered before that change was over" : "it recovered while the fault lasted").")
                ]
            } else if recovery > 0 {
                figures = [.given(recovery, .duration, "recovery_time"), .clock(end + recovery)]
                lead = "{0} after \(lastFaultEnded), at {1}"
            } else {
                figures = [.clock(end)]
                lead = "By the time \(lastFaultEnded), at {0}"
            }
            let bounds = healthBounds(&figures)
            return [
                Finding(
                    .ending, time: end + recovery, figures: figures,
                    template: "\(lead), the system was healthy again (\(bounds)) and stayed so: it recovered.")
            ]
        case .degraded where analysis.faults.isEmpty:
            let bad = analysis.windows.filter { !$0.isHealthy }.count
            figures = [
                .given(Double(bad), .count, "unhealthy windows"), .given(Double(analysis.windows.count), .count, "windows"), minimum,
            ]
            let bounds = healthBounds(&figures)
            return [
                Finding(
                    .ending, time: endSeconds, figures: figures,
                    template: "With no fault at all, {0} of {1} \(Format.noun(analysis.windows.count, "window")) of at least {2} \(requests) \(bad == 1 ? "was" : "were") unhealthy (healthy: \(bounds)): the system runs too close to its limit and degrades on its own.")
            ]
        case .metastable, .degraded:
            var findings: [Finding] = []
            let from = (lastFaultEnd ?? warmup) + verdict.thresholds.recoveryWindow
            if let window = window(from: from, to: endSeconds), let baseline = baselineWindow {
                let goodput = figure(.rate(clientColumns("successes")), .rate, over: window)
                let offered = figure(.rate(clientColumns("requests")), .rate, over: window)
                figures = [
                    goodput,
                    figure(.over(.rate(clientColumns("successes")), baseline), .rate, over: window),
                    offered,
                    figure(.over(.rate(clientColumns("requests")), baseline), .rate, over: window),
                ]
                // Before the first fault, the baseline sentence says why if more succeeded than
                // were offered; over this window, this sentence does.
                let drained = drainClause(over: window, offered: offered, goodput: goodput, figures: &figures)
                    .map { "; more succeeded than were offered because " + $0 } ?? ""
                findings.append(
                    Finding(
                        .ending, time: window.from, window: window, figures: figures,
                        template: "It did not come back: {window}, goodput averaged {0}/s against {1}/s before \(firstFaultName), while clients offered {2} requests/s against {3} before it\(drained)."))
            }
            if verdict.outcome == .degraded, baselineWindow == nil, let first = firstFault {
                // The verdict had no G0 (OutcomeClassifier): say so, rather than leave the room to
                // think the run was measured against a baseline and fell short of it.
                findings.append(
                    Finding(
                        .ending, time: endSeconds, figures: [.clock(first), .clock(warmup)],
                        template: "No metrics interval after warmup (which ends at {1}) came before the first fault, at {0}, so there is no baseline to compare goodput with: whether the failure held itself up after the faults (metastable) cannot be judged. Start the first fault later than warmup to measure one."))
            }
            let close = verdict.outcome == .metastable
                ? "The trigger was gone, but a feedback loop held the overload: a metastable failure."
                : "The system degraded and did not recover within the run."
            findings.append(Finding(.ending, time: endSeconds, template: close))
            return findings
        case .overloaded:
            if let bound = verdict.thresholds.latencyP99, let base = verdict.baselineLatencyP99, base > bound {
                figures = [.given(base, .latency, "baseline_latency_p99"), .given(bound, .latency, "slo.latency_p99")]
                return [
                    Finding(
                        .ending, time: warmup, figures: figures,
                        template: "Even before any fault, the p99 latency was {0}, above the SLO's {1}: the design cannot carry its baseline load within its objective.")
                ]
            }
            figures = [.given(verdict.thresholds.successRatio, .share, "thresholds.success_ratio")]
            return [
                Finding(
                    .ending, time: warmup, figures: figures,
                    template: "Even before any fault, fewer than {0} of requests succeeded: the design cannot carry its baseline load.")
            ]
        case .oscillating:
            // The verdict counts reversals of the serving instances once no fault acts any more
            // (OutcomeClassifier): the sentence gives that count. It said "under constant load",
            // which the verdict assumes but never measured (a closed-loop client's load moves).
            let from = lastFaultEnd ?? warmup
            let instances = values(serviceColumns("instances"))
            let steady = ends.indices.filter { begins[$0] >= from - 1e-9 }.map { instances[$0] }
            let reversals = OutcomeClassifier.reversals(steady)
            if reversals < verdict.thresholds.oscillationReversals, let swing = goodputSwingFinding() { return [swing] }
            return [
                Finding(
                    .ending, time: from,
                    figures: [.clock(from), .given(Double(reversals), .count, "reversals of the serving instances after the last fault")],
                    template: "From {0} on, with no fault acting, the number of healthy serving instances kept changing direction ({1} \(Format.noun(reversals, "reversal"))): it oscillated.")
            ]
        }
    }

    /// The ending of a run judged oscillating by its goodput (OutcomeClassifier, DESIGN.md's second
    /// test): the span judged, the swings counted, the step that makes one, and the range of the
    /// blocks' goodput; nil when the verdict's test does not hold on these figures.
    func goodputSwingFinding() -> Finding? {
        guard let end = lastFaultEnd else { return nil }
        let t = verdict.thresholds
        let from = end + t.recoveryWindow
        let late = analysis.intervals.filter { $0.end - $0.width >= from - 1e-9 }
        let step = t.oscillationGoodputSwing * verdict.baselineGoodput
        let blocks = OutcomeClassifier.goodputBlocks(late, minimumRequests: t.oscillationBlockRequests)
        let swings = OutcomeClassifier.goodputSwings(blocks, step: step)
        guard swings.reversals >= t.oscillationReversals, let first = blocks.first else { return nil }
        return Finding(
            .ending, time: first.start,
            figures: [
                .clock(first.start), .given(Double(swings.reversals), .count, "reversals of goodput"),
                .given(step, .rate, "oscillation step (thresholds.oscillation_goodput_swing x baseline goodput)"),
                .given(t.oscillationGoodputSwing, .share, "thresholds.oscillation_goodput_swing"),
                .given(verdict.baselineGoodput, .rate, "baseline goodput"),
                .given(swings.low, .rate, "lowest goodput of a block"), .given(swings.high, .rate, "highest goodput of a block"),
            ],
            template: "From {0} on, long after \(lastFaultEnded) and with the offered load back to its baseline, goodput kept swinging: it changed direction {1} \(Format.noun(swings.reversals, "time")) by more than {2}/s ({3} of its {4}/s before the first fault), between {5}/s and {6}/s: it oscillated.")
    }
}
