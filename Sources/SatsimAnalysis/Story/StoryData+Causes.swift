import SatsimModel

/// What sustained a bad state or slowed a recovery: each mechanism the scenario uses offers a
/// candidate over the window the system was unhealthy in, weighed by a share in [0, 1] of what
/// it acts on. The story names the one or two that weigh most.
extension StoryData {
    /// How far, in points, a caller's cache hit ratio must fall below its baseline to be named
    /// beside the saturated dependency it feeds.
    static let coldCacheFeedsDependency = 0.05
    /// The least weight a candidate needs to be a cause at all.
    static let causeThreshold = 0.05
    /// A second cause is named only when it weighs at least this fraction of the first.
    static let secondCauseFraction = 0.5

    /// The window the causes are looked for in, how the story introduces them, and the figures
    /// the introduction prints (its placeholders come first); nil when the run has nothing to
    /// explain (stable, not judged) or no interval to measure.
    func causeWindow() -> (window: StoryWindow, lead: String, figures: [StoryFigure])? {
        let verdict = self.verdict
        guard verdict.notJudged == nil else { return nil }
        switch verdict.outcome {
        case .stable:
            return nil
        case .overloaded:
            // Without a fault the baseline is the whole run: "before the first fault" would send
            // the room looking for a fault the scenario does not have.
            let when = firstFault == nil ? "with no fault" : "before \(firstFaultName)"
            return baselineWindow.map { ($0, "What held it down {window}, \(when): ", []) }
        case .metastable, .degraded:
            // Healthy again after the recovery window, to the end: what held it down is looked
            // for where it was down, as for a recovery, not over the healthy minutes after.
            if healthyTailStart != nil { return recoveredCauseWindow() }
            if analysis.faults.isEmpty, let window = window(from: warmup, to: endSeconds) {
                return (window, "What held it down {window}: ", [])
            }
            let from = (lastFaultEnd ?? warmup) + verdict.thresholds.recoveryWindow
            return window(startingAtOrAfter: from, to: endSeconds).map { ($0, "What sustained it {window}: ", []) }
        case .oscillating:
            return window(startingAtOrAfter: steadyFrom, to: endSeconds).map { ($0, "{window}, what kept it unhealthy most: ", []) }
        case .recovered:
            return recoveredCauseWindow()
        }
    }

