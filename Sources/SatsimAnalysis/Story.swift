import SatsimMetrics
import SatsimModel

/// The story of a run: what happened, in order, in plain sentences derived from its data.
///
/// Each sentence is built from figures of the time series and the summary; none is canned. The
/// sentences follow DESIGN.md's order: the baseline, the trigger, the first timeouts, retries
/// crossing a share of traffic, the trigger's end, and whether and when the system came back,
/// with what sustained the failure when it did not.
public struct Story: Sendable, Hashable {
    public var sentences: [String]

    /// Share of attempts that must time out in one interval before the story mentions it.
    public static let timeoutShare = 0.01
    /// Share of attempts that are retries before the story says retries took over.
    public static let retryShare = 0.25

    public init(result: SimulationResult, spec: ScenarioSpec, analysis: RunAnalysis) {
        var lines: [String] = []
        let series = result.timeSeries
        let times = series.column("time") ?? []
        let warmup = spec.warmup.seconds
        let verdict = analysis.verdict
        let firstFault = analysis.faults.map(\.start).min()
        let lastFaultEnd = analysis.faults.map(\.end).max()

        func sum(_ suffix: String, clients: Bool = true) -> [Double] {
            var total = [Double](repeating: 0, count: times.count)
            let names = clients ? spec.clients.map { "clients.\($0.name).\(suffix)" } : spec.services.map { "services.\($0.name).\(suffix)" }
            for name in names {
                if let column = series.column(name) { for i in total.indices { total[i] += column[i] } }
            }
            return total
        }
        let attempts = sum("attempts"), retries = sum("retries"), timeouts = sum("timeouts")
        let requests = sum("requests"), successes = sum("successes"), errors = sum("errors")
        // Interval i covers (begin(i), times[i]]; the last may be cut short by the end of the run.
        func begin(_ i: Int) -> Double { i == 0 ? 0 : times[i - 1] }
        func seconds(_ intervals: [Int]) -> Double { intervals.reduce(0) { $0 + times[$1] - begin($1) } }
        // The first interval that starts once warmup is over, as the verdict counts them.
        let start = times.indices.first { begin($0) >= warmup - 1e-9 } ?? times.count

        // Baseline.
        let baselineEnd = firstFault ?? (times.last ?? 0)
        let before = (start..<times.count).filter { times[$0] <= baselineEnd + 1e-9 }
        if !before.isEmpty {
            let offered = before.reduce(0) { $0 + requests[$1] } / seconds(before)
            var sentence = (firstFault == nil ? "After warmup" : "Before the first fault") + ", clients offered \(Format.rate(offered)) requests/s"
            sentence += " and \(Format.rate(verdict.baselineGoodput)) succeeded per second"
            let busiest = result.services.max { $0.utilization < $1.utilization }
            if let busiest, firstFault == nil {
                sentence += "; \(busiest.name) was \(Format.percent(busiest.utilization)) busy"
            }
            lines.append(sentence + ".")
        }

        // The trigger(s): only those the run reached. A run stopped at a limit never simulated
        // the events after its stop, so they are counted, not told as if they happened.
        let stoppedAt = result.endSeconds
        let reached = spec.timeline.filter { $0.enabled && $0.at.seconds <= stoppedAt + 1e-9 }
        for event in reached {
            lines.append(Self.describe(event))
        }
        if result.limitHit != nil {
            let unreached = spec.timeline.filter(\.enabled).count - reached.count
            var sentence = "The run stopped at \(Format.clock(stoppedAt)), at a limit"
            if unreached > 0 {
                sentence += "; \(unreached) later timeline event\(unreached == 1 ? " was" : "s were") never simulated"
            }
            lines.append(sentence + ".")
        }

        // First timeouts and retries taking over, after the first fault (or after warmup).
        let watchFrom = times.firstIndex { $0 > (firstFault ?? warmup) + 1e-9 } ?? times.count
        // Timeouts are counted when they fire, so they are compared with the attempts that ended
        // in the same interval (answered or timed out), not with those sent in it: after a burst
        // the timeouts of earlier attempts can outnumber the new ones.
        let ended = times.indices.map { successes[$0] + errors[$0] + timeouts[$0] }
        if let i = (watchFrom..<times.count).first(where: { ended[$0] > 0 && timeouts[$0] / ended[$0] >= Self.timeoutShare }) {
            lines.append(
                "At \(Format.clock(begin(i))), attempts began to time out: \(Format.percent(timeouts[i] / ended[i])) of the attempts that ended in that interval got no answer in time.")
        }
        if let i = (watchFrom..<times.count).first(where: { attempts[$0] > 0 && retries[$0] / attempts[$0] >= Self.retryShare }) {
            lines.append(
                "By \(Format.clock(times[i])), retries made up \(Format.percent(retries[i] / attempts[i])) of the attempts sent: \(Format.rate(attempts[i] / (times[i] - begin(i)))) attempts/s for \(Format.rate(requests[i] / (times[i] - begin(i)))) new requests/s.")
        }
        lines += Self.instanceSentences(result.events)
        // Caches: the worst hit ratio after the first fault against the one before it.
        for service in spec.services where service.cache != nil {
            let hits = series.column("services.\(service.name).cache_hits") ?? []
            let misses = series.column("services.\(service.name).cache_misses") ?? []
            func ratio(_ i: Int) -> Double? { hits[i] + misses[i] > 0 ? hits[i] / (hits[i] + misses[i]) : nil }
            let beforeRatios = before.compactMap(ratio)
            guard let fault = firstFault, !beforeRatios.isEmpty else { continue }
            let usual = beforeRatios.reduce(0, +) / Double(beforeRatios.count)
            let after = (0..<times.count).filter { times[$0] > fault + 1e-9 }
            guard let worst = after.min(by: { (ratio($0) ?? 1) < (ratio($1) ?? 1) }), let low = ratio(worst), low < usual - 0.1
            else { continue }
            lines.append(
                "The cache of \(service.name) went cold: its hit ratio fell from \(Format.percent(usual)) to \(Format.percent(low)) at \(Format.clock(begin(worst))), sending the misses on to its calls.")
        }
        if let end = lastFaultEnd, end <= stoppedAt + 1e-9, spec.timeline.contains(where: { $0.enabled && $0.duration != nil }) {
            lines.append("The last fault ended at \(Format.clock(end)).")
        }

        // The ending.
        switch verdict.outcome {
        case .stable:
            lines.append("Every window of at least \(verdict.thresholds.minimumWindowRequests) requests stayed healthy (\(Self.healthBounds(verdict))): the system stayed stable.")
        case .recovered:
            if let recovery = verdict.recoveryTime {
                let when = recovery > 0 ? "\(Format.duration(recovery)) after the last fault ended" : "By the time the last fault ended"
                lines.append("\(when), the system was healthy again (\(Self.healthBounds(verdict))) and stayed so: it recovered.")
            }
        case .degraded where analysis.faults.isEmpty:
            let bad = analysis.windows.filter { !$0.isHealthy }.count
            lines.append(
                "With no fault at all, \(bad) of \(analysis.windows.count) windows of at least \(verdict.thresholds.minimumWindowRequests) requests were unhealthy (\(Self.healthBounds(verdict)) is healthy): the system runs too close to its limit and degrades on its own.")
        case .metastable, .degraded:
            let from = (lastFaultEnd ?? warmup) + verdict.thresholds.recoveryWindow
            let late = (0..<times.count).filter { begin($0) >= from - 1e-9 }
            let span = seconds(late)
            if span > 0 {
                let goodput = late.reduce(0) { $0 + successes[$1] } / span
                let offered = late.reduce(0) { $0 + requests[$1] } / span
                let sent = late.reduce(0) { $0 + attempts[$1] } / span
                var sentence = "It did not come back: from \(Format.clock(from)) to the end, goodput averaged \(Format.rate(goodput))/s (\(Format.percent(verdict.baselineGoodput > 0 ? goodput / verdict.baselineGoodput : 0)) of baseline)"
                sentence += " while clients offered \(Format.rate(offered)) requests/s"
                if verdict.outcome == .metastable { sentence += ", as before the trigger" }
                sentence += "."
                lines.append(sentence)
                var causes: [String] = []
                if offered > 0, sent / offered >= 1.5 {
                    causes.append("each request made \(Format.ratio(sent / offered)) attempts on average (retry amplification)")
                }
                // Over the same late window as the figures above, not the whole run.
                let completed = sum("completions", clients: false), wastedWork = sum("wasted", clients: false)
                let completions = late.reduce(0) { $0 + completed[$1] }
                let wasted = late.reduce(0) { $0 + wastedWork[$1] }
                if completions > 0, wasted / completions >= 0.1 {
                    causes.append("\(Format.percent(wasted / completions)) of the work servers finished went to callers who had already given up (wasted work)")
                }
                if !causes.isEmpty {
                    lines.append("What sustained it: " + causes.joined(separator: ", and ") + ".")
                }
            }
            if verdict.outcome == .metastable {
                lines.append("The trigger was gone, but a feedback loop held the overload: a metastable failure.")
            } else {
                lines.append("The system degraded and did not recover within the run.")
            }
        case .overloaded:
            if let bound = verdict.thresholds.latencyP99, let base = verdict.baselineLatencyP99, base > bound {
                lines.append("Even before any fault, the p99 latency was \(Format.latency(base)), above the SLO's \(Format.latency(bound)): the design cannot carry its baseline load within its objective.")
            } else {
                lines.append("Even before any fault, fewer than \(Format.percent(verdict.thresholds.successRatio)) of requests succeeded: the design cannot carry its baseline load.")
            }
        case .oscillating:
            lines.append("The number of serving instances kept changing direction under constant load: it oscillated.")
        }
        sentences = lines
    }

