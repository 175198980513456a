import SatsimModel

/// The course of a run: the baseline, each timeline event with its effect and its end, the first
/// timeouts, retries taking over, and what health checks, breakers and autoscalers did.
extension StoryData {
    /// Share of the attempts that ended in an interval that must have timed out before the
    /// story tells the first timeouts.
    static let timeoutShare = 0.01
    /// The least share of fast failures told on their own after the first timeouts.
    static let laterFastFailureShare = 0.1
    /// Share of the attempts sent in an interval that must be retries before the story says
    /// retries took over.
    static let retryShare = 0.25
    /// How far a cache's hit ratio must fall below its baseline, in points, to be told as cold.
    static let coldCacheDrop = 0.1
    /// The fewest lookups a stretch of intervals must hold for its hit ratio to be judged cold
    /// (at a 90% hit ratio, 100 lookups vary by about 3 points, under a third of the drop).
    static let coldCacheLookups = 100.0
    /// How long after a cache flush or a `set` its effect is measured over when it has no window
    /// of its own [s].
    static let instantEffectWindow = 30.0

    /// Every course finding, in no particular order (the story sorts them).
    func courseFindings() -> [Finding] {
        var findings: [Finding] = []
        if let baseline = baselineFinding() { findings.append(baseline) }
        findings += timelineFindings()
        let timeouts = firstFailures("timeouts")
        if let timeouts { findings.append(firstTimeoutsFinding(timeouts)) }
        if let fast = firstFastFailuresFinding(timeoutsFrom: timeouts?.interval) { findings.append(fast) }
        if let retries = retriesFinding() { findings.append(retries) }
        findings += retryWaveFindings()
        findings += failureBurstFindings()
        findings += instanceFindings()
        findings += coldCacheFindings()
        findings += cohortFindings()
        return findings
    }

    // MARK: - Cohorts

    /// A chaos experiment's cohorts compared, as a chaos platform compares them: the success
    /// ratio of each (requests created after warmup that ended), and whether the harm leaked
    /// into the control cohort: its success ratio more than ``leakMargin`` below the client's
    /// before the first fault (shared queues, or the experiment's retries loading a dependency
    /// both use).
    ///
    /// The experiment cohort's share is the one measured (of the requests that ended), not the
    /// `share` setting: "(5% of them)" is a claim about the requests. A client whose requests
    /// no fault of the experiment can reach (it acts on calls from a service they never pass
    /// through) has cohorts in name only: its sentence says so instead of comparing them, which
    /// told "the experiment cohort succeeded 91%, the control cohort 91.3%" of an admin tool the
    /// experiment could not touch. When other events of the timeline reach every request, a
    /// harmed control cohort is not blamed on the experiment alone.
    func cohortFindings() -> [Finding] {
        var findings: [Finding] = []
        let experiment = spec.timeline.filter { $0.enabled && $0.share != nil }
        let others = spec.timeline.filter { $0.enabled && $0.share == nil }
        for cohort in cohorts {
            let (e, c) = (cohort.experiment, cohort.control)
            let path = "clients.\(cohort.client).cohorts"
            let client = "clients.\(cohort.client)."
            let ratio = StoryMeasure.quotient(
                .total([client + "successes"]), .total([client + "successes", client + "failures"]))
            // The client's success ratio before the first fault, to judge harm against.
            var before: StoryFigure?
            if let baseline = baselineWindow, firstFault != nil, let whole = window(from: warmup, to: endSeconds) {
                before = figure(.over(ratio, baseline), .share, over: whole)
            }
            guard let owner = spec.clients.first(where: { $0.name == cohort.client }) else { continue }
            if !experiment.isEmpty, !experiment.contains(where: { reaches($0, owner) }) {
                let ended = e.successes + e.failures + c.successes + c.failures
                guard ended > 0 else { continue }
                let all = Double(e.successes + c.successes) / Double(ended)
                var figures: [StoryFigure] = [.given(all, .share, "\(path).experiment+control.success_ratio")]
                var template = "No fault of the experiment could reach the requests of \(cohort.client), which never pass through \(experimentScope(experiment)): {0} of those created after warmup that ended succeeded"
                if let before {
                    figures.append(before)
                    if all < before.value - Self.leakMargin {
                        template += ", against {1} before \(firstFaultName); "
                            + (others.isEmpty ? "the harm leaked to them" : "other events of the timeline reached them as well")
                    } else {
                        template += ", and {1} before \(firstFaultName)"
                    }
                }
                findings.append(Finding(.cohorts, subject: cohort.client, time: endSeconds, figures: figures, template: template + "."))
                continue
            }
            guard e.successes + e.failures > 0, c.successes + c.failures > 0 else { continue }
            let experimentRatio = Double(e.successes) / Double(e.successes + e.failures)
            let controlRatio = Double(c.successes) / Double(c.successes + c.failures)
            let experimentShare = Double(e.successes + e.failures) / Double(e.successes + e.failures + c.successes + c.failures)
            var figures: [StoryFigure] = [
                .given(experimentShare, .share, "\(path).experiment.requests share"),
                .given(experimentRatio, .share, "\(path).experiment.success_ratio"),
                .given(controlRatio, .share, "\(path).control.success_ratio"),
            ]
            var template = "Of the requests of \(cohort.client) created after warmup that ended, the experiment cohort ({0} of them) succeeded {1}, the control cohort {2}"
            if let before {
                if controlRatio < before.value - Self.leakMargin {
                    figures.append(before)
                    template += others.isEmpty
                        ? "; the harm leaked into the control cohort, which the experiment never touched: {3} of \(Format.possessive(cohort.client)) requests had succeeded before \(firstFaultName)"
                        : "; the control cohort, which the experiment never touched, did worse than the {3} of \(Format.possessive(cohort.client)) requests that succeeded before \(firstFaultName), but other events of the timeline reached it as well"
                } else {
                    template += "; the control cohort was spared"
                }
            }
            // Counted over the whole run after warmup, as summary.json's cohorts are: with the
            // experiment acting for a minute of three and a half, "the experiment cohort
            // succeeded 71.4%" read as the fault's toll, where about 1% of that cohort's
            // requests succeeded while it acted. Say how long it acted.
            let measured = endSeconds - warmup
            let acting = Self.unionLength(experiment.map { event in
                (max(event.at.seconds, warmup), min(analysis.effectEnd(of: event, in: spec).seconds, endSeconds))
            })
            if measured > 0, acting < measured - spec.metricsInterval.seconds - 1e-9 {
                let a = figures.count
                figures.append(.given(acting, .duration, "time the experiment's faults acted after warmup"))
                figures.append(.given(measured, .duration, "time after warmup"))
                template = "Over the run after warmup ({\(a + 1)}, the experiment's faults acting for {\(a)} of it), of"
                    + template.dropFirst("Of".count)
            }
            findings.append(Finding(.cohorts, subject: cohort.client, time: endSeconds, figures: figures, template: template + "."))
        }
        return findings
    }

    /// The length of the union of the spans `(from, to)` (empty ones ignored).
    static func unionLength(_ spans: [(Double, Double)]) -> Double {
        var total = 0.0
        var reach = -Double.infinity
        for (from, to) in spans.filter({ $0.1 > $0.0 }).sorted(by: { $0.0 < $1.0 }) {
            let start = max(from, reach)
            if to > start { total += to - start }
            reach = max(reach, to)
        }
        return total
    }