    /// A recovered run: the span from the first unhealthy window the faults could have caused
    /// (one that ends after the first fault) to the last. An unhealthy window before any fault is
    /// left out: load-shedding's lifo variant, with one second over its p99 bound at 1m14s, told
    /// "From 1m14s to 3m30s, the system was unhealthy" of a fault at 1m30s. When healthy windows
    /// lie inside the span, the sentence says for how much of it the system was unhealthy
    /// rather than that it was, throughout.
    ///
    /// The span is also cut to the faults and the return: it starts no earlier than the first
    /// fault and ends no later than where the verdict found health again to the end. At 1
    /// request/s a window spans 100 s, and "From 2m13s to 5m18s, the system was unhealthy" was
    /// told of an outage from 3m00s to 4m00s, above "2s after the last fault ended, at 4m02s, the
    /// system was healthy again".
    func recoveredCauseWindow() -> (window: StoryWindow, lead: String, figures: [StoryFigure])? {
        let after = firstFault ?? warmup
        let unhealthy = analysis.windows.filter { !$0.isHealthy && $0.end > after + 1e-9 }
        guard let first = unhealthy.first, let last = unhealthy.last else { return nil }
        let from = max(first.start, firstFault ?? first.start)
        var to = last.end
        // Health back before the last fault ended (a few failures at its end did not tip the
        // windows cut from there): the span still runs to that end, as the ending's "by the time
        // the last fault ended" does.
        if let back = verdict.healthySince.map({ max($0, lastFaultEnd ?? $0) }), back > from + 1e-9 { to = min(to, back) }
        guard let window = window(from: from, to: to) else { return nil }
        let inside = analysis.windows.filter { $0.start >= window.from - 1e-9 && $0.end <= window.to + 1e-9 }
        let bad = inside.filter { !$0.isHealthy }.reduce(0) { $0 + $1.end - $1.start }
        let span = inside.reduce(0) { $0 + $1.end - $1.start }
        let share = span > 0 && bad < span - 1e-9
        let lead = share ? "{window}, the system was unhealthy {0} of the time" : "{window}, the system was unhealthy"
        let figures: [StoryFigure] = share ? [.given(bad / span, .share, "unhealthy windows' share of the span")] : []
        // Where the faults (not an operator's change, which may be what ended the trouble: retries
        // switched off after a spike) acting in the span ended.
        let faults = spec.timeline.filter {
            $0.enabled && !$0.isOperatorChange && $0.at.seconds < window.to - 1e-9
                && analysis.effectEnd(of: $0, in: spec).seconds > window.from + 1e-9
        }
        if let faultsEnd = faults.map({ analysis.effectEnd(of: $0, in: spec).seconds }).max() {
            let (noun, pronoun, held) =
                faults.count == 1 ? ("the fault", "it", "the fault itself held it down")
                : ("the faults", "they", "the faults themselves held it down")
            // Unhealthy up to the faults' end and healthy again by then: the faults held it down,
            // and the mechanisms only beside them. "What held it down most: retries were 66.6% of
            // the attempts" was told of an outage of a service every request needed, during which
            // switching retries off changed nothing (explain). Healthy again well before the end
            // (an autoscaler that caught up with a long spike) is not this case: what held it
            // down then is what the candidates show.
            let interval = spec.metricsInterval.seconds
            if verdict.recoveryTime == 0, window.to <= faultsEnd + 1e-9, window.to >= faultsEnd - interval - 1e-9 {
                return (window, lead + ", and healthy again by the time \(noun) ended: \(held); beside \(pronoun == "it" ? "it" : "them"), ", figures)
            }
            // Healthy again before the last fault ended, and unhealthy only while one fault or
            // another acted (within an interval of its end), healthy between them: the faults
            // held it down. Weighed over the whole span, the healthy stretch between two faults
            // named "outlier detection kept 32.9% of api's running instances ejected" what held it
            // down most, which explain found protective, and never the faults.
            let unhealthyInside = inside.filter { !$0.isHealthy }
            let duringFaults = unhealthyInside.allSatisfy { w in
                faults.contains { f in
                    w.start < analysis.effectEnd(of: f, in: spec).seconds + interval - 1e-9 && w.end > f.at.seconds + 1e-9
                }
            }
            if verdict.recoveryTime == 0, faults.count > 1, share, !unhealthyInside.isEmpty, duringFaults {
                return (window, lead + ", only while \(noun) acted, and healthy again by the time the last ended: \(held); beside them, ", figures)
            }
            // Unhealthy past the faults' end: they held it down while they lasted, and what slowed
            // the recovery is weighed after their end, not over the fault (a blackholed database
            // "held down" by wasted work and retries, which explain found protective).
            if verdict.recoveryTime.map({ $0 > 0 }) == true, faultsEnd > window.from + 1e-9,
               let recovery = self.window(startingAtOrAfter: faultsEnd, to: window.to) {
                let span = share ? "From {0}, the system was unhealthy {2} of the time until it was healthy again" : "From {0}, the system was unhealthy"
                var leadFigures: [StoryFigure] = [.clock(window.from), .clock(faultsEnd)]
                leadFigures += figures
                // An operator's change made while the faults acted is named beside them:
                // scale-the-wrong-tier's "the fault held it down until it ended" was told of a
                // spike beside which the operator's scaling of api had cut goodput from 254/s
                // to 118/s (the timeline's sentence shows it).
                var beside = ""
                let operators = spec.timeline.indices.filter { j in
                    let event = spec.timeline[j]
                    return event.enabled && event.isOperatorChange && !spec.setChangesNothing(j)
                        && event.at.seconds >= window.from - 1e-9 && event.at.seconds < faultsEnd - 1e-9
                }
                if let j = operators.first, let name = Self.operatorChangeName([spec.timeline[j]]) {
                    beside = ", with \(name) from {\(leadFigures.count)} acting beside \(pronoun == "it" ? "it" : "them")"
                    leadFigures.append(.clock(spec.timeline[j].at.seconds))
                    if operators.count > 1 {
                        beside += " (the first of {\(leadFigures.count)} operator changes in that time)"
                        leadFigures.append(.given(Double(operators.count), .count, "operator changes made while the faults acted"))
                    }
                }
                return (
                    recovery,
                    span + "; \(noun) held it down until \(pronoun) ended, at {1}\(beside); {window}, what slowed the recovery most: ",
                    leadFigures
                )
            }
        }
        // Unhealthy by latency alone (no request failed in the span): nothing was held down.
        // autoscaler-lag was told "what held it down most: 28.1% of api's instances were still
        // booting" over 80 s in which all 64,098 requests succeeded and goodput met the load,
        // unhealthy only because p99 stood above its bound.
        let failed = evaluate(.total(clientColumns("failures")), over: window)
        if failed == 0, evaluate(.total(clientColumns("successes")), over: window) > 0,
           inside.allSatisfy({ $0.isHealthy || ($0.successRatioMet && !$0.latencyMet) }) {
            return (window, lead + ", every request succeeding but p99 above its bound; what slowed requests most: ", figures)
        }
        return (window, lead + "; what held it down most: ", figures)
    }

