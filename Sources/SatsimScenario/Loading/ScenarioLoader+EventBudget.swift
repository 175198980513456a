import Foundation
import SatsimCore
import SatsimModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension ScenarioLoader {
    /// A diagnostic when `spec` certainly needs more counted events than `budget`
    /// (``EventFloor``), located at the value of the source that needs the most, with the value
    /// that would fit; nil otherwise. The run would only stop at the budget, after minutes of
    /// simulating (10^9 requests/s: 100 s), so the file is refused before it starts.
    /// - Parameter duration: where the run's duration came from when not from the file's own
    ///   `duration` (``durationOrigin(overrides:variant:spec:original:)``): the diagnostic stays at
    ///   the key that needs the most events, where a fix goes, but says so, since `--set
    ///   duration=10h` made a file that fits refused "at the rate" with no word of the --set.
    static func checkEventBudget(_ spec: ScenarioSpec, budget: Int, positions: PositionIndex, duration origin: String? = nil) -> Diagnostic? {
        let sources = EventFloor.sources(of: spec)
        let total = sources.reduce(0) { $0 + $1.events }
        guard let top = sources.first, total > Double(budget) else { return nil }
        let others = total - top.events
        let room = Double(budget) - others
        let isRate = top.path.hasSuffix(".arrival.rate")
        var found: String
        var fits: String?
        let span = top.seconds >= spec.duration.seconds
            ? "over the run's \(spec.duration.shortText)" + (origin.map { " (\($0))" } ?? "")
            : "in the first \(SimTime(seconds: top.seconds).shortText), before the timeline may change it"
        let timelineIndex = top.path.hasPrefix("timeline.") ? Int(top.path.split(separator: ".")[1]) : nil
        if let index = timelineIndex, case .set(let setting) = spec.timeline[index].action {
            // A `set` of a pacing key (``EventFloor/setSources(of:)``): counted from its `at`.
            found = "found \(Diagnostic.shown(setting.value)), which puts \(setting.path) in force at \(SimTime(seconds: top.from).shortText) "
                + "and makes \(Self.atLeast(top.events)) \(top.what) in the \(SimTime(seconds: top.seconds).shortText) counted after it"
            fits = Self.fittingSet(spec.timeline[index], source: top, room: room)
        } else if let index = timelineIndex, case .loadSpike(let client, let factor) = spec.timeline[index].action {
            found = "found \(Self.number(factor)), which takes client '\(Diagnostic.shown(client))' to \(top.perSecond.isFinite ? Self.number(top.perSecond.rounded(.down)) : "a rate past 10^308")/s "
                + "for \(SimTime(seconds: top.seconds).shortText) and sends \(Self.atLeast(top.events)) requests then"
            if let fitting = Self.fittingFactor(spec, spike: index, budget: Double(budget)) { fits = "a factor <= \(Self.number(fitting))" }
        } else if isRate {
            found = "found \(Self.number(top.perSecond))/s, which sends \(Self.atLeast(top.events)) requests \(span)"
            let constant = spec.clients.contains {
                if case .constant = $0.arrival { return top.path == "clients.\($0.name).arrival.rate" } else { return false }
            }
            if room >= 1 { fits = Self.fittingRate(room: room, seconds: top.seconds, constant: constant).map { "a rate <= \($0)" } }
        } else {
            let interval = spec.services.first { top.path.hasPrefix("services.\($0.name).") }.flatMap { service -> SimTime? in
                if top.path.hasSuffix(".health_check.interval") { return service.healthCheck?.interval }
                if top.path.hasSuffix(".autoscaler.interval") { return service.autoscaler?.interval }
                return service.outlierDetection?.interval
            } ?? .zero
            found = "found \(interval.shortText), which makes \(Self.atLeast(top.events)) \(top.what) \(span)"
            if room >= 1, let needed = Self.fittingInterval(room: room, seconds: top.seconds, copies: top.copies, stretch: top.stretch) {
                fits = "an interval >= \(needed.shortText)"
            }
        }
        if sources.count > 1 { found += " (\(Self.count(total)) counted events in all)" }
        let shorter = top.path.hasSuffix(".value") ? "a later at, or a for that ends the set sooner"
            : top.path.hasPrefix("timeline.") ? "a shorter window" : "a shorter duration"
        let expected = (fits.map { "expected \($0), or \(shorter)" } ?? "expected \(shorter) or fewer sources of events")
        return Diagnostic(
            at: positions.value(top.path), path: top.path,
            "\(found), more than the event budget of \(budget) counted events, so the run could not reach its end; "
                + "\(expected); or give --max-events to run it anyway until that budget stops it")
    }

    /// The value a timeline `set` of a pacing key may have for its source (``EventFloor/setSources(of:)``)
    /// to fit in `room` counted events, in words ("a rate <= 556018/s", "an interval >= 7.193us");
    /// nil when none does.
    static func fittingSet(_ event: TimelineEventSpec, source: EventFloor.Source, room: Double) -> String? {
        guard room >= 1, case .set(let setting) = event.action else { return nil }
        if setting.path.hasSuffix(".arrival.rate") {
            let constant = event.resolved?.atStart.clients.contains {
                if case .constant = $0.arrival { return setting.path == "clients.\($0.name).arrival.rate" } else { return false }
            } ?? false
            return Self.fittingRate(room: room, seconds: source.seconds, constant: constant).map { "a rate <= \($0)" }
        }
        return Self.fittingInterval(room: room, seconds: source.seconds, copies: source.copies, stretch: source.stretch)
            .map { "an interval >= \($0.shortText)" }
    }

    /// Where the run's duration came from, in words, when an override (`--set duration=...`, the
    /// last one wins) or the chosen variant set it rather than the file's top-level `duration`;
    /// nil when the file's own value holds.
    static func durationOrigin(overrides: [ScalarOverride], variant: String?, spec: ScenarioSpec, original: YAMLNode) -> String? {
        let file = original["duration"]?.scalar.map { "the file's duration is \(Diagnostic.shown($0))" } ?? "the file gives no duration"
        if let set = overrides.last(where: { $0.path == "duration" }) {
            return "a duration given by --set duration=\(Diagnostic.shown(set.value)); \(file)"
        }
        if let variant, let own = spec.variants.first(where: { $0.name == variant })?.overrides.last(where: { $0.path == "duration" }) {
            return "a duration given by variant '\(Diagnostic.shown(variant))', duration: \(Diagnostic.shown(own.value)); \(file)"
        }
        return nil
    }

    /// `satsim validate`'s check of each variant against the event budget, as `compare` and
    /// `run --variant` load it: a variant that sets a long duration or a high rate was passed by
    /// `validate` (which loads the base) and refused by `compare`. A diagnostic at a key the
    /// variant does not set is located at the variant's name, the cause, with the key named.
    /// Call it on a file whose base loads; nil budget checks nothing.
    public static func variantBudgetProblems(file: String, budget: Int) throws(ScenarioError) -> [Diagnostic] {
        let tree = try readTree(text: readText(file), file: file)
        let (base, positions) = try decodeAndValidate(tree.root, file: file)
        var problems: [Diagnostic] = []
        for variant in base.variants {
            do throws(ScenarioError) {
                _ = try parse(tree: tree, variant: variant.name, checkingAlternatives: false, eventBudget: budget)
            } catch {
                for var diagnostic in error.diagnostics {
                    let own = variant.overrides.contains { $0.path == diagnostic.path }
                    if !own, diagnostic.file == file {
                        let at = positions.key("variants.\(variant.name)")
                        diagnostic.message += "; \(diagnostic.path) is written at line \(diagnostic.line)"
                        (diagnostic.line, diagnostic.column) = (at.line, at.column)
                    }
                    diagnostic.message += " (with variant '\(Diagnostic.shown(variant.name))')"
                    problems.append(diagnostic)
                }
            }
        }
        return sorted(problems)
    }

    /// The largest factor, to four significant digits, that load spike `index` may have for the
    /// file's counted events (``EventFloor/spikedRequests(_:client:rate:seconds:count:)``) to fit
    /// in `budget`, the rest of the file unchanged (an overlapping spike keeps its factor); nil
    /// when not even 1 fits.
    static func fittingFactor(_ spec: ScenarioSpec, spike index: Int, budget room: Double) -> Double? {
        guard case .loadSpike(let client, let factor) = spec.timeline[index].action else { return nil }
        func events(_ f: Double) -> Double {
            var changed = spec
            changed.timeline[index].action = .loadSpike(client: client, factor: f)
            return EventFloor.events(of: changed)
        }
        guard events(1) <= room else { return nil }
        // Bisection in logarithms between 1 (fits) and the factor written (does not).
        var (low, high) = (0.0, log(factor))
        for _ in 0..<100 where high - low > 1e-12 {
            let middle = (low + high) / 2
            if events(exp(middle)) <= room { low = middle } else { high = middle }
        }
        // Four significant digits, rounded down, and checked: rounding must not pass the room.
        var fitting = exp(low)
        let digits = log10(fitting).rounded(.down)
        if digits >= 3 {
            let unit = pow(10, digits - 3)
            fitting = (fitting / unit).rounded(.down) * unit
        } else {
            let scale = pow(10, 3 - digits)
            fitting = (fitting * scale).rounded(.down) / scale
        }
        fitting = max(1, fitting)
        return events(fitting) <= room ? fitting : 1
    }

    /// The largest rate, as a scenario writes it (per second, else per minute or hour), whose
    /// requests over `seconds` certainly fit in `room` counted events (``EventFloor``); nil when
    /// not even one an hour does.
    static func fittingRate(room: Double, seconds: Double, constant: Bool) -> String? {
        var perSecond = (room / seconds).rounded(.down)
        if constant, perSecond >= 1 {
            // A constant rate runs at a gap of whole nanoseconds, which a rate's rounding may make
            // shorter than 1/rate: the shortest gap that fits, then a rate that keeps it.
            let gap = (seconds * 1e9 / (room + 2)).rounded(.down) + 1
            perSecond = min(perSecond, (1e9 / (gap - 0.5)).rounded(.down))
            while perSecond >= 1, EventFloor.constantRequests(rate: perSecond, seconds: seconds) > room { perSecond -= 1 }
        }
        if perSecond >= 1 { return "\(Self.number(perSecond))/s" }
        // Below one a second (the others leave little room): per minute or hour, rounded down,
        // which only lowers the count.
        for (unit, scale) in [("m", 60.0), ("h", 3600.0)] {
            let value = (room / seconds * scale).rounded(.down)
            if value >= 1 { return "\(Self.number(value))/\(unit)" }
        }
        return nil
    }

    /// The shortest interval whose rounds over `seconds` certainly fit in `room` counted events
    /// (``EventFloor/rounds(every:stretch:copies:seconds:)``), to the nanosecond; nil past the
    /// longest time.
    static func fittingInterval(room: Double, seconds: Double, copies: Double, stretch: Double) -> SimTime? {
        // copies x (floor(seconds / period) - 1) <= room once seconds / period < rounds + 2.
        let rounds = (room / copies).rounded(.down)
        var ns = (seconds * 1e9 / ((rounds + 2) * (1 + stretch))).rounded(.down) + 1
        guard ns < 9e18 else { return nil }
        while EventFloor.rounds(every: SimTime(nanoseconds: Int64(ns)), stretch: stretch, copies: copies, seconds: seconds) > room {
            ns += 1
        }
        return SimTime(nanoseconds: Int64(ns))
    }

    /// A lower bound in plain digits, rounded down (``Diagnostic/count(_:rounding:)``).
    static func count(_ x: Double) -> String { Diagnostic.count(x, rounding: .down) }

    /// "at least N" for a lower bound, or "more than 10^15" (never "at least more than").
    static func atLeast(_ x: Double) -> String { x < 1e15 ? "at least " + count(x) : count(x) }

    /// A rate as written: whole numbers without a decimal point.
    /// A number as a file writes it, never with an exponent (the format refuses one, so a
    /// message showing `1e+18/s` quoted a form the user cannot write): whole numbers in full
    /// (2^64 - 1 as the double nearest it, 18446744073709551616), others in their shortest form.
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "\(x)" }
        if x == x.rounded() && abs(x) < 1e15 { return String(Int64(x)) }
        // %.0f prints a whole double's exact decimal expansion.
        if x == x.rounded() && abs(x) < 1e300 { return String(format: "%.0f", x) }
        return "\(x)"
    }
}

