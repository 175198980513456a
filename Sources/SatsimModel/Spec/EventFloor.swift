import SatsimCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lower bound on the counted events a scenario's run needs to reach its end: what
/// `--max-events` is compared with. A run needs at least one counted event per request an
/// open-loop client sends, per health probe, per autoscaler decision and per outlier review
/// (``Simulation`` counts each of them), so a file whose bound is past the event budget cannot
/// end before the budget stops it. At a rate of 10^9 requests/s that took 100 s of simulating
/// to find out, and 190 s for probes every microsecond; the loader refuses such a file at once,
/// at the key that asks for the most (``ScenarioLoader``, `eventBudget`).
///
/// Only what is certain counts. A source is counted from the start up to the first thing that
/// could slow it: any enabled timeline event or chaos fault naming its client or service (a
/// dip in load, a kill, a `set` of one of its keys). An autoscaler may take a service down to its `min`, a probe's interval is
/// stretched by its jitter at most, and the first round of each periodic source is not counted;
/// a Poisson client is counted well below its mean, a constant one at the gap it runs at, and
/// probes whose action is `restart` not at all. Closed-loop clients, retries, departures and
/// timeouts are left out (they may be few).
public enum EventFloor {
    /// One source of counted events and how many it needs at least.
    public struct Source: Sendable, Hashable {
        /// The key whose value sets the pace: `clients.NAME.arrival.rate`,
        /// `services.NAME.health_check.interval`, `.autoscaler.interval`,
        /// `.outlier_detection.interval`.
        public var path: String
        /// At least this many counted events over the run.
        public var events: Double
        /// How long the source is counted for [s], from the start.
        public var seconds: Double
        /// The events per second the key asks for (requests/s, or rounds/s across instances).
        public var perSecond: Double
        /// What is counted, for the sentence: "requests", "health probes", ...
        public var what: String
        /// For a periodic source: the rounds each interval (instances probed), and the share of
        /// the interval its jitter may add.
        public var copies: Double = 1
        public var stretch: Double = 0
        /// When the source starts being counted [s]: 0, or the `at` of the timeline `set` that
        /// put its pace in force (``setSources(of:)``).
        public var from: Double = 0
    }

    /// Requests a constant process certainly sends in `seconds`: one every 1/rate, a gap kept
    /// in whole nanoseconds (``SimTime``, rounded half up; 6 x 10^8/s runs at 5 x 10^8/s), the
    /// first one a gap after the start. A gap of 0 ns sends without end.
    public static func constantRequests(rate: Double, seconds: Double) -> Double {
        let gap = SimTime(seconds: 1 / rate).nanoseconds
        guard gap > 0 else { return .infinity }
        return max(0, (seconds * 1e9 / Double(gap)).rounded(.down) - 1)
    }

    /// Requests a Poisson process certainly sends in `seconds`. Its mean, rate x seconds, is no
    /// lower bound: half the runs send fewer. Each gap is an exponential draw rounded to the
    /// nanosecond, so at most 0.5 ns longer: n = seconds / (1/rate + 0.5 ns) - 10 sqrt(rate x
    /// seconds). Fewer than n requests means n gaps (exponentials, each plus at most 0.5 ns)
    /// adding up past `seconds`, ten of their standard deviations beyond their mean, which the
    /// Chernoff bound for a sum of exponentials (H. Chernoff, Ann. Math. Statist. 23(4), 1952)
    /// puts below e^-30. A file is refused only when it is certainly past the budget.
    public static func poissonRequests(rate: Double, seconds: Double) -> Double {
        let mean = seconds / (1 / rate + 0.5e-9)
        return max(0, (mean - 10 * (rate * seconds).squareRoot()).rounded(.down))
    }

    /// Rounds of a periodic source certainly made in `seconds`: `copies` schedules, each round at
    /// most `interval x (1 + stretch)` after the one before, the first round not counted.
    public static func rounds(every interval: SimTime, stretch: Double, copies: Double, seconds: Double) -> Double {
        let period = interval.seconds * (1 + stretch)
        guard period > 0 else { return 0 }
        return copies * max(0, (seconds / period).rounded(.down) - 1)
    }