    /// Every candidate over `window`, heaviest first; those under ``causeThreshold`` are left out.
    ///
    /// A candidate's figure is a share of what its own client or service did; its weight is that
    /// share times the subject's reach (``causeReach(over:)``), the share of the system's traffic
    /// it concerns. Unscaled, a client sending 2 requests/s beside one sending 300, all of whose
    /// requests timed out at a slow side service, was named "what held it down most" (100% of
    /// the side service's work wasted) over the main service's three killed instances.
    func causeCandidates(over window: StoryWindow) -> [Finding] {
        var found: [Finding] = []
        let reach = causeReach(over: window)
        // The reach of the client or service whose candidates are being weighed.
        var subjectReach = 1.0
        func candidate(
            _ mechanism: Finding.Mechanism, _ subject: String, weight: StoryFigure, others: [StoryFigure] = [], _ clause: String
        ) {
            let weighed = weight.value * subjectReach
            guard weighed >= Self.causeThreshold else { return }
            found.append(
                Finding(
                    mechanism, role: .cause, subject: subject, time: window.from, window: window, figures: [weight] + others,
                    weight: weighed, template: clause))
        }
        for client in spec.clients {
            subjectReach = reach.clients[client.name] ?? 1
            let c = "clients.\(client.name)."
            let tries = StoryMeasure.total([c + "attempts", c + "rejected"])
            let localRejecters = [
                client.circuitBreaker == nil ? nil : ("rejected_breaker", "circuit breaker"),
                client.adaptiveThrottle == nil ? nil : ("rejected_throttle", "adaptive throttle"),
            ].compactMap { $0 }
            if client.retry.map({ $0.maxAttempts > 1 }) ?? false, !localRejecters.isEmpty {
                // A breaker or a throttle that turns tries away before they are sent hides the
                // retries it turns away from the attempts: breaker-retry-flap's retries of
                // rejected requests, the loop that kept it oscillating (explain: without retries
                // every run recovers), read 0.955 attempts per request and went unnamed beside
                // "the circuit breaker rejected 72.6%". Counted here over every try: each
                // request's first try and its retries, sent or turned away.
                let tries = StoryMeasure.total([c + "attempts"] + localRejecters.map { c + $0.0 })
                let who = Format.list(localRejecters.map(\.1))
                candidate(
                    .retryAmplification, client.name,
                    weight: figure(.quotient(.difference(tries, .total([c + "requests"])), tries), .share, over: window),
                    others: [figure(.quotient(tries, .total([c + "requests"])), .ratio, over: window)],
                    "retries were {0} of the tries \(client.name) made, those its \(who) turned away included, {1} tries per new request (retry amplification)")
            } else if client.retry.map({ $0.maxAttempts > 1 }) ?? false {
                candidate(
                    .retryAmplification, client.name,
                    weight: figure(.quotient(.total([c + "retries"]), .total([c + "attempts"])), .share, over: window),
                    others: [figure(.quotient(.total([c + "attempts"]), .total([c + "requests"])), .ratio, over: window)],
                    "retries were {0} of the attempts \(client.name) sent, {1} attempts per new request (retry amplification)")
            }
            if client.retry?.budget != nil {
                // Weighed by the share of everything it tried to send, not of the retries alone: a
                // budget that refuses most retries while retries are few holds little down.
                candidate(
                    .retryBudget, client.name,
                    weight: figure(.quotient(.total([c + "rejected_budget"]), tries), .share, over: window),
                    others: [
                        figure(.quotient(.total([c + "rejected_budget"]), .total([c + "retries", c + "rejected_budget"])), .share, over: window)
                    ],
                    "\(Format.possessive(client.name)) retry budget refused {1} of the retries it asked for ({0} of all it tried to send), failing those requests")
            }
            if client.circuitBreaker != nil {
                candidate(
                    .breakerRejecting, client.name,
                    weight: figure(.quotient(.total([c + "rejected_breaker"]), tries), .share, over: window),
                    "\(Format.possessive(client.name)) circuit breaker rejected {0} of the attempts it tried to send")
            }
            if client.adaptiveThrottle != nil {
                candidate(
                    .adaptiveThrottle, client.name,
                    weight: figure(.quotient(.total([c + "rejected_throttle"]), tries), .share, over: window),
                    others: [figure(.mean(["services.\(client.target).utilization"]), .share, over: window)],
                    "\(Format.possessive(client.name)) adaptive throttle rejected {0} of the attempts it tried to send, while \(client.target) was {1} busy")
            }
        }
        let callers = Dictionary(grouping: spec.services.flatMap { s in s.calls.map { ($0.service, s.name) } }, by: \.0)
        for service in spec.services {
            subjectReach = reach.services[service.name] ?? 1
            let s = "services.\(service.name)."
            let arrivals = StoryMeasure.total([s + "arrivals"])
            let running = StoryMeasure.mean([s + "instances", s + "ejected", s + "booting"])
            candidate(
                .wastedWork, service.name,
                weight: figure(.quotient(.total([s + "wasted"]), .total([s + "completions"])), .share, over: window),
                "{0} of the work \(service.name) finished went to callers who had already given up (wasted work)")
            if service.queue.capacity != nil {
                candidate(
                    .queueFull, service.name, weight: figure(.quotient(.total([s + "queue_full"]), arrivals), .share, over: window),
                    "\(Format.possessive(service.name)) full queues turned away {0} of the attempts that reached it")
            }
            if service.queue.timeout != nil || service.queue.discipline == .codel {
                let dropper = service.queue.discipline == .codel ? "CoDel" : "queue timeout"
                candidate(
                    .queueDrops, service.name, weight: figure(.quotient(.total([s + "dropped"]), arrivals), .share, over: window),
                    "\(Format.possessive(service.name)) \(dropper) dropped {0} of the attempts that reached it before serving them")
            }
            candidate(
                .emptyBalancer, service.name, weight: figure(.quotient(.total([s + "unrouted"]), arrivals), .share, over: window),
                "\(Format.possessive(service.name)) balancer had no serving instance for {0} of the attempts that reached it, and refused them")
            // The ejected column counts the instances either ejects: name the one(s) configured.
            let ejectors = [service.healthCheck != nil ? "health checks" : nil, service.outlierDetection != nil ? "outlier detection" : nil]
                .compactMap { $0 }
            if !ejectors.isEmpty {
                // The column also counts an instance that booted behind an eject health check and
                // has not yet passed its first probes (a readiness wait, not a failure): say so
                // when one did before the window's end, rather than call it ejected.
                let awaited = service.healthCheck?.action == .eject && events.contains {
                    $0.kind == .instanceReady && $0.subject == service.name && $0.detail.contains("joins the balancer after")
                        && $0.time < window.to
                }
                let state = awaited ? "out of the balancer (ejected, or booted and not yet through their first probes)" : "ejected"
                candidate(
                    .instancesEjected, service.name, weight: figure(.quotient(.mean([s + "ejected"]), running), .share, over: window),
                    "\(ejectors.joined(separator: " and ")) kept {0} of \(Format.possessive(service.name)) running instances \(state), on average")
            }
            if service.healthCheck != nil {
                candidate(
                    .panicBalancer, service.name, weight: figure(.mean([s + "panic"]), .share, over: window),
                    "\(Format.possessive(service.name)) balancer was in panic mode {0} of the time, sending work to ejected instances too")
            }
            let scaledOut = events.contains { $0.kind == .scaled && $0.subject == service.name && $0.time < window.to }
            candidate(
                .instancesBooting, service.name, weight: figure(.quotient(.mean([s + "booting"]), running), .share, over: window),
                service.autoscaler != nil && scaledOut
                    ? "{0} of \(Format.possessive(service.name)) instances were still booting, on average, after its autoscaler asked for them (autoscaler lag)"
                    : "{0} of \(Format.possessive(service.name)) instances were restarting or booting, on average, serving nothing")
            if service.calls.contains(where: { $0.circuitBreaker != nil }) {
                // The calls the breakers on this service's edges refused, of those that asked
                // them: an open edge breaker fails its callers fast, and without it the story
                // named a retry budget that explain found had no effect.
                let seen = Self.uniqueInOrder(service.calls.filter { $0.circuitBreaker != nil }.map(\.service))
                candidate(
                    .breakerRejecting, service.name,
                    weight: figure(.quotient(.total([s + "edge_breaker_rejected"]), .total([s + "edge_breaker_calls"])), .share, over: window),
                    "the circuit \(seen.count == 1 ? "breaker" : "breakers") on \(Format.possessive(service.name)) calls to \(Format.list(seen)) refused {0} of the calls that asked \(seen.count == 1 ? "it" : "them")")
            }
            if let autoscaler = service.autoscaler {
                let mean = figure(running, .instances, over: window)
                if mean.value >= Double(autoscaler.max) - 0.5 {
                    // Weighed by the instances serving: the ceiling holds capacity down only
                    // through them. "api ran 7.6 instances on average, its autoscaler's max being
                    // 8" was named first of a window where 2.8 of them were booting after a
                    // deploy's restarts, and 4.75 serving.
                    let serving = StoryMeasure.mean([s + "instances"])
                    let served = figure(serving, .instances, over: window)
                    var others = [mean, .given(Double(autoscaler.max), .count, "services.\(service.name).autoscaler.max")]
                    var text = "\(service.name) ran {1} \(Format.noun(mean, "instance")) on average, its autoscaler's max being {2}"
                    if served.value < mean.value - 0.5 {
                        others.append(served)
                        text = "\(service.name) had {1} \(Format.noun(mean, "instance")) on average, its autoscaler's max being {2}, of which {3} served (the others booting or ejected)"
                    }
                    candidate(
                        .autoscalerAtMax, service.name, weight: figure(.quotient(serving, .constant(Double(autoscaler.max))), .share, over: window),
                        others: others, text)
                }
            }
            if service.cache != nil, let baseline = baselineWindow {
                let hits = s + "cache_hits", lookups = [s + "cache_hits", s + "cache_misses"]
                let ratio = StoryMeasure.quotient(.total([hits]), .total(lookups))
                let misses = StoryMeasure.quotient(.total([s + "cache_misses"]), .total(lookups))
                // The weight: the extra share of lookups that missed, against the baseline.
                let extra = figure(.difference(misses, .over(misses, baseline)), .share, over: window)
                if evaluate(.total(lookups), over: baseline) > 0, extra.value >= Self.coldCacheDrop {
                    candidate(
                        .coldCache, service.name, weight: extra,
                        others: [figure(ratio, .share, over: window), figure(.over(ratio, baseline), .share, over: window)],
                        "\(Format.possessive(service.name)) cache hit ratio was {1}, against {2} before \(firstFaultName) (a cold cache)")
                }
            }
            if service.contention > 0, service.workers > 0 {
                // Service time x (1 + contention x requests in service on the instance): with a
                // share u of the workers busy, about c x u x workers in service, so the stretch
                // is about 1 + c u w, and c u w / (1 + c u w) of a service time is contention.
                let utilization = StoryMeasure.mean([s + "utilization"])
                let extra = StoryMeasure.quotient(utilization, .constant(1 / (service.contention * Double(service.workers))))
                let stretch = StoryMeasure.difference(extra, .constant(-1))
                candidate(
                    .contention, service.name, weight: figure(.quotient(extra, stretch), .share, over: window),
                    others: [figure(utilization, .share, over: window), figure(stretch, .ratio, over: window)],
                    "{1} of \(Format.possessive(service.name)) workers were busy on average, so contention stretched its service times about {2}x ({0} of their length)")
            }
            if let calledBy = callers[service.name] {
                // The verb agrees with the callers named, not with the calls: one service
                // calling it twice is still "api calls".
                let callerNames = Set(calledBy.map(\.1)).sorted()
                let names = callerNames.joined(separator: ", ")
                let utilization = figure(.mean([s + "utilization"]), .share, over: window)
                if utilization.value >= 0.9 {
                    // A caller's cache that went cold sends the dependency the lookups it used to
                    // answer: cold-cache-deploy named the saturated database and not the emptied
                    // caches in front of it (their extra misses, 8.7 points, weighed under the
                    // cold-cache threshold on their own).
                    var text = "\(service.name), which \(names) call\(callerNames.count == 1 ? "s" : ""), was {0} busy (a saturated dependency)"
                    var others: [StoryFigure] = []
                    if let baseline = baselineWindow {
                        for caller in callerNames {
                            guard spec.services.first(where: { $0.name == caller })?.cache != nil else { continue }
                            let c = "services.\(caller)."
                            let lookups = [c + "cache_hits", c + "cache_misses"]
                            guard evaluate(.total(lookups), over: baseline) > 0 else { continue }
                            let ratio = StoryMeasure.quotient(.total([c + "cache_hits"]), .total(lookups))
                            let now = figure(ratio, .share, over: window), before = figure(.over(ratio, baseline), .share, over: window)
                            guard before.value - now.value >= Self.coldCacheFeedsDependency else { continue }
                            text += ", fed by \(Format.possessive(caller)) cache hitting {\(others.count + 1)} of its lookups against {\(others.count + 2)} before \(firstFaultName)"
                            others += [now, before]
                        }
                    }
                    candidate(.saturatedDependency, service.name, weight: utilization, others: others, text)
                }
            }
        }
        // No mechanism explains it: the work left waiting does. A spike into an unbounded queue
        // leaves a backlog that only the spare capacity drains, and the successes wait behind it
        // for minutes with nothing failing. Weighed by the share of the waiting work that is
        // above the level before the first fault; only when nothing else is named, since under a
        // retry storm or an ejection the backlog is their effect, not a cause of its own.
        if found.isEmpty, let baseline = baselineWindow {
            for service in spec.services {
                subjectReach = reach.services[service.name] ?? 1
                let waiting = StoryMeasure.mean(["services.\(service.name).queue_length"])
                // Draining, or standing (a closed loop's population raised for good keeps a
                // queue of the same length: "a backlog draining" sent the room waiting for a
                // drain that never came).
                let trend = queueEnds(["services.\(service.name).queue_length"], over: window)
                var kind = trend.map { Self.draining($0) } ?? true ? "a backlog draining" : "a standing backlog, not draining"
                // Work held behind a paused or down instance is not draining: stop-the-world-pause
                // was told "(a backlog draining)" two seconds before its pause ended.
                if let held = heldBehind(service.name, during: window) { kind = "a backlog held behind \(held) instance" }
                candidate(
                    .backlog, service.name,
                    weight: figure(.quotient(.difference(waiting, .over(waiting, baseline)), waiting), .share, over: window),
                    others: [figure(waiting, .level, over: window), figure(.over(waiting, baseline), .level, over: window)],
                    "\(service.name) had {1} requests waiting in its queues on average, against {2} before \(firstFaultName) (\(kind))")
            }
        }
        return found.sorted { $0.weight > $1.weight }
    }