extension ScenarioLoader {
    /// The event budget for `satsim chaos`: a combination adds its faults to the timeline, and
    /// a load spike among them multiplies its client's rate (``EventFloor``). A candidate spike of
    /// 10^9 passed the file's check (chaos faults are not in the base run) and every combination
    /// with it simulated until the budget stopped it. Checked: each spike alone, then the
    /// `together` largest spikes together (combinations the search certainly runs); the first
    /// combination past `budget` is told at its largest factor (`chaos.faults.K.factor`), with
    /// the counted events it needs. Returns the fault's index and the message, nil when all fit.
    public static func chaosEventBudgetProblem(_ spec: ScenarioSpec, budget: Int, together: Int) -> (fault: Int, message: String)? {
        guard let chaos = spec.chaos, together >= 1 else { return nil }
        func factor(_ k: Int) -> Double? {
            guard chaos.faults[k].event.enabled, case .loadSpike(_, let f) = chaos.faults[k].event.action, f >= 1 else { return nil }
            return f
        }
        let spikes = chaos.faults.indices.filter { factor($0) != nil }
        let largest = spikes.sorted { (factor($0) ?? 0, -$0) > (factor($1) ?? 0, -$1) }
        var subsets = spikes.map { [$0] }
        if together > 1, spikes.count > 1 { subsets.append(Array(largest.prefix(together)).sorted()) }
        // A `set` fault of a pacing key, alone: its combination runs whatever max_together is.
        for k in chaos.faults.indices {
            guard chaos.faults[k].event.enabled, case .set(let setting) = chaos.faults[k].event.action,
                  let settings = chaos.resolvedSettings[[k]] else { continue }
            var run = spec
            run.chaos = nil
            run.timeline.append(chaos.faults[k].scheduled(after: chaos.at))
            guard settings.count == run.timeline.count else { continue }
            for i in run.timeline.indices { run.timeline[i].resolved = settings[i] }
            let sources = EventFloor.sources(of: run)
            let total = sources.reduce(0) { $0 + $1.events }
            guard total > Double(budget),
                  let own = sources.first(where: { $0.path == "timeline.\(run.timeline.count - 1).value" }) else { continue }
            let fits = fittingSet(run.timeline[run.timeline.count - 1], source: own, room: Double(budget) - (total - own.events))
            return (k, "found \(Diagnostic.shown(setting.value)), with which a chaos run of this fault alone puts \(setting.path) in force at "
                + "\(SimTime(seconds: own.from).shortText) and makes \(Self.atLeast(own.events)) \(own.what) in the "
                + "\(SimTime(seconds: own.seconds).shortText) counted after it (\(Self.count(total)) counted events in all), "
                + "more than the event budget of \(budget) counted events, so the run could not reach its end; "
                + "expected \(fits.map { "\($0), or " } ?? "")a `for` that ends the set sooner; "
                + "or give --max-events to run it anyway until that budget stops it")
        }
        for subset in subsets {
            var run = spec
            run.chaos = nil
            run.timeline += subset.map { chaos.faults[$0].scheduled(after: chaos.at) }
            let total = EventFloor.events(of: run)
            guard total > Double(budget), let fault = subset.max(by: { (factor($0) ?? 0, -$0) < (factor($1) ?? 0, -$1) }),
                  let f = factor(fault) else { continue }
            let which = subset.count == 1
                ? "a chaos run of this fault alone"
                : "a chaos run of faults \(subset.map(String.init).joined(separator: ", ")) together (up to max_together = \(together))"
            return (fault, "found \(Self.number(f)), with which \(which) sends \(Self.atLeast(total)) counted events, "
                + "more than the event budget of \(budget) counted events, so the run could not reach its end; "
                + "expected a smaller factor or a shorter window; or give --max-events to run it anyway until that budget stops it")
        }
        return nil
    }
}