    /// Whether a fault with `share` can act on requests of `client`: the service it acts on is
    /// one they reach (by the client's target and the calls from there), and with `caller`, the
    /// caller is one they reach and calls that service.
    func reaches(_ event: TimelineEventSpec, _ client: ClientSpec) -> Bool {
        let service: String
        switch event.action {
        case .latency(let name, _), .errors(let name, _): service = name
        default: return true
        }
        let reached = reachable(from: client)
        guard let caller = event.caller else { return reached.contains(service) }
        return reached.contains(caller)
            && spec.services.first { $0.name == caller }?.calls.contains { $0.service == service } == true
    }

    /// Whether `event` can act on the requests of `client`: an event on a service, when they
    /// reach it (``reaches(_:_:)``, the caller too for a fault with `caller`); a `set` of a
    /// service's or client's key, when they reach that service or are that client; a load spike,
    /// when they share a service with the spiked client (extra load is felt by every client
    /// sharing its services); any other change, always.
    func concerns(_ event: TimelineEventSpec, _ client: ClientSpec, reach: [String: Set<String>]? = nil) -> Bool {
        func reachable(from client: ClientSpec) -> Set<String> { reach?[client.name] ?? self.reachable(from: client) }
        let service: String
        switch event.action {
        case .latency, .errors:
            return reaches(event, client)
        case .outage(let name, _), .kill(let name, _), .cacheFlush(let name), .pause(let name, _), .scale(let name, _),
            .deploy(let name, _, _):
            service = name
        case .set(let change):
            let parts = change.path.split(separator: ".", maxSplits: 2)
            guard parts.count >= 2 else { return true }
            if parts[0] == "clients" { return parts[1] == client.name }
            guard parts[0] == "services" else { return true }
            service = String(parts[1])
        case .loadSpike(let spiked, _):
            // Extra load is felt by every client that shares a service with the spiked one.
            guard let owner = spec.clients.first(where: { $0.name == spiked }) else { return true }
            return !reachable(from: owner).isDisjoint(with: reachable(from: client))
        }
        return reachable(from: client).contains(service)
    }

    /// The services the requests of `client` pass through: its target and, transitively, what
    /// each calls.
    func reachable(from client: ClientSpec) -> Set<String> {
        var reached: Set<String> = [], frontier = [client.target]
        while let name = frontier.popLast() {
            guard reached.insert(name).inserted, let spec = spec.services.first(where: { $0.name == name }) else { continue }
            frontier += spec.calls.map(\.service)
        }
        return reached
    }