    /// "a paused" or "a down" when a pause or an outage of `service` acts during `window`
    /// (the first such event); nil otherwise.
    func heldBehind(_ service: String, during window: StoryWindow) -> String? {
        for event in spec.timeline where event.enabled && event.at.seconds < window.to - 1e-9
            && analysis.effectEnd(of: event, in: spec).seconds > window.from + 1e-9 {
            switch event.action {
            case .pause(let name, _) where name == service: return "a paused"
            case .outage(let name, _) where name == service: return "a down"
            default: continue
            }
        }
        return nil
    }

    /// The share of the system's traffic over `window` that each client and each service
    /// concerns, in [0, 1], by name: a client's requests over all clients' requests, and a
    /// service's arrivals over all clients' attempts, at most 1 (a service called twice per
    /// request, or retried, reaches every request once), and at most the requests' share of the
    /// clients whose calls can reach it. With no request or attempt in the
    /// window every subject reaches 1, as if unscaled. (A client and a service may share a name.)
    func causeReach(over window: StoryWindow) -> (clients: [String: Double], services: [String: Double]) {
        let requests = evaluate(.total(spec.clients.map { "clients.\($0.name).requests" }), over: window)
        let attempts = evaluate(.total(spec.clients.map { "clients.\($0.name).attempts" }), over: window)
        var clients: [String: Double] = [:], services: [String: Double] = [:]
        for client in spec.clients {
            let own = evaluate(.total(["clients.\(client.name).requests"]), over: window)
            clients[client.name] = requests > 0 ? min(1, own / requests) : 1
        }
        // The clients whose requests can pass through each service: a service's reach is also at
        // most their share of the requests. Arrivals alone overstate it when a small client fans
        // out (200 calls per request of a 2/s client made a side service "reach" every request).
        let paths = spec.clients.map { (reachable(from: $0), clients[$0.name] ?? 1) }
        for service in spec.services {
            let own = evaluate(.total(["services.\(service.name).arrivals"]), over: window)
            let byArrivals = attempts > 0 ? min(1, own / attempts) : 1
            let byPath = requests > 0 ? paths.filter { $0.0.contains(service.name) }.reduce(0) { $0 + $1.1 } : 1
            services[service.name] = min(byArrivals, byPath)
        }
        return (clients, services)
    }