    /// Every source of counted events the file certainly has, largest first (ties in file order).
    public static func sources(of spec: ScenarioSpec) -> [Source] {
        let end = spec.duration.seconds
        var sources: [Source] = []
        for client in spec.clients {
            let seconds = min(end, untouched(spec, client: client.name))
            let rate: Double
            let count: (Double, Double) -> Double
            switch client.arrival {
            case .poisson(let r): (rate, count) = (r, { poissonRequests(rate: $0, seconds: $1) })
            case .constant(let r): (rate, count) = (r, { constantRequests(rate: $0, seconds: $1) })
            case .closed: continue
            }
            let (events, spikes) = spikedRequests(spec, client: client.name, rate: rate, seconds: seconds, count: count)
            if events.isFinite, events > 0 {
                sources.append(Source(path: "clients.\(client.name).arrival.rate", events: events, seconds: seconds,
                                      perSecond: rate, what: "requests"))
            }
            sources += spikes
        }
        for service in spec.services {
            let seconds = min(end, untouched(spec, service: service.name))
            let fewest = Double(min(service.instances, service.autoscaler?.min ?? service.instances))
            func periodic(_ key: String, every interval: SimTime, stretch: Double, copies: Double, what: String) {
                let period = interval.seconds * (1 + stretch)
                guard period > 0, copies > 0 else { return }
                let events = rounds(every: interval, stretch: stretch, copies: copies, seconds: seconds)
                guard events.isFinite, events > 0 else { return }
                sources.append(Source(path: "services.\(service.name).\(key)", events: events, seconds: seconds,
                                      perSecond: copies / period, what: what, copies: copies, stretch: stretch))
            }
            // A restart stops the instance's probes for its boot_time, and an overloaded
            // instance fails its probes with no timeline event at all: nothing is certain.
            if let check = service.healthCheck, check.action != .restart {
                periodic("health_check.interval", every: check.interval, stretch: max(0, check.jitter), copies: fewest,
                         what: "health probes")
            }
            if let scaler = service.autoscaler {
                periodic("autoscaler.interval", every: scaler.interval, stretch: 0, copies: 1, what: "autoscaler decisions")
            }
            if let detector = service.outlierDetection {
                periodic("outlier_detection.interval", every: detector.interval, stretch: 0, copies: 1, what: "outlier reviews")
            }
        }
        sources += setSources(of: spec)
        return sources.enumerated().sorted { ($1.element.events, $0.offset) < ($0.element.events, $1.offset) }.map(\.element)
    }

    /// The keys whose value sets the pace of a source, as a timeline `set` names them after
    /// `clients.NAME.` or `services.NAME.`.
    static let pacedClientKey = "arrival.rate"
    static let pacedServiceKeys = ["health_check.interval", "autoscaler.interval", "outlier_detection.interval"]

    /// The sources that a timeline `set` of a pacing key starts: from its `at` to the next thing
    /// that could slow the subject (or the set's own end, or the run's), at the value it puts
    /// in force (``ResolvedSetting``). Counted only when the `set` is the first event that may
    /// act on its client or service, so that nothing before it leaves the subject slower than
    /// its settings say. `sources(of:)` stops counting a source at the first such event; a
    /// `set` of `services.api.health_check.interval` to 1us at 3s of a one-hour run then went
    /// uncounted, and the run simulated for minutes (hours in a debug build) until the budget
    /// stopped it. A rate takes effect at once (the next arrival is redrawn); a periodic source
    /// is counted from one old period later (the round already scheduled keeps its time).
    public static func setSources(of spec: ScenarioSpec) -> [Source] {
        let end = spec.duration.seconds
        var sources: [Source] = []
        for (index, event) in spec.timeline.enumerated() {
            guard event.enabled, case .set(let setting) = event.action, let resolved = event.resolved else { continue }
            let parts = setting.path.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 3 else { continue }
            let (name, key, t0) = (parts[1], parts[2], event.at.seconds)
            if parts[0] == "clients", key == pacedClientKey {
                guard let after = resolved.atStart.clients.first(where: { $0.name == name }),
                      let t1 = window(spec, event: index, end: end, touches: { touchesClient($0, name) }) else { continue }
                let seconds = t1 - t0
                let events: Double
                let rate: Double
                switch after.arrival {
                case .poisson(let r): (rate, events) = (r, poissonRequests(rate: min(r, highestCountedRate), seconds: seconds))
                case .constant(let r): (rate, events) = (r, constantRequests(rate: min(r, highestCountedRate), seconds: seconds))
                case .closed: continue
                }
                let counted = bounded(events)
                guard counted.isFinite, counted > 0 else { continue }
                sources.append(Source(path: "timeline.\(index).value", events: counted, seconds: seconds, perSecond: rate,
                                      what: "requests", from: t0))
            } else if parts[0] == "services", pacedServiceKeys.contains(key) {
                guard let before = spec.services.first(where: { $0.name == name }),
                      let after = resolved.atStart.services.first(where: { $0.name == name }),
                      let t1 = window(spec, event: index, end: end, touches: { touchesService($0, name) }) else { continue }
                func fewest(_ service: ServiceSpec) -> Int { min(service.instances, service.autoscaler?.min ?? service.instances) }
                let pace: (old: SimTime?, oldStretch: Double, new: SimTime, stretch: Double, copies: Int, what: String)
                switch key {
                case "health_check.interval":
                    guard let check = after.healthCheck, check.action != .restart else { continue }
                    pace = (before.healthCheck?.interval, max(0, before.healthCheck?.jitter ?? 0), check.interval, max(0, check.jitter),
                            min(fewest(before), fewest(after)), "health probes")
                case "autoscaler.interval":
                    guard let scaler = after.autoscaler else { continue }
                    pace = (before.autoscaler?.interval, 0, scaler.interval, 0, 1, "autoscaler decisions")
                default:
                    guard let detector = after.outlierDetection else { continue }
                    pace = (before.outlierDetection?.interval, 0, detector.interval, 0, 1, "outlier reviews")
                }
                let delay = (pace.old?.seconds ?? 0) * (1 + pace.oldStretch)
                let seconds = t1 - t0 - delay
                let period = pace.new.seconds * (1 + pace.stretch)
                guard seconds > 0, period > 0, pace.copies > 0 else { continue }
                let events = rounds(every: pace.new, stretch: pace.stretch, copies: Double(pace.copies), seconds: seconds)
                guard events.isFinite, events > 0 else { continue }
                sources.append(Source(path: "timeline.\(index).value", events: events, seconds: seconds,
                                      perSecond: Double(pace.copies) / period, what: pace.what, copies: Double(pace.copies),
                                      stretch: pace.stretch, from: t0))
            }
        }
        return sources
    }