    /// What the experiment's faults act on: "calls from api to db", "db" (joined with "or").
    func experimentScope(_ events: [TimelineEventSpec]) -> String {
        var scopes: [String] = []
        for event in events {
            let scope: String
            switch event.action {
            case .latency(let name, _), .errors(let name, _): scope = event.caller.map { "calls from \($0) to \(name)" } ?? name
            default: scope = event.action.subject
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes.joined(separator: " or ")
    }

    /// How far [share] the control cohort's success ratio may fall below the client's before
    /// the first fault before the story calls it harmed.
    static let leakMargin = 0.01

    // MARK: - Baseline

    func baselineFinding() -> Finding? {
        guard let window = baselineWindow else { return nil }
        let offered = figure(.rate(clientColumns("requests")), .rate, over: window)
        let goodput = figure(.rate(clientColumns("successes")), .rate, over: window)
        var template = "{window}, clients offered {0} requests/s and {1} succeeded per second"
        var figures = [offered, goodput]
        // Said next to the figures it explains.
        if let drained = drainClause(over: window, offered: offered, goodput: goodput, figures: &figures) {
            template += " (more than were offered: \(drained))"
        }
        if firstFault == nil, let busiest = spec.services.max(by: {
            evaluate(.mean(["services.\($0.name).utilization"]), over: window)
                < evaluate(.mean(["services.\($1.name).utilization"]), over: window)
        }) {
            figures.append(figure(.mean(["services.\(busiest.name).utilization"]), .share, over: window))
            template += "; \(busiest.name) was {\(figures.count - 1)} busy"
        }
        template += firstFault == nil ? ", with no fault." : ", before \(firstFaultName)."
        return Finding(.baseline, time: window.from, window: window, figures: figures, template: template)
    }

    /// Why more requests succeeded per second than were offered over `window`, when the printed
    /// figures say so; nil otherwise. The figures of a story are counted when they happen: a
    /// request is offered in the interval it is sent, and succeeds in the interval its answer
    /// arrives, so a window's successes include requests sent before it (during warmup, or before
    /// a fault) that were still in flight at its start. Since a request succeeds at most once,
    /// the successes of the requests sent in the window are at most the requests sent in it, and
    /// the excess is a lower bound on the successes of requests sent before: "at least {k} of the
    /// successes were of requests sent before {t}".
    ///
    /// Told only when the printed goodput exceeds the printed offered load, the one case where
    /// the sentence would otherwise read as a contradiction; its figures are appended to
    /// `figures`. The caller words the lead-in, which must say "than were offered".
    /// `clients` names the clients both figures are of (all when nil).
    func drainClause(
        over window: StoryWindow, offered: StoryFigure, goodput: StoryFigure, clients: [String]? = nil, figures: inout [StoryFigure]
    ) -> String? {
        guard Self.printsAbove(goodput, offered) else { return nil }
        func columns(_ suffix: String) -> [String] { clients.map { $0.map { "clients.\($0).\(suffix)" } } ?? clientColumns(suffix) }
        let excess = figure(.difference(.total(columns("successes")), .total(columns("requests"))), .count, over: window)
        guard excess.value >= 1 else { return nil }
        figures += [excess, .clock(window.from)]
        let k = figures.count - 2
        let one = excess.text == "1"
        return "at least {\(k)} of the successes \(one ? "was of a request" : "were of requests") sent before {\(k + 1)}"
    }

    /// Whether `a` as printed reads as a larger number than `b` as printed (rates rounded to the
    /// digits the sentence shows: 802.5 prints "803", above 802.3's "802").
    static func printsAbove(_ a: StoryFigure, _ b: StoryFigure) -> Bool {
        guard let x = Double(a.text), let y = Double(b.text) else { return a.value > b.value }
        return x > y
    }

    // MARK: - Timeline events

    /// Each timeline event the run reached, told with its effect, and the end of its effect.
    func timelineFindings() -> [Finding] {
        var findings: [Finding] = []
        let stop = endSeconds
        // A switched-off event (`enabled: false`) never happened: it is neither told nor counted.
        let enabled = spec.timeline.indices.filter { spec.timeline[$0].enabled }
        let reached = spec.timeline.enumerated().filter { $0.element.enabled && $0.element.at.seconds <= stop + 1e-9 }
        let effectEnds = spec.timeline.map { analysis.effectEnd(of: $0, in: spec).seconds }
        let lastEnd = enabled.map { effectEnds[$0] }.max()
        let lasting = enabled.filter { effectEnds[$0] > spec.timeline[$0].at.seconds + 1e-9 }
        let context = TimelineContext(self)
        for (index, event) in reached {
            findings.append(eventFinding(event, index: index, effectEnd: effectEnds[index], context: context))
            let end = effectEnds[index]
            guard end > event.at.seconds + 1e-9, end <= stop + 1e-9 else { continue }
            var ended = eventEndFinding(event, index: index, at: end, context: context)
            if lasting.count > 1, end == lastEnd {
                // Several ending together at the last end: only the last of them told says so,
                // and for all of them (each was told "it was the last fault to end").
                let tied = reached.filter { $0.element.at.seconds < effectEnds[$0.offset] - 1e-9 && effectEnds[$0.offset] == lastEnd }
                if tied.count > 1 {
                    if tied.last?.offset == index {
                        let operators = tied.contains { $0.element.isOperatorChange }
                        ended.template = String(ended.template.dropLast()) + "; with it, every \(operators ? "event of the timeline" : "fault") had ended."
                    }
                } else {
                    // An operator's change is no fault, though the verdict counts it as one until it ends.
                    let noun = event.isOperatorChange ? "event of the timeline" : "fault"
                    ended.template = String(ended.template.dropLast()) + "; it was the last \(noun) to end."
                }
            }
            findings.append(ended)
        }
        if stoppedAtLimit {
            let unreached = enabled.count - reached.count
            var template = interrupted ? "The run stopped at {0}, interrupted" : "The run stopped at {0}, at a limit"
            var figures = [StoryFigure.clock(stop)]
            if unreached > 0 {
                template += "; {1} later timeline event\(unreached == 1 ? " was" : "s were") never simulated"
                figures.append(.given(Double(unreached), .count, "timeline events after the stop"))
            }
            findings.append(Finding(.runStopped, time: stop, figures: figures, template: template + "."))
        }
        return findings
    }

    /// The event and its effect, measured over its effect window.
    /// What the timeline's sentences share, computed once for all of them: the event tally, the
    /// services each client reaches, and the clients each timeline event concerns.
    struct TimelineContext {
        let tally: EventTally
        let reach: [String: Set<String>]
        let concerned: [Set<String>]

        init(_ data: StoryData) {
            tally = EventTally(data.events)
            var reach: [String: Set<String>] = [:]
            for client in data.spec.clients { reach[client.name] = data.reachable(from: client) }
            self.reach = reach
            concerned = data.spec.timeline.map { event in Set(data.spec.clients.filter { data.concerns(event, $0, reach: reach) }.map(\.name)) }
        }
    }

    func eventFinding(_ event: TimelineEventSpec, index: Int, effectEnd: Double, context: TimelineContext? = nil) -> Finding {
        let context = context ?? TimelineContext(self)
        let tally = context.tally
        let at = event.at.seconds
        var figures: [StoryFigure] = [.clock(at)]
        func given(_ value: Double, _ unit: FigureUnit, _ key: String) -> String {
            figures.append(.given(value, unit, "timeline.\(index).\(key)"))
            return "{\(figures.count - 1)}"
        }
        let lasting = event.duration.map { " for " + given($0.seconds, .duration, "for") } ?? ""
        // Whom a `latency` or `errors` fault reaches when it has `caller` or `share`.
        func scope() -> String {
            var out = ""
            if let caller = event.caller { out += " on calls from \(caller)" }
            if let share = event.share {
                out += "\(out.isEmpty ? "" : ",") in the experiment cohort (\(given(share, .share, "share")) of requests)"
            }
            return out
        }
        var text: String
        var affected: String?
        switch event.action {
        case .loadSpike(let client, let factor):
            if let owner = spec.clients.first(where: { $0.name == client }), case .closed(let users, _) = owner.arrival {
                // A closed loop's spike multiplies its users, not its requests: each user waits for
                // an answer before sending again, so the load it offers rises less (closed-loop-spike:
                // "multiplied the load of users by 2", then "clients offered 820 requests/s" from 552).
                let population = given(Double(users), .count, "clients.\(client).arrival.users")
                text = "At {0}, a load spike multiplied the population of \(Format.possessive(client)) closed loop (\(population) \(Format.noun(users, "user"))) by \(given(factor, .ratio, "factor"))\(lasting)"
            } else {
                text = "At {0}, a load spike multiplied the load of \(client) by \(given(factor, .ratio, "factor"))\(lasting)"
            }
        case .latency(let service, let add):
            let delay: String
            if case .constant(let value) = add {
                delay = given(value, .duration, "add")
            } else if !add.mean.isFinite, case .pareto(let scale, _) = add {
                // A Pareto tail with shape <= 1 has no mean: say what it has, a minimum.
                delay = "a pareto delay of at least \(given(scale, .duration, "add.scale")), with no finite mean"
            } else {
                delay = "a \(add.name) delay averaging \(given(add.mean, .duration, "add"))"
            }
            text = "At {0}, \(service) became slower by \(delay) per request\(scope())\(lasting)"
        case .errors(let service, let ratio):
            // Drawn for each attempt that reaches it: with retries, fewer requests fail than that.
            text = "At {0}, \(service) started failing \(given(ratio, .share, "ratio")) of the attempts that reached it\(scope())\(lasting)"
        case .outage(let service, let mode):
            // The mode as what callers saw, not as the file's keyword ("went down (refuse)").
            let seen = mode == .refuse ? "refusing every new attempt" : "leaving every new attempt unanswered"
            text = "At {0}, \(service) went down\(lasting), \(seen)"
        case .kill(let service, let count):
            // As many as the engine killed (events.jsonl), not the count asked for: "3 instances
            // of api were killed" was told of a service that had 2.
            text = "At {0}, " + (asFound(.instanceKilled, "kill", service, count, tally: tally, at: at, given: given)
                ?? "\(given(Double(count), .count, "count")) \(count == 1 ? "instance" : "instances") of \(service) \(count == 1 ? "was" : "were") killed")
            affected = service
        case .cacheFlush(let service):
            text = "At {0}, the cache of \(service) was flushed"
        case .pause(let service, let count):
            // As many as the engine paused (events.jsonl), not the count asked for: "1000
            // instances of api paused" was told of a service that had 4.
            text = "At {0}, " + (asFound(.instancePaused, "pause", service, count, tally: tally, at: at, given: given)
                ?? "\(given(Double(count), .count, "count")) \(count == 1 ? "instance" : "instances") of \(service) paused") + lasting
            affected = service
        case .scale(let service, let to):
            text = "At {0}, an operator scaled \(service) to \(given(Double(to), .count, "to")) \(Format.noun(to, "instance"))"
            affected = service
        case .deploy(let service, let batch, let every):
            // A batch of more instances than the deploy found restarts them all at once: "5 at a
            // time every 30s" was told of a service of 3, all down together.
            let restarted = tally.count(.instanceKilled, service, at: at)
            if !events.isEmpty, restarted > 0, restarted < batch {
                let found = figures.count
                figures.append(.given(Double(restarted), .count, "instance_killed events at \(Format.clock(at))"))
                text = "At {0}, a rolling deploy of \(service) in batches of \(given(Double(batch), .count, "batch")) found {\(found)} \(restarted == 1 ? "instance" : "instances") and restarted \(restarted == 1 ? "it" : "them all") at once"
            } else {
                text = "At {0}, a rolling deploy of \(service) began, \(given(Double(batch), .count, "batch")) at a time every \(given(every.seconds, .duration, "every"))"
            }
            affected = service
        case .set(let change):
            text = "At {0}, an operator set \(change.path) to \(change.value)\(lasting)\(event.duration == nil ? "" : ", then back")"
            if event.changesNothing { text += ", the value it already had: nothing changed, and the verdict does not count it as a fault" }
            let parts = change.path.split(separator: ".")
            if parts.count == 3, parts[0] == "services", parts[2] == "instances" { affected = String(parts[1]) }
        }
        // The effect: over the event's own window, or the next half minute for what acts at once.
        let until = effectEnd > at + 1e-9 ? effectEnd : at + Self.instantEffectWindow
        guard let window = window(from: at, to: min(until, endSeconds)) else {
            return Finding(.timelineEvent, subject: event.action.subject, time: at, figures: figures, template: text + ".")
        }
        var effects: [String] = []
        // The load offered over the window, when the effect tells it (a load spike).
        var offered: StoryFigure?
        func add(_ figure: StoryFigure) -> String {
            figures.append(figure)
            return "{\(figures.count - 1)}"
        }
        // The clients the event can reach: an event on a service only some clients pass through
        // is measured on theirs. "At 3m00s, an operator set services.side.service_time.value to
        // 300ms: ... goodput averaged 20.1/s against 302/s" was told of a side service 1% of the
        // requests reach, beside a kill of the main one.
        let concerned = spec.clients.filter { context.concerned[index].contains($0.name) }
        let partial = !concerned.isEmpty && concerned.count < spec.clients.count
        func columns(_ suffix: String) -> [String] {
            partial ? concerned.map { "clients.\($0.name).\(suffix)" } : clientColumns(suffix)
        }
        let names = Format.list(concerned.map(\.name))
        switch event.action {
        case .loadSpike:
            let load = figure(.rate(columns("requests")), .rate, over: window)
            offered = load
            effects.append("\(partial ? names : "clients") offered \(add(load)) requests/s")
        case .cacheFlush(let service):
            let hits = "services.\(service).cache_hits", misses = "services.\(service).cache_misses"
            let ratio = StoryMeasure.quotient(.total([hits]), .total([hits, misses]))
            effects.append("the hit ratio of its cache was \(add(figure(ratio, .share, over: window)))")
        default:
            break
        }
        if let service = affected {
            let fewest = figure(.minimum(["services.\(service).instances"]), .instances, over: window)
            let panic = figure(.mean(["services.\(service).panic"]), .share, over: window)
            if panic.value > 0 {
                // In panic mode the healthy count may read 0 while every instance takes work.
                effects.append(
                    "\(Format.possessive(service)) balancer was in panic mode \(add(panic)) of the time, sending work to every instance, ejected ones included")
            } else if fewest.value == 0 {
                // "At times" only when some interval had one serving: a fleet all down for the
                // whole window (a deploy restarting every instance at once, a scale to zero) was
                // told "at times no instance was serving".
                let most = evaluate(.maximum(["services.\(service).instances"]), over: window)
                effects.append(most == 0 ? "no instance of \(service) was serving" : "at times no instance of \(service) was serving")
            } else if case .pause(_, let count) = event.action {
                // A paused instance stays in rotation (it is not stopped): "api had as few as 4
                // serving instances" was told of 4 instances, one of them paused. Say what the
                // balancer did with it.
                let paused = count == 1 ? "instance" : "instances"
                let serviceSpec = spec.services.first { $0.name == service }
                let ejector = serviceSpec.map { $0.healthCheck != nil || $0.outlierDetection != nil } ?? false
                // A balancer that weighs the work each instance holds sees a paused one fill up
                // and sends it little: "kept sending work to the paused instance" was told of a
                // least_outstanding balancer that sent it 6 of 1,974 attempts.
                let loadAware = serviceSpec.map { $0.balancer == .leastOutstanding || $0.balancer == .powerOfTwo } ?? false
                if ejector {
                    effects.append(
                        "\(service) had as few as \(add(fewest)) \(Format.noun(fewest, "instance")) in rotation in an interval, a paused \(paused == "instance" ? "one" : "one among them") counting until ejected")
                } else if loadAware, let balancer = serviceSpec?.balancer {
                    effects.append(
                        "\(Format.possessive(service)) balancer (\(balancer.rawValue)) kept the paused \(paused) in rotation, with no health check or outlier detection to take \(count == 1 ? "it" : "them") out, but sent \(count == 1 ? "it" : "them") less work as \(count == 1 ? "its" : "their") requests piled up")
                } else {
                    effects.append(
                        "\(Format.possessive(service)) balancer kept sending work to the paused \(paused), with no health check or outlier detection to take \(count == 1 ? "it" : "them") out")
                }
            } else if case .scale = event.action {
                // A scaling step may go either way: say the range, which is true of both.
                let most = figure(.maximum(["services.\(service).instances"]), .instances, over: window)
                if most.value == fewest.value {
                    effects.append("\(service) had \(add(fewest)) serving \(Format.noun(fewest, "instance")) in every interval")
                } else {
                    effects.append("\(service) had from \(add(fewest)) to \(add(most)) serving instances in an interval")
                }
            } else {
                effects.append("\(service) had as few as \(add(fewest)) serving \(Format.noun(fewest, "instance")) in an interval")
            }
        }
        // Nothing sent and nothing answered in the window (a short fault at a low rate): a
        // goodput of 0.00/s against 0.23/s would read as the fault's doing.
        let traffic = evaluate(.total(columns("requests") + columns("successes") + columns("failures")), over: window)
        if traffic == 0, offered == nil {
            effects.append("no request\(partial ? " of " + names : "") was sent or answered")
            text += ": {window}, " + effects.joined(separator: ", and ") + "."
            return Finding(.timelineEvent, subject: event.action.subject, time: at, window: window, figures: figures, template: text)
        }
        let successes = columns("successes")
        let goodput = figure(.rate(successes), .rate, over: window)
        let whose =
            !partial ? "goodput"
            : concerned.count == 1 ? "\(Format.possessive(concerned[0].name)) goodput" : "the goodput of \(names)"
        effects.append("\(whose) averaged \(add(goodput))/s")
        if let baseline = baselineWindow, firstFault.map({ $0 < at + 1e-9 }) ?? false {
            effects[effects.count - 1] += " against \(add(figure(.over(.rate(successes), baseline), .rate, over: window)))/s before \(firstFaultName)"
            // An event that starts while another acts on the same clients is also set against
            // the span just before it, since that one began: scale-the-wrong-tier's scaling of
            // api was told "goodput averaged 118/s against 201/s before the first fault" where
            // the spike beside it had held 254/s until the scaling, which halved it.
            // The span starts at the latest event before this one on the same clients, acting
            // or not: a scaling at 90 s between a latency fault at 80 s and this event at 100 s
            // changed the regime, and a span from 80 s averaged across it.
            if otherActing(at: at, index: index, context: context), let since = latestStart(before: at, index: index, context: context),
               let before = self.window(startingAtOrAfter: max(since, at - (window.to - window.from)), to: at),
               abs(before.to - at) < 1e-9, before.from >= since - 1e-9 {
                let earlier = figure(.over(.rate(successes), before), .rate, over: window)
                effects[effects.count - 1] += " and \(add(earlier))/s from \(add(.clock(before.from))) to \(add(.clock(before.to))), just before it"
            }
        } else if at > 1e-9,
                  let before = self.window(
                      startingAtOrAfter: max(0, at - (window.to - window.from), latestStart(before: at, index: index, context: context) ?? 0), to: at),
                  abs(before.to - at) < 1e-9, before.to - before.from > 1e-9 {
            // No baseline to compare with (a fault during warmup): the same span just before the
            // event, so that a goodput already at zero is not read as this event's doing ("an
            // operator set max_attempts to 5 ...: goodput averaged 0.00/s" where it had been 0
            // for twenty seconds).
            let earlier = figure(.over(.rate(successes), before), .rate, over: window)
            effects[effects.count - 1] += " against \(add(earlier))/s from \(add(.clock(before.from))) to \(add(.clock(before.to))), just before it"
        }
        // Other events acting on the same clients in this window share the goodput: say so, or
        // the sentence credits this one with their effect ("search started failing 100% of the
        // attempts...: goodput averaged 33.3/s" of an optional call, beside db's errors).
        // Named once each, at most three; more are counted.
        let mine = context.concerned[index]
        var actingNames: [String] = [], more = 0
        for (offset, other) in spec.timeline.enumerated() where offset != index && other.enabled {
            let start = other.at.seconds
            guard start < window.to - 1e-9, start <= endSeconds + 1e-9, !context.concerned[offset].isDisjoint(with: mine) else { continue }
            let effect = analysis.effectEnd(of: other, in: spec).seconds
            let until = effect > start + 1e-9 ? effect : start + Self.instantEffectWindow
            guard until > window.from + 1e-9 else { continue }
            let name = eventName(other)
            if actingNames.contains(name) { continue }
            if actingNames.count < 3 { actingNames.append(name) } else { more += 1 }
        }
        if !actingNames.isEmpty {
            let listed = more == 0 ? Format.list(actingNames) : actingNames.joined(separator: ", ") + " and \(more) other \(more == 1 ? "event" : "events") of the timeline"
            effects[effects.count - 1] += ", with \(listed) acting in that time too"
        }
        // A spike that lowers the load (factor < 1), or one right after an outage, can see the
        // backlog answered while less is offered: say why goodput is above the load.
        if let offered,
           let drained = drainClause(
               over: window, offered: offered, goodput: goodput, clients: partial ? concerned.map(\.name) : nil, figures: &figures) {
            effects[effects.count - 1] += "; more succeeded than were offered because \(drained)"
        }
        text += ": {window}, " + effects.joined(separator: ", and ") + "."
        return Finding(.timelineEvent, subject: event.action.subject, time: at, window: window, figures: figures, template: text)
    }

    /// The latest start, before `at`, of another enabled event of the timeline on the clients
    /// event `index` concerns; nil when there is none. "The span just before it" starts no
    /// earlier: it is the regime the event changed.
    func latestStart(before at: Double, index: Int, context: TimelineContext) -> Double? {
        let mine = context.concerned[index]
        return spec.timeline.indices.compactMap { offset -> Double? in
            let other = spec.timeline[offset]
            guard offset != index, other.enabled, other.at.seconds < at - 1e-9, !context.concerned[offset].isDisjoint(with: mine) else { return nil }
            return other.at.seconds
        }.max()
    }

    /// Whether another enabled event on the same clients as event `index` began before `at` and
    /// still acts after it.
    func otherActing(at: Double, index: Int, context: TimelineContext) -> Bool {
        let mine = context.concerned[index]
        return spec.timeline.indices.contains { offset in
            let other = spec.timeline[offset]
            return offset != index && other.enabled && other.at.seconds < at - 1e-9 && !context.concerned[offset].isDisjoint(with: mine)
                && analysis.effectEnd(of: other, in: spec).seconds > at + 1e-9
        }
    }

    /// How many events of each kind the run logged for each subject at each instant, counted in
    /// one pass: a sentence per kill or pause that scanned the whole log made a timeline of
    /// 12,000 pauses take ten minutes to tell.
    struct EventTally {
        private var counts: [String: Int] = [:]

        /// Distinct instances ("instance 3 ..." in the detail) per key: many events of one kind
        /// at one instant on one service (a thousand pauses of the same four instances) count
        /// each instance once.
        init(_ events: [RunEvent]) {
            var seen: Set<String> = []
            for event in events {
                let key = Self.key(event.kind, event.subject, event.time)
                let instance = event.detail.split(separator: " ", maxSplits: 2).prefix(2).joined(separator: " ")
                guard seen.insert(key + "|" + instance).inserted else { continue }
                counts[key, default: 0] += 1
            }
        }

        static func key(_ kind: RunEventKind, _ subject: String, _ time: Double) -> String {
            "\(kind.rawValue)|\(time.bitPattern)|\(subject)"
        }

        func count(_ kind: RunEventKind, _ subject: String, at time: Double) -> Int { counts[Self.key(kind, subject, time)] ?? 0 }
    }

    /// "a kill of 3 instances of api found 2 instances to kill" when the engine acted on fewer
    /// instances than `count` asked (the `kind` events it logged at `at`), with the figures it
    /// prints appended; nil when it found them all, or when the story has no event log (a
    /// series read alone takes the count as asked).
    func asFound(
        _ kind: RunEventKind, _ verb: String, _ service: String, _ count: Int, tally: EventTally, at: Double,
        given: (Double, FigureUnit, String) -> String
    ) -> String? {
        let found = tally.count(kind, service, at: at)
        guard found < count, !events.isEmpty else { return nil }
        let asked = given(Double(count), .count, "count")
        let n = found == 0 ? "no instances" : "\(given(Double(found), .count, "count found (\(kind.rawValue) events)")) \(found == 1 ? "instance" : "instances")"
        return "a \(verb) of \(asked) \(count == 1 ? "instance" : "instances") of \(service) found \(n) to \(verb)"
    }

    /// A timeline event as a noun phrase: "the outage of api", "the errors of db".
    func eventName(_ event: TimelineEventSpec) -> String {
        switch event.action {
        case .loadSpike(let client, _): return "the load spike on \(client)"
        case .latency(let service, _): return "the latency added to \(service)"
        case .errors(let service, _): return "the errors of \(service)"
        case .outage(let service, _): return "the outage of \(service)"
        case .kill(let service, _): return "the kill of \(service)"
        case .cacheFlush(let service): return "the flush of \(Format.possessive(service)) cache"
        case .pause(let service, _): return "the pause of \(service)"
        case .scale(let service, _): return "the operator's scaling of \(service)"
        case .deploy(let service, _, _): return "the rolling deploy of \(service)"
        case .set(let change): return "the operator's change to \(change.path)"
        }
    }

    /// The end of an event's effect.
    func eventEndFinding(_ event: TimelineEventSpec, index: Int, at end: Double, context: TimelineContext? = nil) -> Finding {
        let tally = (context ?? TimelineContext(self)).tally
        let text: String
        var endFigures: [StoryFigure] = [.clock(end)]
        switch event.action {
        case .loadSpike(let client, _): text = "At {0}, the load spike on \(client) ended."
        case .latency(let service, _): text = "At {0}, the latency added to \(service) ended."
        case .errors(let service, _): text = "At {0}, \(service) stopped failing attempts on purpose."
        case .outage(let service, _): text = "At {0}, the outage of \(service) ended."
        case .pause(let service, let count):
            // As many as resumed (events.jsonl): one restarted while paused (its health checks,
            // a deploy) lost the pause with its process and was booting, not resuming.
            let resumed = tally.count(.instanceResumed, service, at: end)
            let paused = tally.count(.instancePaused, service, at: event.at.seconds)
            if resumed >= paused {
                text = "At {0}, the paused \(count == 1 ? "instance" : "instances") of \(service) resumed."
            } else if resumed == 0 {
                text = "At {0}, the pause of \(service) ended, but \(paused == 1 ? "its paused instance had" : "every paused instance had") been restarted meanwhile: none resumed."
            } else {
                endFigures += [
                    .given(Double(resumed), .count, "events.instance_resumed at the pause's end"),
                    .given(Double(paused), .count, "events.instance_paused at the pause's start"),
                ]
                text = "At {0}, the pause of \(service) ended: {1} of the {2} paused instances resumed, the others having been restarted meanwhile."
            }
        case .kill(let service, let count): text = "By {0}, the killed \(count == 1 ? "instance" : "instances") of \(service) had booted again."
        case .scale(let service, _):
            text = scaleAddedInstances(service: service, at: event.at.seconds)
                ? "By {0}, the instances the operator added to \(service) had booted." : "By {0}, the operator's scaling of \(service) was over."
        case .deploy(let service, _, _): text = "By {0}, the last batch of the rolling deploy of \(service) had booted: the deploy was over."
        case .cacheFlush(let service): text = "At {0}, the flush of \(Format.possessive(service)) cache was over."
        case .set(let change): text = "At {0}, the change to \(change.path) was over."
        }
        return Finding(.timelineEventEnded, subject: event.action.subject, time: end, figures: endFigures, template: text)
    }

    // MARK: - Timeouts and retries

    /// The first interval, after the first fault (or warmup), where attempts time out; in that
    /// interval's sentence, the attempts that failed fast too, when they were at least
    /// ``timeoutShare`` of those that ended ("19% got no answer in time" was told of a second in
    /// which the other 81% were refused, and none succeeded).
    func firstTimeoutsFinding(_ timeouts: Failures) -> Finding {
        let (i, window, onset, share, before) = timeouts
        var figures: [StoryFigure] = [.clock(onset), share] + (before.map { [$0] } ?? [])
        var template = before == nil
            ? "At {0}, attempts began to time out: {1} of the attempts that ended {window} got no answer in time"
            : "At {0}, timeouts rose: {1} of the attempts that ended {window} got no answer in time, against {2} before \(firstFaultName)"
        let errors = values(clientColumns("errors")), ended = values(endedColumns)
        if ended[i] > 0, errors[i] / ended[i] >= Self.timeoutShare {
            let fast = figure(.quotient(.total(clientColumns("errors")), .total(endedColumns)), .share, over: window)
            template += ", and {\(figures.count)} failed fast (answered with an error or turned away at once)"
            figures.append(fast)
        }
        return Finding(.timeouts, time: onset, window: window, figures: figures, template: template + ".")
    }

    /// The first interval, after the first fault (or warmup), where attempts fail fast (an error,
    /// a full queue, a refusal, no instance to route to), told when it comes before the first
    /// timeouts, whose sentence names them otherwise, and when no `errors` fault or refusing
    /// outage of the timeline, whose own sentence says so, is in progress then. scale-the-wrong-tier
    /// failed 68% of its attempts fast from 2m03s, yet the story's first failure was a timeout
    /// share at 2m46s, after the operator's scaling at 2m30s.
    /// `timeoutsFrom`: the interval of the first timeouts (``firstFailures(_:)``), if any.
    func firstFastFailuresFinding(timeoutsFrom: Int?) -> Finding? {
        guard let found = firstFailures("errors") else { return nil }
        var (i, window, onset, share) = (found.interval, found.window, found.onset, found.share)
        let before = found.before
        if let timeouts = timeoutsFrom, timeouts == i { return nil }
        // After the first timeouts, fast failures are told from the first interval where they
        // reach a share a room should hear of on its own (slow-dependency's full queues turned
        // away 63% of the attempts a second after its timeouts began, and the story named only
        // the timeouts); a trickle beside timeouts already told ("2.1% ... turned away at once")
        // is not.
        if let timeouts = timeoutsFrom, timeouts < i, share.value < max(Self.laterFastFailureShare, 2 * (before?.value ?? 0)) {
            let errors = values(clientColumns("errors")), ended = values(endedColumns)
            let floor = max(Self.laterFastFailureShare, 2 * (before?.value ?? 0))
            guard let j = ends.indices.first(where: { $0 > i && ended[$0] > 0 && errors[$0] / ended[$0] >= floor }) else { return nil }
            i = j
            window = StoryWindow(from: begins[j], to: ends[j], toEnd: j == ends.count - 1)
            onset = window.from
            share = figure(.quotient(.total(clientColumns("errors")), .total(endedColumns)), .share, over: window)
        }
        let told = spec.timeline.contains { event in
            guard event.enabled, event.at.seconds < ends[i] - 1e-9, event.end.seconds > begins[i] + 1e-9 else { return false }
            switch event.action {
            case .errors: return true
            case .outage(_, let mode): return mode == .refuse
            default: return false
            }
        }
        if told { return nil }
        if let before {
            return Finding(
                .fastFailures, time: onset, window: window, figures: [.clock(onset), share, before],
                template: "At {0}, fast failures rose: {1} of the attempts that ended {window} were answered with an error or turned away at once, against {2} before \(firstFaultName).")
        }
        return Finding(
            .fastFailures, time: onset, window: window, figures: [.clock(onset), share],
            template: "At {0}, attempts began to fail fast: {1} of the attempts that ended {window} were answered with an error or turned away at once.")
    }

    /// The client columns of the attempts that ended: answered, failed fast or timed out.
    var endedColumns: [String] { clientColumns("successes") + clientColumns("errors") + clientColumns("timeouts") }

    /// The first interval after the first fault (or warmup) where `kind` (`timeouts` or
    /// `errors`, clients' columns) reaches ``timeoutShare`` of the attempts that ended, or
    /// twice its share before the first fault when that was already as much: the interval, its
    /// window, the onset (never before the fault), the share there, and the share before when
    /// there were any.
    typealias Failures = (interval: Int, window: StoryWindow, onset: Double, share: StoryFigure, before: StoryFigure?)

    func firstFailures(_ kind: String) -> Failures? {
        let counts = values(clientColumns(kind))
        // Counted when they end, so compared with the attempts that ended in the same interval
        // (answered or timed out), not with those sent in it: after a burst the timeouts of
        // earlier attempts can outnumber the new ones.
        let ended = values(endedColumns)
        let from = firstFault ?? warmup
        let shareMeasure = StoryMeasure.quotient(.total(clientColumns(kind)), .total(endedColumns))
        // Failures already there before the first fault (a timeout shorter than the usual
        // service time): they did not "begin" at the fault. "At 2m00s, attempts began to time
        // out: 54.5%" was told where 48.3% had since warmup. Then the story tells when the share
        // rose to twice its level before the fault, if it did; a level too low to set the
        // threshold is still told as a rise (a LIFO queue timed out 7 attempts in its baseline).
        var before: StoryFigure?
        var few: StoryFigure?
        if firstFault != nil, let baseline = baselineWindow {
            let level = figure(.over(shareMeasure, baseline), .share, over: baseline)
            if level.value >= Self.timeoutShare { before = level } else if level.value > 0 { few = level }
        }
        let threshold = before.map { 2 * $0.value } ?? Self.timeoutShare
        guard let i = ends.indices.first(where: {
            ends[$0] > from + 1e-9 && ended[$0] > 0 && counts[$0] / ended[$0] >= threshold
        }) else { return nil }
        let window = StoryWindow(from: begins[i], to: ends[i], toEnd: i == ends.count - 1)
        // The interval may begin before the fault that starts the search: the failures are told
        // from the later of the two, never before their cause (the window still names the
        // interval they were counted over).
        return (i, window, max(window.from, from), figure(shareMeasure, .share, over: window), before ?? few)
    }

    /// The first interval, after the first fault (or warmup), where retries reach a quarter of
    /// the attempts sent.
    func retriesFinding() -> Finding? {
        let retries = values(clientColumns("retries")), attempts = values(clientColumns("attempts"))
        let from = firstFault ?? warmup
        let shareMeasure = StoryMeasure.quotient(.total(clientColumns("retries")), .total(clientColumns("attempts")))
        // Retries already a quarter of the attempts before the first fault (a timeout shorter
        // than the work): the fault did not set them off. "Retries made up 26.3%" was told at a
        // kill where they had made up 26.6% since warmup. As for timeouts, the story then tells
        // when the share rose to twice its level before the fault, if it did.
        var before: StoryFigure?
        if firstFault != nil, let baseline = baselineWindow {
            let level = figure(.over(shareMeasure, baseline), .share, over: baseline)
            if level.value >= Self.retryShare { before = level }
        }
        let threshold = before.map { 2 * $0.value } ?? Self.retryShare
        guard let i = ends.indices.first(where: {
            ends[$0] > from + 1e-9 && attempts[$0] > 0 && retries[$0] / attempts[$0] >= threshold
        }) else { return nil }
        let window = StoryWindow(from: begins[i], to: ends[i], toEnd: i == ends.count - 1)
        var figures = [
            figure(shareMeasure, .share, over: window),
            figure(.rate(clientColumns("attempts")), .rate, over: window),
            figure(.rate(clientColumns("requests")), .rate, over: window),
        ]
        var template = "{window}, retries made up {0} of the attempts sent: {1} attempts/s for {2} new requests/s."
        if let before {
            figures.append(before)
            template = "{window}, retries rose to {0} of the attempts sent: {1} attempts/s for {2} new requests/s, against {3} before \(firstFaultName)."
        }
        // Told after the fault that starts the search even when its interval began before it.
        return Finding(.retries, time: max(window.from, from), window: window, figures: figures, template: template)
    }

    // MARK: - Health checks, breakers, autoscalers

    /// Per service, the first stretch after warmup in which none of its instances served and
    /// its balancer turned attempts away with nowhere to send them, and how many such stretches
    /// there were. health-check-cascade's ejections emptied api's balancer from 1m06s to 1m08s,
    /// 1,229 attempts a second refused, and the story counted ejections without saying so.
    func noServingInstanceFindings() -> [Finding] {
        var findings: [Finding] = []
        for service in spec.services {
            let instances = values(["services.\(service.name).instances"]), unrouted = values(["services.\(service.name).unrouted"])
            guard instances.count == ends.count, unrouted.count == ends.count else { continue }
            let empty = ends.indices.map { begins[$0] >= warmup - 1e-9 && instances[$0] == 0 && unrouted[$0] > 0 }
            var stretches: [ClosedRange<Int>] = []
            for k in ends.indices where empty[k] {
                if let last = stretches.last, last.upperBound == k - 1 {
                    stretches[stretches.count - 1] = last.lowerBound...k
                } else {
                    stretches.append(k...k)
                }
            }
            guard let first = stretches.first else { continue }
            let window = StoryWindow(from: begins[first.lowerBound], to: ends[first.upperBound], toEnd: first.upperBound == ends.count - 1)
            var figures: [StoryFigure] = [
                .clock(window.from), .clock(window.to),
                figure(.maximum(["services.\(service.name).instances"]), .instances, over: window),
                figure(.total(["services.\(service.name).unrouted"]), .count, over: window),
            ]
            var template = "From {0} to {1}, {2} instances of \(service.name) were serving: its balancer turned away the {3} attempts that reached it, with nowhere to send them"
            if stretches.count > 1 {
                template += ", the first of {4} such stretches"
                figures.append(.given(Double(stretches.count), .count, "intervals of services.\(service.name) with no serving instance"))
            }
            findings.append(Finding(.noServingInstance, subject: service.name, time: window.from, window: window, figures: figures, template: template + "."))
        }
        return findings
    }

    func instanceFindings() -> [Finding] {
        var findings: [Finding] = []
        findings += ejectionFindings()
        findings += noServingInstanceFindings()
        // One sentence per service that panicked, at its own first panic ("finder's balancer was
        // in panic mode 100% of the time" was a cause of a panic never told: only the first
        // service's was).
        let panics = events.filter { $0.kind == .panicStarted }
        for service in Self.subjectsInOrder(panics) {
            guard let panic = panics.first(where: { $0.subject == service }),
                  let window = window(from: panic.time, to: endSeconds) else { continue }
            findings.append(
                Finding(
                    .panicMode, subject: panic.subject, time: panic.time, window: window,
                    figures: [.clock(panic.time), figure(.mean(["services.\(panic.subject).panic"]), .share, over: window)],
                    template: "At {0}, \(panic.subject) fell below its panic threshold: its balancer sent work to every instance, ejected ones included, and it was in panic mode {1} of the time {window} (its count of healthy instances, which leaves the ejected out, can read zero meanwhile)."))
        }
        // Per service, counting restarts and the instances they hit apart: "health checks
        // restarted 6 instances" was told of a service of 4, two of them restarted twice.
        let restarts = events.filter { $0.kind == .instanceKilled && $0.detail.contains("health checks") }
        for service in Self.subjectsInOrder(restarts) {
            let mine = restarts.filter { $0.subject == service }
            guard let first = mine.first else { continue }
            // Each detail reads "instance K restarted after failing ...": a detail that names no
            // instance counts as one of its own.
            let named = mine.map { event -> String? in
                let words = event.detail.split(separator: " ", maxSplits: 2)
                return words.count >= 2 && words[0] == "instance" ? String(words[1]) : nil
            }
            let instances = Set(named.compactMap { $0 }).count + named.filter { $0 == nil }.count
            var figures: [StoryFigure] = [.clock(first.time), .given(Double(mine.count), .count, "events.instance_killed")]
            let template: String
            if instances == mine.count {
                template = "From {0}, health checks restarted {1} \(mine.count == 1 ? "instance" : "instances") of \(service), \(mine.count == 1 ? "which lost the work it held and served" : "each losing the work it held and serving") nothing until booted."
            } else {
                figures.append(.given(Double(instances), .count, "instances in events.instance_killed"))
                template = "From {0}, health checks restarted instances of \(service) {1} times, {2} different \(Format.noun(instances, "instance")) in all, each restart losing the work the instance held, which served nothing until booted."
            }
            findings.append(Finding(.healthCheckRestarts, subject: service, time: first.time, figures: figures, template: template))
        }
        // One sentence per autoscaler: "The autoscaler of api, db made 6 scaling decisions ...,
        // asking for 1 in the last" told db's last decision as api's.
        let scaled = events.filter { $0.kind == .scaled }
        for subjects in Self.subjectsInOrder(scaled) {
            let scalings = scaled.filter { $0.subject == subjects }
            guard let first = scalings.first, let last = scalings.last else { continue }
            // Each detail reads "... scaled from A to B instances ...".
            func target(_ event: RunEvent) -> Int? {
                let words = event.detail.split(separator: " ")
                return words.firstIndex(of: "to").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil }
            }
            var figures: [StoryFigure] = [.given(Double(scalings.count), .count, "events.scaled"), .clock(first.time)]
            var template: String
            if scalings.count == 1 {
                // One decision has one time: "between 40s and 40s" told it as a span.
                template = "The autoscaler of \(subjects) made {0} scaling decision, at {1}"
                if let final = target(last) {
                    figures.append(.given(Double(final), .count, "events.scaled.last"))
                    template += ", asking for {2} \(Format.noun(final, "instance"))"
                }
            } else {
                figures.append(.clock(last.time))
                template = "The autoscaler of \(subjects) made {0} scaling decisions between {1} and {2}"
                if let peak = scalings.compactMap(target).max(), let final = target(last) {
                    figures += [.given(Double(peak), .count, "events.scaled.peak"), .given(Double(final), .count, "events.scaled.last")]
                    template += ", asking for {3} \(Format.noun(peak, "instance")) at most and for {4} in the last"
                    // A scale-in below the last count is told too: an autoscaler that cut a
                    // service to one instance in a lull, the start of its trouble, read "asking for
                    // 11 instances at most and for 11 in the last". ("... scaled from A to B ...")
                    func source(_ event: RunEvent) -> Int? {
                        let words = event.detail.split(separator: " ")
                        return words.firstIndex(of: "from").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil }
                    }
                    let scaledIn = scalings.compactMap { e in source(e).flatMap { from in target(e).map { $0 < from ? $0 : nil } } ?? nil }
                    if let low = scaledIn.min(), low < final {
                        figures.append(.given(Double(low), .count, "events.scaled.fewest after a scale-in"))
                        template += ", having scaled in to as few as {5} on the way"
                    }
                }
            }
            findings.append(Finding(.scaling, subject: subjects, time: first.time, figures: figures, template: template + "."))
        }
        // Each breaker's openings are its own: "the circuit breaker of shop opened (7 times in
        // all)" counted the openings of every breaker under the first one's name.
        let openings = events.filter { $0.kind == .breakerOpened }
        if let first = openings.first {
            let own = openings.filter { $0.subject == first.subject }.count
            let others = openings.filter { $0.subject != first.subject }
            var figures: [StoryFigure] = [.clock(first.time), .given(Double(own), .count, "events.breaker_opened")]
            var template = "At {0}, the circuit breaker of \(first.subject) opened ({1} \(Format.noun(own, "time")) in all), rejecting attempts without sending them"
            if !others.isEmpty {
                var names: [String] = []
                for event in others where !names.contains(event.subject) { names.append(event.subject) }
                figures.append(.given(Double(others.count), .count, "events.breaker_opened (other breakers)"))
                template += names.count == 1
                    ? "; the breaker of \(names[0]) opened too ({2} \(Format.noun(others.count, "time")))"
                    : "; the breakers of \(names.joined(separator: ", ")) opened too ({2} \(Format.noun(others.count, "time")) together)"
            }
            findings.append(Finding(.breakerOpened, subject: first.subject, time: first.time, figures: figures, template: template + "."))
        }
        return findings
    }