    /// The requests waiting in `columns`' queues in the first and the last interval of `window`
    /// (their means over each), as figures over those intervals; nil with fewer than two.
    func queueEnds(_ columns: [String], over window: StoryWindow) -> (first: StoryFigure, last: StoryFigure)? {
        let inside = intervals(from: window.from, to: window.to)
        guard let a = inside.first, let b = inside.last, a != b else { return nil }
        let first = StoryWindow(from: begins[a], to: ends[a], toEnd: false)
        let last = StoryWindow(from: begins[b], to: ends[b], toEnd: b == ends.count - 1)
        return (figure(.mean(columns), .level, over: first), figure(.mean(columns), .level, over: last))
    }

    /// Whether a queue fell by at least a fifth from the first to the last interval of a window:
    /// draining, rather than standing.
    static func draining(_ ends: (first: StoryFigure, last: StoryFigure)) -> Bool {
        ends.first.value > 0 && ends.last.value < 0.8 * ends.first.value
    }

    /// The one or two causes that dominate: the heaviest, and the heaviest of another mechanism
    /// when it weighs at least ``secondCauseFraction`` of it.
    static func dominant(_ candidates: [Finding]) -> [Finding] {
        guard let first = candidates.first else { return [] }
        // The second heaviest of another mechanism: two services wasting work are one cause.
        guard let second = candidates.dropFirst().first(where: { $0.mechanism != first.mechanism }),
              second.weight >= secondCauseFraction * first.weight else { return [first] }
        return [first, second]
    }
}