    /// The bounds of a healthy window as applied: "at least 90% succeeded, p99 at most 1.2s".
    static func healthBounds(_ verdict: OutcomeVerdict) -> String {
        var text = "at least \(Format.percent(verdict.thresholds.successRatio)) succeeded"
        if let bound = verdict.latencyBound { text += ", p99 at most \(Format.latency(bound))" }
        return text
    }

    /// Sentences about health checks and breakers, from the run's events.
    static func instanceSentences(_ events: [RunEvent]) -> [String] {
        var lines: [String] = []
        let ejections = events.filter { $0.kind == .instanceEjected }
        if let first = ejections.first {
            let services = Set(ejections.map(\.subject)).sorted().joined(separator: ", ")
            lines.append(
                "At \(Format.clock(first.time)), health checks began ejecting instances of \(services) that were too busy to answer their probes: \(ejections.count) ejection(s) in all.")
        }
        if let panic = events.first(where: { $0.kind == .panicStarted }) {
            lines.append("At \(Format.clock(panic.time)), \(panic.subject) fell below its panic threshold: the balancer used every instance, healthy or not.")
        }
        let restarts = events.filter { $0.kind == .instanceKilled && $0.detail.contains("health checks") }
        if let first = restarts.first {
            lines.append(
                "From \(Format.clock(first.time)), health checks restarted \(restarts.count) instance(s), each losing the work it held and serving nothing until booted.")
        }
        let scalings = events.filter { $0.kind == .scaled }
        if let first = scalings.first, let last = scalings.last {
            let subjects = Set(scalings.map(\.subject)).sorted().joined(separator: ", ")
            // Each detail reads "... scaled from A to B instances ...".
            let targets = scalings.compactMap { event -> Int? in
                let words = event.detail.split(separator: " ")
                return words.firstIndex(of: "to").flatMap { $0 + 1 < words.count ? Int(words[$0 + 1]) : nil }
            }
            let peak = targets.max().map { ", peaking at \($0) instances" } ?? ""
            lines.append(
                "The autoscaler of \(subjects) made \(scalings.count) scaling decision(s) between \(Format.clock(first.time)) and \(Format.clock(last.time))\(peak); the last: \(last.detail).")
        }
        let openings = events.filter { $0.kind == .breakerOpened }
        if let first = openings.first {
            lines.append("At \(Format.clock(first.time)), the circuit breaker of \(first.subject) opened (\(openings.count) time(s) in all), rejecting attempts without sending them.")
        }
        return lines
    }