    /// How busy [share of capacity] a service must have been in the interval of its first
    /// health-check ejection for the story to say its instances were too busy to answer probes.
    static let busyProbeUtilization = 0.9

    /// Ejections, by what ejected: health checks (an instance failed its probes in a row) and
    /// outlier detection (it failed requests in a row). The cause of failed probes is named
    /// only when the numbers show it: the service at least ``busyProbeUtilization`` busy in the
    /// interval of the first ejection, with no outage or pause of it in effect then. A probe also
    /// fails against an instance that is down or paused, and outlier detection ejects on errors:
    /// "health checks began ejecting instances that were too busy to answer their probes" was told
    /// of every ejection.
    func ejectionFindings() -> [Finding] {
        var findings: [Finding] = []
        let ejections = events.filter { $0.kind == .instanceEjected }
        let byOutliers = ejections.filter { $0.detail.contains("outlier detection") }
        let byChecks = ejections.filter { !$0.detail.contains("outlier detection") }
        // One sentence per service, at its own first ejection: "health checks began ejecting
        // instances of finder, front" dated both to front's first, two minutes before finder's,
        // from another client's spike, with front's busy share as the evidence for both.
        for service in Self.subjectsInOrder(byChecks) {
            let mine = byChecks.filter { $0.subject == service }
            guard let first = mine.first else { continue }
            var figures: [StoryFigure] = [.clock(first.time), .given(Double(mine.count), .count, "events.instance_ejected")]
            var window: StoryWindow?
            var template = "At {0}, health checks began ejecting instances of \(service) that failed their probes: {1} \(Format.noun(mine.count, "ejection")) in all."
            if let i = ends.indices.first(where: { begins[$0] < first.time - 1e-9 && first.time <= ends[$0] + 1e-9 }) {
                let interval = StoryWindow(from: begins[i], to: ends[i], toEnd: i == ends.count - 1)
                let busy = figure(.mean(["services.\(service).utilization"]), .share, over: interval)
                if busy.value >= Self.busyProbeUtilization, !isDownOrPaused(service, at: first.time) {
                    figures.append(busy)
                    window = interval
                    template = "At {0}, health checks began ejecting instances of \(service) that were too busy to answer their probes in time (\(service) was {2} busy {window}): {1} \(Format.noun(mine.count, "ejection")) in all."
                }
            }
            findings.append(Finding(.ejections, subject: service, time: first.time, window: window, figures: figures, template: template))
        }
        for service in Self.subjectsInOrder(byOutliers) {
            let mine = byOutliers.filter { $0.subject == service }
            guard let first = mine.first else { continue }
            findings.append(
                Finding(
                    .ejections, subject: service, time: first.time,
                    figures: [.clock(first.time), .given(Double(mine.count), .count, "events.instance_ejected (outlier detection)")],
                    template: "At {0}, outlier detection began ejecting instances of \(service) that failed requests several times in a row: {1} \(Format.noun(mine.count, "ejection")) in all."))
        }
        return findings
    }

