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

    /// When a fault lies inside a health window that spans much longer than the fault (a low
    /// request rate: at 0.2 requests/s a window of 100 requests spans over eight minutes), a
    /// `stable` verdict says less than it seems to: a minute's outage can cost a few requests of a
    /// hundred and leave that window healthy. This sentence names the window and the fault, so a
    /// room does not read "stayed stable" as "the fault did no harm". Empty when every fault is at
    /// least half as long as the windows that hold it.
    func coarseWindowClause(_ figures: inout [StoryFigure]) -> String {
        for fault in analysis.faults where fault.end > fault.start {
            let held = analysis.windows.filter { $0.start < fault.end && $0.end > fault.start }
            guard let from = held.map(\.start).min(), let to = held.map(\.end).max() else { continue }
            let duration = fault.end - fault.start
            guard to - from >= 2 * duration else { continue }
            let first = figures.count
            figures += [
                .given(duration, .duration, "fault duration"), .clock(fault.start),
                .given(to - from, .duration, "span of the health windows that hold the fault"), .clock(from), .clock(to),
            ]
            let windows = held.count == 1 ? "the one health window that held it" : "the \(held.count) health windows that held it"
            return " But the fault at {\(first + 1)}, {\(first)} long, was judged inside \(windows), from {\(first + 3)} to {\(first + 4)} ({\(first + 2)}): at this request rate, health is not resolved finer than that."
        }
        return ""
    }

    /// When one client's requests mostly failed during a fault while the windows, which judge
    /// all clients' requests together, stayed healthy: a client at 2 requests/s whose service was
    /// down for two minutes, beside one at 200/s, left every window at 99% and the run `stable`,
    /// as DESIGN.md defines it, with nothing in the story to say that every one of its requests
    /// failed meanwhile. The clause names the client that fared worst (its success share during
    /// the fault, below the healthy bound) and its share of all requests. Empty otherwise.
    ///
    /// - Parameter spans: where to look; by default each fault's window (a change that acts at
    ///   once, such as a `set` that stays or a cache flush, from then to the end of the run, where
    ///   what it left behind still acts). A recovered run looks from the return to the end.
    func hiddenClientClause(_ figures: inout [StoryFigure], spans: [(Double, Double)]? = nil) -> String {
        guard spec.clients.count > 1, let run = window(from: warmup, to: endSeconds) else { return "" }
        var worst: (ratio: Double, client: String, window: StoryWindow)?
        let looked = spans ?? analysis.faults.map { ($0.start, $0.end > $0.start + 1e-9 ? $0.end : endSeconds) }
        for (start, end) in looked {
            guard end > start + 1e-9, let w = window(from: start, to: end) else { continue }
            // The window's intervals once, not per client: hundreds of clients and faults.
            let inside = intervals(from: w.from, to: w.to)
            for client in spec.clients {
                let c = "clients.\(client.name)."
                // As evaluate(.total(...)) sums them, bit for bit.
                let ended = values([c + "successes", c + "failures"], at: inside).reduce(0, +)
                guard ended > 0 else { continue }
                let ratio = values([c + "successes"], at: inside).reduce(0, +) / ended
                if ratio < verdict.thresholds.successRatio, worst.map({ ratio < $0.ratio }) ?? true {
                    worst = (ratio, client.name, w)
                }
            }
        }
        guard let worst else { return "" }
        let c = "clients.\(worst.client)."
        let first = figures.count
        figures += [
            figure(.quotient(.total([c + "successes"]), .total([c + "successes", c + "failures"])), .share, over: worst.window),
            .clock(worst.window.from), .clock(worst.window.to),
            figure(.quotient(.total([c + "requests"]), .total(clientColumns("requests"))), .share, over: run),
        ]
        // Its own share before the first fault too, when it had requests end there: "fared
        // worse ... 0% succeeded" read as the fault's aftermath of a client that had failed every
        // request since warmup.
        var before = ""
        if firstFault != nil, let base = baselineWindow,
           evaluate(.total([c + "successes", c + "failures"]), over: base) > 0 {
            figures.append(figure(.quotient(.total([c + "successes"]), .total([c + "successes", c + "failures"])), .share, over: base))
            before = ", against {\(first + 4)} before \(firstFaultName)"
        }
        return " But \(Format.possessive(worst.client)) requests, {\(first + 3)} of all, fared worse: of those that ended from {\(first + 1)} to "
            + "{\(first + 2)}, {\(first)} succeeded\(before), and health is judged over all clients' requests together."
    }

    /// Whether the requests that ended from `from` to `to` succeeded at the healthy share: a
    /// return dated before the last fault's end is told at its time only then. At 5 requests/s
    /// a health window spans 20 s, and the one that begins 2 s before an outage's end holds
    /// 102 successes after it and the outage's last 10 failures: "At 3m28s, before the last
    /// fault ended at 3m30s, the system was healthy again" was told of two seconds in which
    /// every request failed.
    func succeededBetween(_ from: Double, _ to: Double) -> Bool {
        guard let w = window(from: from, to: to) else { return false }
        let c = clientColumns("successes"), ended = c + clientColumns("failures")
        let total = evaluate(.total(ended), over: w)
        return total > 0 && evaluate(.total(c), over: w) / total >= verdict.thresholds.successRatio
    }

    /// When faults began and ended within warmup, which the verdict leaves out: "the system stayed
    /// stable" was told of a run whose only fault, a 20 s outage, fell in its first minute of
    /// warmup, with nothing to say it was never judged. Empty otherwise.
    func warmupFaultsClause(_ figures: inout [StoryFigure]) -> String {
        guard warmup > 0 else { return "" }
        let inside = analysis.faults.filter { $0.end <= warmup + 1e-9 }
        guard let first = inside.map(\.start).min() else { return "" }
        let index = figures.count
        figures += [.clock(first), .clock(warmup), .given(Double(inside.count), .count, "faults within warmup")]
        let what = inside.count == 1 ? "the fault at {\(index)}" : "{\(index + 2)} faults, the first at {\(index)},"
        return " But \(what) began and ended within warmup, which lasted to {\(index + 1)}: the verdict leaves warmup out, so \(inside.count == 1 ? "it was" : "they were") not judged."
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
            let coarse = coarseWindowClause(&figures) + hiddenClientClause(&figures) + warmupFaultsClause(&figures)
            return [
                Finding(
                    .ending, time: endSeconds, figures: figures,
                    template: "Every window of at least {0} \(requests) after warmup stayed healthy (\(bounds)): the system stayed stable.\(coarse)")
            ]
        case .recovered:
            guard let recovery = verdict.recoveryTime, let end = lastFaultEnd else { return [] }
            if let before = unhealthyOnlyBeforeFaultFinding() { return [before] }
            var lead: String
            var toldAt = end + recovery
            if end >= endSeconds {
                // The run ended (at its duration or at a limit) before the last fault did: no
                // sentence may name a time after the end.
                // A fault that ends at the run's duration ends as the run does: "before the last
                // fault ended" contradicted "At 6m00s, the load spike on users ended" just above.
                figures = [.clock(endSeconds)]
                let bounds = healthBounds(&figures)
                let when = end > endSeconds + 1e-9 ? "before" : "as"
                return [
                    Finding(
                        .ending, time: endSeconds, figures: figures,
                        template: "When the run ended, at {0}, \(when) \(lastFaultEnded), the system was healthy again (\(bounds)): \(lastFaultIsOperatorChange ? "it recovered before that change was over" : "it recovered while the fault lasted").")
                ]
            } else if recovery > 0 {
                figures = [.given(recovery, .duration, "recovery_time"), .clock(end + recovery)]
                lead = "{0} after \(lastFaultEnded), at {1}"
            } else if let since = verdict.healthySince, since < end - spec.metricsInterval.seconds - 1e-9, since > (firstFault ?? warmup),
                      let acting = returnEvent(at: since),
                      succeededBetween(since, end) {
                // Healthy again well before the last fault ended (an autoscaler catching up with a
                // long spike): "By the time the last fault ended, at 13m00s, the system was
                // healthy again" hid a return at 4m50s, eight minutes into the spike. So after an
                // operator's change: operator-retries-off's "By the time the operator's change
                // ... ended, at 4m00s" hid that it came back at 3m19s, 19 s after retries were
                // switched off, which is the lesson of the scenario.
                figures = [.clock(since), .clock(end)]
                lead = "At {0}, before \(lastFaultEnded) at {1}"
                if acting.isOperatorChange, let name = Self.operatorChangeName([acting]) {
                    figures.append(.given(since - acting.at.seconds, .duration, "from the operator's change to the healthy windows' start"))
                    let last = abs(analysis.effectEnd(of: acting, in: spec).seconds - end) < 1e-9
                    lead += ", {2} after " + (last ? "that change began" : name)
                }
                toldAt = since
            } else {
                figures = [.clock(end)]
                lead = "By the time \(lastFaultEnded), at {0}"
            }
            let bounds = healthBounds(&figures)
            var close = "and stayed so: it recovered."
            if recovery > verdict.thresholds.recoveryWindow + 1e-9 {
                // Back later than the recovery window: a recovery because it then lasted at least
                // that window (OutcomeClassifier), which the sentence shows.
                figures.append(.given(endSeconds - (end + recovery), .duration, "time from the healthy windows' start to the run's end"))
                figures.append(.given(verdict.thresholds.recoveryWindow, .duration, "thresholds.recovery_window"))
                close = "and stayed so for the last {\(figures.count - 2)} of the run: it recovered, later than {\(figures.count - 1)} after \(lastFaultEnded)."
            }
            close += hiddenClientClause(&figures, spans: [(end + recovery, endSeconds)])
            return [
                Finding(
                    .ending, time: toldAt, figures: figures,
                    template: "\(lead), the system was healthy again (\(bounds)) \(close)")
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
            if let late = lateRecoveryFinding() { return [late] }
            if verdict.outcome == .degraded, let cut = cutShortFinding() {
                return [cut] + noBaselineFindings()
            }
            var findings: [Finding] = []
            let from = (lastFaultEnd ?? warmup) + verdict.thresholds.recoveryWindow
            // Whole intervals from the end of the recovery window, as the verdict reads them
            // (OutcomeClassifier's `late`) and as the causes' window is: with a kill whose boot
            // ended at 2m07.5s and 10 s intervals, "It did not come back: from 4m00s" counted
            // 7.5 s the verdict left out, above "What sustained it from 4m10s".
            if let window = window(startingAtOrAfter: from, to: endSeconds), let baseline = baselineWindow {
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
                // A degraded run is judged by health, not goodput: its goodput may be back to
                // the baseline while its p99 is not (an operator's change that made every
                // request slower for good read "It did not come back: goodput averaged 99.9/s
                // against 99.1/s"). Say what kept its last window unhealthy.
                let health = verdict.outcome == .degraded ? lastWindowClause(&figures).map { "; " + $0 } ?? "" : ""
                findings.append(
                    Finding(
                        .ending, time: window.from, window: window, figures: figures,
                        template: "It did not come back: {window}, goodput averaged {0}/s against {1}/s before \(firstFaultName), while clients offered {2} requests/s against {3} before it\(drained)\(health)."))
            }
            findings += noBaselineFindings()
            var close = verdict.outcome == .metastable
                ? "The trigger was gone, but a feedback loop held the overload: a metastable failure."
                : "The system degraded and did not recover within the run."
            var closeFigures: [StoryFigure] = []
            var closeWindow: StoryWindow?
            // No service busy in the window the verdict read (second case below): what held
            // goodput down was no overload (a client's adaptive throttle rejecting nearly
            // everything it tried, with its target 0.006% busy, was told "a feedback loop held the
            // overload").
            // No retry sent and the queues shrinking to the end: the backlog the trigger left was
            // draining, no loop holding it. "A feedback loop held the overload" was told of a
            // queue draining at 181/s that would have emptied 32 s after the run's end.
            if verdict.outcome == .metastable, lastingOperatorChange == nil, let window = window(startingAtOrAfter: from, to: endSeconds),
               evaluate(.total(clientColumns("retries")), over: window) == 0,
               let trend = queueEnds(serviceColumns("queue_length"), over: window), Self.draining(trend) {
                closeFigures = [trend.first, trend.last]
                closeWindow = window
                close = "The trigger was gone, and no retry was sent {window}, but the backlog it left was still draining when the run ended, from {0} requests waiting at its start to {1} in its last interval: the verdict, which reads goodput, calls this a metastable failure, though nothing fed it and a longer run may see it recover."
            } else if verdict.outcome == .metastable, lastingOperatorChange == nil, let window = window(startingAtOrAfter: from, to: endSeconds),
               let busiest = spec.services.map({ ($0.name, figure(.mean(["services.\($0.name).utilization"]), .share, over: window)) })
                   .max(by: { $0.1.value < $1.1.value }),
               busiest.1.value < Self.overloadBusyShare {
                closeFigures = [busiest.1]
                closeWindow = window
                let who = spec.services.count == 1 ? busiest.0 : "the busiest service, \(busiest.0),"
                close = "The trigger was gone, but goodput stayed down though \(who) was only {0} busy {window}: a feedback loop held it down without overload, a metastable failure."
            }
            if verdict.outcome == .metastable, let change = lastingOperatorChange {
                // The verdict counts an operator's change as over once it has taken effect
                // (RunAnalysis.effectEnd), but a scale or a `set` without `for` stays in force:
                // "the trigger was gone, but a feedback loop held the overload" was told of a
                // service scaled from four instances to one, with no retry to feed any loop.
                close = "The offered load was back to its baseline, but \(change) stayed in force to the end: the verdict counts it as over once it took effect and calls this a metastable failure, yet the change itself, not a feedback loop, may be what held goodput down."
            }
            findings.append(Finding(.ending, time: endSeconds, window: closeWindow, figures: closeFigures, template: close))
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
            // Failing without being busy (a timeout shorter than the usual service time): "the
            // design cannot carry its baseline load" was told of a service 1.2% busy, whose
            // client gave up after 15 ms on 20 ms of work. Say what the numbers show instead.
            if let base = baselineWindow,
               let busiest = spec.services.map({ ($0.name, figure(.mean(["services.\($0.name).utilization"]), .share, over: base)) })
                   .max(by: { $0.1.value < $1.1.value }),
               busiest.1.value < Self.overloadBusyShare {
                let endedColumns = clientColumns("successes") + clientColumns("errors") + clientColumns("timeouts") + clientColumns("rejected")
                let kinds = [("timeouts", "timed out"), ("errors", "got an error"), ("rejected", "were rejected before being sent")]
                    .map { kind in (kind.1, figure(.quotient(.total(clientColumns(kind.0)), .total(endedColumns)), .share, over: base)) }
                let who = spec.services.count == 1 ? busiest.0 : "the busiest service, \(busiest.0),"
                if let worst = kinds.max(by: { $0.1.value < $1.1.value }), worst.1.value > 0 {
                    figures += [busiest.1, worst.1]
                    return [
                        Finding(
                            .ending, time: warmup, window: base, figures: figures,
                            template: "Even before any fault, fewer than {0} of requests succeeded, though \(who) was {1} busy {window}: {2} of the attempts that ended \(worst.0), so what failed them was not a lack of capacity.")
                    ]
                }
                // Not one attempt ended (instances restarted by their health checks before
                // finishing any work; a hang with no timeout): "the design cannot carry its
                // baseline load" was told of a service 0.3% busy.
                if figure(.total(endedColumns), .count, over: base).value == 0 {
                    figures += [busiest.1]
                    return [
                        Finding(
                            .ending, time: warmup, window: base, figures: figures,
                            template: "Even before any fault, fewer than {0} of requests succeeded, though \(who) was {1} busy {window}: not one attempt ended there, so what held the requests was not a lack of capacity.")
                    ]
                }
            }
            return [
                Finding(
                    .ending, time: warmup, figures: figures,
                    template: "Even before any fault, fewer than {0} of requests succeeded: the design cannot carry its baseline load.")
            ]
        case .oscillating:
            // The verdict counts reversals of the serving instances once no fault acts any more
            // (OutcomeClassifier): the sentence gives that count. It said "under constant load",
            // which the verdict assumes but never measured (a closed-loop client's load moves).
            let from = steadyFrom
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

    /// How busy [share of its workers] the busiest service must have been before the first fault
    /// for an overloaded run to be told it cannot carry its load.
    static let overloadBusyShare = 0.8

    /// Why a degraded run has no baseline, when it has none (the verdict had no G0,
    /// OutcomeClassifier): said rather than leave the room to think the run was measured against a
    /// baseline and fell short of it.
    func noBaselineFindings() -> [Finding] {
        guard verdict.outcome == .degraded, baselineWindow == nil, let first = firstFault else { return [] }
        return [
            Finding(
                .ending, time: endSeconds, figures: [.clock(first), .clock(warmup)],
                template: "No metrics interval after warmup (which ends at {1}) came before the first fault, at {0}, so there is no baseline to compare goodput with: whether the failure held itself up after the faults (metastable) cannot be judged. Start the first fault later than warmup to measure one.")
        ]
    }

    /// "in the last window of at least {m} requests, from {s} to the end, {r} of the requests that
    /// ended succeeded and the p99 latency of the successes was {p} (healthy: ...)", its figures
    /// appended to `figures`; nil when the last health window is healthy or lies outside the
    /// series.
    func lastWindowClause(_ figures: inout [StoryFigure]) -> String? {
        guard let last = analysis.windows.last, !last.isHealthy,
              let span = window(startingAtOrAfter: last.start, to: endSeconds) else { return nil }
        func add(_ figure: StoryFigure) -> String {
            figures.append(figure)
            return "{\(figures.count - 1)}"
        }
        let m = verdict.thresholds.minimumWindowRequests
        let minimum = add(.given(Double(m), .count, "thresholds.minimum_window_requests"))
        let from = add(.clock(span.from))
        let until = span.toEnd ? "the end" : add(.clock(span.to))
        let ratio = StoryMeasure.quotient(.total(clientColumns("successes")), .total(clientColumns("successes") + clientColumns("failures")))
        var text = "in the last window of at least \(minimum) \(Format.noun(m, "request")), from \(from) to \(until), "
            + "\(add(figure(ratio, .share, over: span))) of the requests that ended succeeded"
        if verdict.latencyBound != nil, let p99 = last.latencyP99 {
            text += " and the p99 latency of the successes was \(add(.given(p99, .latency, "p99 latency of the last health window")))"
        }
        return text + " (healthy: \(healthBounds(&figures)))"
    }

    /// Where the verdict starts counting an oscillation: the end of the last fault, or warmup's
    /// end when that comes later (the verdict reads no interval of warmup). A fault that ended
    /// during warmup told "From 30s on, ..." of a warmup lasting to 40 s, with the reversals of
    /// warmup counted.
    var steadyFrom: Double { max(lastFaultEnd ?? warmup, warmup) }

    /// A run judged recovered whose unhealthy windows all ended by the first fault: it turned
    /// unhealthy and was healthy again, as `recovered` reads (DESIGN.md, "Outcomes"), but not
    /// around a fault. "By the time the last fault ended, at 4m30s, the system was healthy again
    /// ... it recovered" was told of a harmless dip in load after 14 windows over a tight SLO's
    /// p99, all before it. Nil otherwise.
    func unhealthyOnlyBeforeFaultFinding() -> Finding? {
        guard let first = firstFault, verdict.outcome == .recovered,
              !analysis.windows.contains(where: { !$0.isHealthy && $0.end > first + 1e-9 }),
              let k = analysis.windows.lastIndex(where: { !$0.isHealthy }), k + 1 < analysis.windows.count else { return nil }
        let before = analysis.windows.filter { $0.end <= first + 1e-9 }
        let bad = before.filter { !$0.isHealthy }.count
        var figures: [StoryFigure] = [
            .given(Double(bad), .count, "unhealthy windows before the first fault"),
            .given(Double(before.count), .count, "windows before the first fault"),
            .given(Double(verdict.thresholds.minimumWindowRequests), .count, "thresholds.minimum_window_requests"),
            .clock(analysis.windows[k + 1].start),
        ]
        let bounds = healthBounds(&figures)
        let requests = Format.noun(verdict.thresholds.minimumWindowRequests, "request")
        return Finding(
            .ending, time: endSeconds, figures: figures,
            template: "{0} of the {1} \(Format.noun(before.count, "window")) of at least {2} \(requests) before \(firstFaultName) \(bad == 1 ? "was" : "were") unhealthy (healthy: \(bounds)), and none after: the verdict calls the run recovered, healthy from {3} on, though every unhealthy window came before \(firstFaultName).")
    }

    /// The last operator's change that stays in force to the end (a `scale`, or a `set` without
    /// `for`), named as ``operatorChangeName(_:)`` names it; nil when there is none.
    var lastingOperatorChange: String? {
        let lasting = spec.timeline.indices.filter { !spec.setChangesNothing($0) }.map { spec.timeline[$0] }.filter { event in
            guard event.enabled, event.at.seconds <= endSeconds + 1e-9 else { return false }
            switch event.action {
            case .scale: return true
            case .set: return event.duration == nil
            default: return false
            }
        }
        return lasting.max { $0.at.seconds < $1.at.seconds }.flatMap { Self.operatorChangeName([$0]) }
    }

    /// When the health windows that last to the end begin, for a run judged degraded or
    /// metastable after a fault: nil when the last window is unhealthy.
    var healthyTailStart: Double? { analysis.healthyAgainAt }

    /// A run judged degraded or metastable although its windows were healthy again from some
    /// time to the end: they came back later than the recovery window after the last fault, and
    /// the run ended before they had lasted that window, so the verdict does not count the
    /// recovery (OutcomeClassifier). "It did not come back ... The system degraded and did not
    /// recover within the run" was told of such runs. Nil otherwise.
    func lateRecoveryFinding() -> Finding? {
        guard let end = lastFaultEnd, let back = healthyTailStart else { return nil }
        let t = verdict.thresholds
        var figures: [StoryFigure] = [.given(back - end, .duration, "time from the last fault's end to the healthy windows that last to the end"), .clock(back)]
        let bounds = healthBounds(&figures)
        figures.append(.given(endSeconds - back, .duration, "time from the healthy windows' start to the run's end"))
        let tail = "{\(figures.count - 1)}"
        figures.append(.given(t.recoveryWindow, .duration, "thresholds.recovery_window"))
        let allowed = "{\(figures.count - 1)}"
        var template = "{0} after \(lastFaultEnded), at {1}, the system was healthy again (\(bounds)) and stayed so to the end, but only for the run's last \(tail): a return later than \(allowed) after it counts as a recovery only once it has lasted that long"
        if verdict.outcome == .metastable, let window = window(startingAtOrAfter: end + t.recoveryWindow, to: endSeconds), let baseline = baselineWindow {
            let k = figures.count
            figures += [
                figure(.rate(clientColumns("successes")), .rate, over: window),
                figure(.over(.rate(clientColumns("successes")), baseline), .rate, over: window),
                .clock(window.from),
            ]
            template += ": from {\(k + 2)} to the end goodput averaged {\(k)}/s against {\(k + 1)}/s before \(firstFaultName), less than half, so it is judged metastable, though it came back on its own."
        } else {
            template += ", so it is judged degraded."
        }
        return Finding(.ending, time: back, figures: figures, template: template)
    }

    /// A degraded run that ended unhealthy before the recovery window after its last fault had
    /// passed (at its duration, or stopped at a limit): whether it would have come back, or held
    /// itself down (metastable), was never seen. "The system degraded and did not recover within
    /// the run" was told of a spike that ended with the run, and of a run stopped by
    /// --max-events 11 s after its spike. Nil otherwise.
    func cutShortFinding() -> Finding? {
        guard let end = lastFaultEnd, let last = analysis.windows.last, !last.isHealthy,
              !analysis.measuredPastRecoveryWindow else { return nil }
        var figures: [StoryFigure] = [.clock(endSeconds)]
        if let first = firstFault, first > endSeconds + 1e-9 {
            // Stopped at a limit before any fault began: there was no fault to recover from.
            let unhealthy = lastWindowClause(&figures).map { ": " + $0 } ?? ""
            return Finding(
                .ending, time: endSeconds, figures: figures,
                template: "When the run stopped, at {0}, before any fault of the timeline began, the system was unhealthy\(unhealthy); it is judged degraded.")
        }
        let when: String
        if end > endSeconds + 1e-9 {
            when = "before \(lastFaultEnded)"
        } else if end >= endSeconds - 1e-9 {
            when = "as \(lastFaultEnded)"
        } else {
            figures.append(.given(endSeconds - end, .duration, "time from the last fault's end to the end of the run"))
            when = "{1} after \(lastFaultEnded)"
        }
        let unhealthy = lastWindowClause(&figures).map { ": " + $0 } ?? ""
        figures.append(.given(verdict.thresholds.recoveryWindow, .duration, "thresholds.recovery_window"))
        return Finding(
            .ending, time: endSeconds, figures: figures,
            template: "When the run ended, at {0}, \(when), the system was still unhealthy\(unhealthy). The verdict waits {\(figures.count - 1)} after the last fault to see a recovery, and the run had ended by then, so whether the system would have come back, or held itself down (metastable), was not seen: it is judged degraded.")
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

    /// The timeline event a return to health at `since`, before the last fault ended, is told
    /// beside: the operator's change made most recently before it, after the first fault (in
    /// force or done: a scaling up at 3m, of which the return at 3m16s came 16 s later, is not
    /// hidden behind the scaling back at 4m, nor a switch-off of retries behind a latency fault
    /// listed before it); without one, an event still acting then; nil when there is neither.
    func returnEvent(at since: Double) -> TimelineEventSpec? {
        let interval = spec.metricsInterval.seconds
        let operators = spec.timeline.indices.filter { j in
            let event = spec.timeline[j]
            return event.enabled && event.isOperatorChange && !spec.setChangesNothing(j)
                && event.at.seconds <= since + 1e-9 && event.at.seconds >= (firstFault ?? warmup) - 1e-9
        }
        if let j = operators.max(by: { (spec.timeline[$0].at, $0) < (spec.timeline[$1].at, $1) }) { return spec.timeline[j] }
        return spec.timeline.first {
            $0.enabled && $0.at.seconds <= since && analysis.effectEnd(of: $0, in: spec).seconds > since + interval
        }
    }
}