    static func describe(_ event: TimelineEventSpec) -> String {
        let at = Format.clock(event.at.seconds)
        let window = event.duration.map { " for \(Format.duration($0.seconds))" } ?? ""
        switch event.action {
        case .loadSpike(let client, let factor):
            return "At \(at), a load spike multiplied the load of \(client) by \(Format.ratio(factor))\(window)."
        case .latency(let service, let add):
            let delay: String
            if case .constant(let value) = add {
                delay = Format.duration(value)
            } else if !add.mean.isFinite, case .pareto(let scale, _) = add {
                // A Pareto tail with shape <= 1 has no mean: say what it has, a minimum.
                delay = "a pareto delay of at least \(Format.duration(scale)), with no finite mean"
            } else {
                delay = "a \(add.name) delay averaging \(Format.duration(add.mean))"
            }
            return "At \(at), \(service) became slower by \(delay) per request\(Self.scope(of: event))\(window)."
        case .errors(let service, let ratio):
            return "At \(at), \(service) started failing \(Format.percent(ratio)) of requests\(Self.scope(of: event))\(window)."
        case .outage(let service, let mode):
            return "At \(at), \(service) went down (\(mode.rawValue))\(window)."
        case .kill(let service, let count):
            return "At \(at), \(count) instance(s) of \(service) were killed."
        case .cacheFlush(let service):
            return "At \(at), the cache of \(service) was flushed."
        case .pause(let service, let count):
            return "At \(at), \(count) instance(s) of \(service) paused\(window)."
        case .scale(let service, let to):
            return "At \(at), an operator scaled \(service) to \(to) instances."
        case .deploy(let service, let batch, let every):
            return "At \(at), a rolling deploy of \(service) began, \(batch) at a time every \(Format.duration(every.seconds))."
        case .set(let change):
            return "At \(at), \(change.path) was set to \(change.value)\(window)\(event.duration == nil ? "" : ", then set back")."
        }
    }
}