    /// The end [s] of the window in which timeline event `index`, a `set`, certainly holds its
    /// subject's pace: the next start of anything that `touches` it, the set's own end, or the
    /// run's; nil when the set is not the only thing to touch the subject up to its `at`.
    static func window(_ spec: ScenarioSpec, event index: Int, end: Double, touches: (TimelineAction) -> Bool) -> Double? {
        let event = spec.timeline[index]
        let t0 = event.at.seconds
        guard t0 < end else { return nil }
        var t1 = min(end, event.duration.map { (event.at + $0).seconds } ?? .infinity)
        for (other, candidate) in spec.timeline.enumerated() where other != index && candidate.enabled && touches(candidate.action) {
            let start = candidate.at.seconds
            if start <= t0 { return nil }
            t1 = min(t1, start)
        }
        if let chaos = spec.chaos, chaos.faults.contains(where: { $0.event.enabled && touches($0.event.action) }) {
            if chaos.at.seconds <= t0 { return nil }
            t1 = min(t1, chaos.at.seconds)
        }
        return t1 > t0 ? t1 : nil
    }

    /// The counted events the file certainly needs: the sum of its ``sources(of:)``.
    public static func events(of spec: ScenarioSpec) -> Double {
        sources(of: spec).reduce(0) { $0 + $1.events }
    }

    /// The largest open-loop rate counted [requests/s]: a rate (or a spiked rate) past it is counted at it,
    /// which only lowers the count (a faster process sends at least as many), where the Poisson
    /// bound's ten standard deviations, 10 sqrt(rate x seconds), would pass its mean near
    /// 10^20/s and leave nothing; the model sends at most one request a nanosecond's rounding
    /// allows anyway.
    static let highestCountedRate = 1e12