    /// The events' subjects, each once, in the order of their first event.
    static func subjectsInOrder(_ events: [RunEvent]) -> [String] { uniqueInOrder(events.map(\.subject)) }

    /// `names`, each once, in the order of its first appearance.
    static func uniqueInOrder(_ names: [String]) -> [String] {
        var seen: Set<String> = []
        return names.filter { seen.insert($0).inserted }
    }

    /// Whether an outage or a pause of `service` is in effect at `time`.
    func isDownOrPaused(_ service: String, at time: Double) -> Bool {
        spec.timeline.contains { event in
            guard event.enabled else { return false }
            switch event.action {
            case .outage(let name, _), .pause(let name, _):
                return name == service && event.at.seconds <= time + 1e-9 && time <= analysis.effectEnd(of: event, in: spec).seconds + 1e-9
            default:
                return false
            }
        }
    }

    // MARK: - Caches

    /// A cache whose hit ratio fell well below its baseline after the first fault: when it went
    /// cold, and its lowest interval.
    func coldCacheFindings() -> [Finding] {
        guard let fault = firstFault, let baseline = baselineWindow else { return [] }
        var findings: [Finding] = []
        for service in spec.services where service.cache != nil {
            let hitsName = "services.\(service.name).cache_hits", missesName = "services.\(service.name).cache_misses"
            let ratio = StoryMeasure.quotient(.total([hitsName]), .total([hitsName, missesName]))
            let hits = values([hitsName]), lookups = values([hitsName, missesName])
            guard evaluate(.total([hitsName, missesName]), over: baseline) > 0 else { continue }
            let usual = evaluate(ratio, over: baseline)
            // Judged over blocks of consecutive intervals holding at least coldCacheLookups
            // lookups, as health is judged over windows of 100 requests: at 2 requests/s an
            // interval held one lookup, and one miss read "its hit ratio fell from 90.6% to 0%",
            // as single misses had before the fault too.
            var blocks: [(first: Int, last: Int, hits: Double, lookups: Double)] = []
            var open: (first: Int, last: Int, hits: Double, lookups: Double)?
            for i in ends.indices where ends[i] > fault + 1e-9 && lookups[i] > 0 {
                var block = open ?? (i, i, 0, 0)
                block.last = i
                block.hits += hits[i]
                block.lookups += lookups[i]
                if block.lookups >= Self.coldCacheLookups {
                    blocks.append(block)
                    open = nil
                } else {
                    open = block
                }
            }
            let cold = blocks.filter { $0.hits / $0.lookups < usual - Self.coldCacheDrop }
            guard let onset = cold.first, let worst = cold.min(by: { $0.hits / $0.lookups < $1.hits / $1.lookups }) else { continue }
            let worstWindow = StoryWindow(from: begins[worst.first], to: ends[worst.last], toEnd: worst.last == ends.count - 1)
            // The interval it went cold in may have begun before the fault: never told before it.
            let wentCold = max(begins[onset.first], fault)
            findings.append(
                Finding(
                    .coldCache, subject: service.name, time: wentCold, window: worstWindow,
                    figures: [.clock(wentCold), figure(.over(ratio, baseline), .share, over: worstWindow), figure(ratio, .share, over: worstWindow)],
                    template: "At {0}, the cache of \(service.name) went cold: its hit ratio fell from {1} before \(firstFaultName) to {2} at its lowest, {window}\(service.calls.isEmpty ? "" : ", sending the misses on to its calls")."))
        }
        return findings
    }
}

extension TimelineAction {
    /// The client or service an event acts on.
    var subject: String {
        switch self {
        case .loadSpike(let name, _): return name
        case .latency(let name, _), .errors(let name, _), .outage(let name, _), .kill(let name, _),
             .cacheFlush(let name), .pause(let name, _), .scale(let name, _), .deploy(let name, _, _):
            return name
        case .set(let change): return change.path
        }
    }
}