/// Number formats for sentences.
enum Format {
    static func clock(_ seconds: Double) -> String {
        // Int(_:) traps on infinity, NaN and anything beyond Int: never let a figure reach it.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return seconds.isNaN ? "an unknown time" : "never" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60)
        if h > 0 { return "\(h)h\(pad(m))m\(pad(s))s" }
        if m > 0 { return "\(m)m\(pad(s))s" }
        return "\(s)s"
    }

    static func duration(_ seconds: Double) -> String {
        if seconds.isFinite, seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        return clock(seconds)
    }

    /// A latency to three significant digits at most: `180ms`, `2.35s`, `17.2s` (never rounded
    /// to whole seconds, which would turn a 1.5 s bound into "2s").
    static func latency(_ seconds: Double) -> String {
        if seconds < 1 { return fixed(seconds * 1000, seconds < 0.01 ? 1 : 0) + "ms" }
        return fixed(seconds, seconds < 10 ? 2 : 1) + "s"
    }

    static func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }

    static func rate(_ x: Double) -> String {
        if x >= 100 { return fixed(x, 0) }
        if x >= 10 { return fixed(x, 1) }
        return fixed(x, 2)
    }

    static func ratio(_ x: Double) -> String {
        x == x.rounded() ? fixed(x, 0) : fixed(x, 1)
    }

    static func percent(_ x: Double) -> String {
        let p = x * 100
        if p >= 99.95 || p == p.rounded() { return fixed(p, 0) + "%" }
        return fixed(p, 1) + "%"
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        FixedDecimal.format(x, decimals: decimals)
    }
}