    /// The requests of open-loop client `name` at `rate` over the first `seconds`, split where
    /// the timeline's load spikes (factor >= 1, which only add load; nothing slows the client
    /// before `seconds`) start and end: a piece with spikes in progress runs at `rate` times
    /// their product (the model redraws the next arrival at each change, ``Simulation``), and
    /// is counted in its own source at the factor of its largest spike (`timeline.K.factor`,
    /// the key to change), a spike of 10^9 for two seconds being 2 x 10^11 requests that the
    /// client's rate alone did not show: such a run simulated for minutes until the budget
    /// stopped it. Returns the requests outside every spike, and the spikes' sources. Each
    /// piece is a lower bound on its own (`count`), so their sum is one.
    static func spikedRequests(
        _ spec: ScenarioSpec, client name: String, rate: Double, seconds: Double, count: (Double, Double) -> Double
    ) -> (plain: Double, spikes: [Source]) {
        let spikes: [(index: Int, from: Double, to: Double, factor: Double)] = spec.timeline.enumerated().compactMap { index, event in
            guard event.enabled, case .loadSpike(let client, let factor) = event.action, client == name, factor >= 1 else { return nil }
            let from = event.at.seconds
            guard from < seconds else { return nil }
            return (index, from, min(seconds, event.duration.map { (event.at + $0).seconds } ?? .infinity), factor)
        }
        // Counted at no more than highestCountedRate: past it the count's bound (its 0.5 ns per
        // gap against ten standard deviations) fell to nothing, so 10^19/s was counted as 0
        // requests and ran until a limit stopped it.
        guard !spikes.isEmpty else { return (bounded(count(min(rate, highestCountedRate), seconds)), []) }
        let cuts = Set([0, seconds] + spikes.flatMap { [$0.from, $0.to] }).sorted()
        var plain = 0.0
        var bySpike: [Int: (events: Double, seconds: Double, perSecond: Double)] = [:]
        for (from, to) in zip(cuts, cuts.dropFirst()) where to > from {
            let active = spikes.filter { $0.from <= from && from < $0.to }
            // The rate in logarithms, so that 10^200 x 10^200 does not overflow in the count.
            let spiked = active.isEmpty ? rate : min(.greatestFiniteMagnitude, exp(log(rate) + active.reduce(0) { $0 + log($1.factor) }))
            let events = bounded(count(min(spiked, highestCountedRate), to - from))
            guard let largest = active.max(by: { ($0.factor, -$0.index) < ($1.factor, -$1.index) }) else {
                plain += events
                continue
            }
            var entry = bySpike[largest.index] ?? (0, 0, 0)
            entry.events += events
            entry.seconds += to - from
            // What the rate is, for the message: the product itself (infinite past the doubles).
            entry.perSecond = max(entry.perSecond, active.reduce(rate) { $0 * $1.factor })
            bySpike[largest.index] = entry
        }
        let sources = bySpike.keys.sorted().compactMap { index -> Source? in
            guard let entry = bySpike[index], entry.events > 0 else { return nil }
            return Source(path: "timeline.\(index).factor", events: entry.events, seconds: entry.seconds,
                          perSecond: entry.perSecond, what: "requests")
        }
        return (plain, sources)
    }

    /// A count kept finite (a constant gap of 0 ns sends without end): far past any budget.
    static func bounded(_ events: Double) -> Double { events.isNaN ? 0 : min(events, 1e30) }

    /// The time [s] before which nothing in the file can slow client `name`'s arrivals: a load
    /// spike of a factor below 1 (a dip), or a `set` of one of its keys. A spike of a factor of
    /// 1 or more only adds requests; ``spikedRequests(_:client:rate:seconds:count:)`` counts them.
    static func untouched(_ spec: ScenarioSpec, client name: String) -> Double {
        earliest(spec) { touchesClient($0, name) }
    }

    /// Whether `action` may slow client `name`'s arrivals.
    static func touchesClient(_ action: TimelineAction, _ name: String) -> Bool {
        switch action {
        case .loadSpike(let client, let factor): return client == name && !(factor >= 1)
        case .set(let setting): return setting.path.hasPrefix("clients.\(name).")
        default: return false
        }
    }

    /// The time [s] before which nothing in the file can stop service `name`'s instances or
    /// change its periodic rounds.
    static func untouched(_ spec: ScenarioSpec, service name: String) -> Double {
        earliest(spec) { touchesService($0, name) }
    }

    /// Whether `action` may stop service `name`'s instances or change its periodic rounds.
    static func touchesService(_ action: TimelineAction, _ name: String) -> Bool {
        switch action {
        case .kill(let service, _), .pause(let service, _), .scale(let service, _), .deploy(let service, _, _),
             .outage(let service, _), .latency(let service, _), .errors(let service, _), .cacheFlush(let service):
            return service == name
        case .set(let setting): return setting.path.hasPrefix("services.\(name).")
        case .loadSpike: return false
        }
    }

    /// The earliest start [s] of an enabled timeline event, or of a chaos run's faults, that
    /// `touches` says may act on the subject; +infinity when none may.
    static func earliest(_ spec: ScenarioSpec, _ touches: (TimelineAction) -> Bool) -> Double {
        var first = Double.infinity
        for event in spec.timeline where event.enabled && touches(event.action) {
            first = min(first, event.at.seconds)
        }
        // A chaos fault starts at chaos.at plus its own offset (>= 0).
        if let chaos = spec.chaos, chaos.faults.contains(where: { $0.event.enabled && touches($0.event.action) }) {
            first = min(first, chaos.at.seconds)
        }
        return first
    }
}
