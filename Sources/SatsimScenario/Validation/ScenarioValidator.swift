import SatsimCore
import SatsimMetrics
import SatsimModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks a decoded scenario beyond the types of its values: the call graph, ranges that involve
/// two keys, timeline windows, and figures named by `expect` (names that must exist are checked on
/// the tree by ``ReferenceCheck``, in the same pass as the decoder).
///
/// Every problem is reported (not only the first), at the position of the key or value at fault.
struct ScenarioValidator {
    /// The most decisions an hpa stabilization window (scale_in_cooldown / interval) may span.
    static let maximumRecommendations: Int64 = 10_000
    /// The most cache entries a service's instances may hold in all (about 40 bytes each).
    static let maximumCacheEntries = 10_000_000
    /// The most clients a run may have: each keeps its own latency histograms (three of about
    /// 190 KB, five with cohorts), so 10,000 clients, which fit in a 1 MiB file, took 5.7 GB.
    static let maximumClients = 500
    /// The most instances all services together may run at once (initial counts, autoscaler
    /// maxima and `scale` targets): each costs about 750 bytes of state, and 300 services of
    /// 10,000 instances each asked for more than 2 GB before the first event.
    static let maximumTotalInstances = 200_000
    /// The most time-series values (rows x columns) a run keeps, about 8 bytes each: 200 clients
    /// and 200 services over a day at 1 s intervals are 97,200 rows of 5,801 columns, 4.5 GB.
    static let maximumSeriesValues = 20_000_000
    let spec: ScenarioSpec
    let positions: PositionIndex
    let schema = ScenarioSchema.standard
    var diagnostics: [Diagnostic] = []

    init(spec: ScenarioSpec, positions: PositionIndex) {
        self.spec = spec
        self.positions = positions
    }

    mutating func validate() -> [Diagnostic] {
        checkRun()
        checkClients()
        checkServices()
        checkCallCycles()
        checkTimeline()
        checkChaos()
        checkPlanSizes()
        checkRunSize()
        checkExpectations()
        return diagnostics
    }

    private mutating func atValue(_ path: String, _ message: String, suggestion: String? = nil) {
        diagnostics.append(Diagnostic(at: positions.value(path), path: path, message, suggestion: suggestion))
    }

    private var serviceNames: [String] { spec.services.map(\.name) }
    private var clientNames: [String] { spec.clients.map(\.name) }

    // MARK: - Checks

    private mutating func checkRun() {
        if spec.warmup >= spec.duration {
            atValue("warmup", "found \(spec.warmup.shortText), expected a duration < duration (\(spec.duration.shortText))")
        }
        if spec.metricsInterval > spec.duration {
            let expected = "expected a duration <= duration (\(spec.duration.shortText))"
            if positions.isWritten("metrics.interval") {
                atValue("metrics.interval", "found \(spec.metricsInterval.shortText), \(expected)")
            } else {
                // The file does not write the interval: point at the duration that is shorter
                // than the default, and say that the 1s found is the default (a run of 500ms
                // used to be told at 1:1 about a key the file never wrote).
                diagnostics.append(Diagnostic(
                    at: positions.value("duration"), path: "metrics.interval",
                    "found \(spec.metricsInterval.shortText) (the default interval: the file writes no metrics.interval), \(expected)"))
            }
        } else {
            checkRowCount()
        }
    }

    /// A run keeps one time-series row per metrics interval, so a tiny interval or a huge
    /// duration would fill memory with rows: both are refused beyond ``TimeSeries/maximumRows``,
    /// with the smallest interval that fits.
    private mutating func checkRowCount() {
        let interval = spec.metricsInterval.nanoseconds
        guard interval > 0 else { return }
        let (quotient, remainder) = spec.duration.nanoseconds.quotientAndRemainder(dividingBy: interval)
        let rows = quotient + (remainder > 0 ? 1 : 0)
        let limit = Int64(Simulation.maximumRows)
        guard rows > limit else { return }
        // The smallest interval giving at most `limit` rows: ceil(duration / limit), in whole
        // microseconds, the finest unit a file can write.
        let needed = (spec.duration.nanoseconds + limit - 1) / limit
        let micros = (needed + 999) / 1000
        let smallest = SimTime(nanoseconds: micros * 1000).shortText
        let found = "duration \(spec.duration.shortText) at a metrics.interval of \(spec.metricsInterval.shortText) gives \(rows) time-series rows"
        let expected = "at most \(Simulation.maximumRows) rows are kept: use metrics.interval >= \(smallest), or a shorter duration"
        atIntervalOrDuration(found, expected)
    }

    /// Locates a time-series bound at `metrics.interval` when the file writes it, else at
    /// `duration` (the interval is then the default, which the message says).
    private mutating func atIntervalOrDuration(_ found: String, _ expected: String) {
        if positions.isWritten("metrics.interval") {
            atValue("metrics.interval", "\(found); \(expected)")
        } else {
            atValue("duration", "\(found) (the default interval); \(expected)")
        }
    }

    private mutating func checkClients() {
        let before = diagnostics.count
        for client in spec.clients {
            let base = "clients.\(client.name)"
            if let retry = client.retry { check(retry, "\(base).retry") }
            if case .closed(let users, _) = client.arrival { checkPopulation(client.name, users: users) }
        }
        // A client already refused on its own is not told again as part of the sum.
        if diagnostics.count == before { checkTotalPopulation() }
    }

    /// Every user of every closed-loop client is a pending event or a request in flight (about 35
    /// bytes at rest), so the bound on one client's `users` holds for all of them together too:
    /// ten clients of 10,000,000 users each passed validation and then exhausted memory (an
    /// abort after 2 GB). Each client counts at the largest population it can have: the most
    /// users it is given (its `users`, or a timeline `set` of it) times the largest product of
    /// its load spikes in progress at once (timeline and chaos faults alike: the same sweep as
    /// ``checkPopulation(_:users:)``). Reported at the client that takes the sum past the bound.
    private mutating func checkTotalPopulation() {
        var total = 0.0
        for (index, client) in spec.clients.enumerated() {
            guard case .closed(let users, _) = client.arrival else { continue }
            var most = users, mostAt = "clients.\(client.name).arrival.users"
            let usersPath = "clients.\(client.name).arrival.users"
            for (t, event) in spec.timeline.enumerated() where event.enabled {
                if case .set(let change) = event.action, change.path == usersPath, let set = Int(change.value), set > most {
                    (most, mostAt) = (set, "timeline.\(t).value")
                }
                guard let resolved = event.resolved else { continue }
                for snapshot in [resolved.atStart] + (resolved.atEnd.map { [$0] } ?? []) where snapshot.clients.indices.contains(index) {
                    if case .closed(let set, _) = snapshot.clients[index].arrival, set > most {
                        (most, mostAt) = (set, "timeline.\(t).value")
                    }
                }
            }
            let spikes = peakSpikeLog(client.name)
            let peak = Double(most) * exp(spikes)
            total += peak
            guard total > Double(Simulation.maximumUsers) * (1 + 1e-12) else { continue }
            atValue(mostAt,
                "found \(most), which brings the closed-loop clients to \(Self.count(total)) users in all at their peaks "
                    + "(\(client.name)'s \(Self.count(peak)) included\(spikes > 0 ? ", with its load spikes in progress" : "")); expected at most \(Simulation.maximumUsers) users over every client together")
            return
        }
    }

    /// The logarithm of the largest product of `client`'s load-spike factors in progress at once
    /// over the timeline, and with up to `chaos.max_together` of the chaos faults' (0 without any).
    private func peakSpikeLog(_ client: String) -> Double {
        var windows: [(from: SimTime, to: SimTime, log: Double, chaos: Bool)] = []
        for event in spec.timeline where event.enabled {
            guard case .loadSpike(let name, let factor) = event.action, name == client else { continue }
            windows.append((event.at, event.at + (event.duration ?? .zero), log(factor), false))
        }
        if let chaos = spec.chaos, chaos.at < spec.duration {
            for fault in chaos.faults where fault.event.enabled {
                guard case .loadSpike(let name, let factor) = fault.event.action, name == client, factor > 1 else { continue }
                let event = fault.scheduled(after: chaos.at)
                windows.append((event.at, event.at + (event.duration ?? .zero), log(factor), true))
            }
        }
        var peak = 0.0
        for t in Set(windows.map(\.from)) {
            let active = windows.filter { $0.from <= t && t <= $0.to }
            let timeline = active.filter { !$0.chaos }.reduce(0) { $0 + $1.log }
            let faults = active.filter(\.chaos).map(\.log).sorted(by: >).prefix(spec.chaos?.maxTogether ?? 0).reduce(0, +)
            peak = max(peak, timeline + faults)
        }
        return peak
    }

    /// A load spike on a closed-loop client multiplies its population, and overlapping spikes
    /// multiply each other: every user is a pending event or a request, so the largest population
    /// the timeline can reach must stay within the schema's bound on `users`. The spikes are
    /// swept in time order, adding the logarithm of each factor while it lasts (so that no product
    /// overflows), and the first start that crosses the bound is reported.
    private mutating func checkPopulation(_ client: String, users: Int) {
        var changes: [(time: SimTime, isStart: Bool, logFactor: Double, index: Int)] = []
        for (index, event) in spec.timeline.enumerated() {
            guard case .loadSpike(let name, let factor) = event.action, name == client else { continue }
            changes.append((event.at, true, log(factor), index))
            if let window = event.duration { changes.append((event.at + window, false, -log(factor), index)) }
        }
        // At equal times starts come first: counting two spikes that touch as overlapping errs
        // on the side of refusing.
        changes.sort { ($0.time, $0.isStart ? 0 : 1, $0.index) < ($1.time, $1.isStart ? 0 : 1, $1.index) }
        let limit = log(Double(Simulation.maximumUsers))
        var level = log(Double(users))
        for change in changes {
            level += change.logFactor
            guard change.isStart, level > limit + 1e-12 else { continue }
            guard case .loadSpike(_, let factor) = spec.timeline[change.index].action else { continue }
            atValue("timeline.\(change.index).factor",
                "found \(factor), which takes closed-loop client '\(client)' (\(users) users) to \(Self.count(exp(level))) users with the spikes in progress; expected a factor that keeps the population <= \(Simulation.maximumUsers)")
            return
        }
        checkChaosPopulation(client, users: users, limit: limit)
    }

    /// The same bound for `satsim chaos`: a combination adds its faults to the timeline, so a
    /// load spike among `chaos.faults` multiplies the population with the timeline's spikes in
    /// progress and with the other spikes of its combination. Unchecked, a fault of factor
    /// 10000 on 10000 users ran with the population cut at the model's bound, silently.
    ///
    /// The worst combination is found exactly without listing combinations: at any time, the
    /// largest population a combination of at most `max_together` faults reaches is the
    /// timeline's, times the largest `max_together` factors above 1 among the chaos spikes in
    /// progress; it peaks when a spike starts. Reported at the largest fault in progress then.
    private mutating func checkChaosPopulation(_ client: String, users: Int, limit: Double) {
        guard let chaos = spec.chaos, chaos.at < spec.duration else { return }
        let spikes: [(index: Int, from: SimTime, to: SimTime, log: Double)] = chaos.faults.enumerated().compactMap { index, fault in
            guard fault.event.enabled, case .loadSpike(let name, let factor) = fault.event.action, name == client, factor > 1 else { return nil }
            let event = fault.scheduled(after: chaos.at)
            return (index, event.at, event.at + (event.duration ?? .zero), log(factor))
        }
        guard !spikes.isEmpty else { return }
        let timeline: [(from: SimTime, to: SimTime, log: Double)] = spec.timeline.compactMap { event in
            guard case .loadSpike(let name, let factor) = event.action, name == client else { return nil }
            return (event.at, event.at + (event.duration ?? .zero), log(factor))
        }
        // Windows that touch count as overlapping, as in the timeline's check. The population
        // peaks when a spike starts, a fault's or the timeline's (one that starts while a
        // fault is in progress multiplies it too).
        let starts = Set(spikes.map(\.from) + timeline.map(\.from)).sorted()
        for t in starts {
            let active = spikes.filter { $0.from <= t && t <= $0.to }.sorted { ($0.log, -$0.index) > ($1.log, -$1.index) }
            guard let largest = active.first else { continue }
            let base = log(Double(users)) + timeline.filter { $0.from <= t && t <= $0.to }.reduce(0) { $0 + $1.log }
            let level = base + active.prefix(chaos.maxTogether).reduce(0) { $0 + $1.log }
            guard level > limit + 1e-12, case .loadSpike(_, let factor) = chaos.faults[largest.index].event.action else { continue }
            atValue("chaos.faults.\(largest.index).factor",
                "found \(factor), which with the spikes in progress (the timeline's, and up to chaos.max_together = \(chaos.maxTogether) candidate faults together) takes closed-loop client '\(client)' (\(users) users) to \(Self.count(exp(level))) users; expected a factor that keeps the population <= \(Simulation.maximumUsers)")
            return
        }
    }

    /// A large figure in plain digits, or a bound beyond them.
    private static func count(_ x: Double) -> String { Diagnostic.count(x) }

    private mutating func check(_ retry: RetrySpec, _ path: String) {
        if let backoff = retry.backoff, backoff.cap < backoff.base {
            atValue("\(path).backoff.cap", "found \(backoff.cap.shortText), expected a duration >= base (\(backoff.base.shortText))")
        }
    }

    private mutating func checkServices() {
        for service in spec.services {
            let base = "services.\(service.name)"
            for (index, call) in service.calls.enumerated() {
                let path = "\(base).calls.\(index)"
                if let retry = call.retry { check(retry, "\(path).retry") }
            }
            if let cache = service.cache { checkCacheSize(cache, service: service, base) }
            if let scaler = service.autoscaler {
                let path = "\(base).autoscaler"
                if scaler.max < scaler.min {
                    atValue("\(path).max", "found \(scaler.max), expected an integer >= min (\(scaler.min))")
                } else if service.instances < scaler.min || service.instances > scaler.max {
                    atValue("\(base).instances",
                        "found \(service.instances), expected an integer within the autoscaler's min...max (\(scaler.min)...\(scaler.max))")
                }
                if scaler.policy == .hpa, scaler.interval > .zero,
                    scaler.scaleInCooldown.nanoseconds / scaler.interval.nanoseconds > Self.maximumRecommendations
                {
                    // The stabilization window keeps one recommendation per decision, and every
                    // decision scans them: a window of 10 s at 1 ns intervals is 10^10 of them.
                    let smallest = SimTime(nanoseconds: scaler.scaleInCooldown.nanoseconds / Self.maximumRecommendations)
                    atValue("\(path).interval",
                        "found \(scaler.interval.shortText), which keeps \(scaler.scaleInCooldown.nanoseconds / scaler.interval.nanoseconds) recommendations over the scale_in_cooldown window of \(scaler.scaleInCooldown.shortText); expected at most \(Self.maximumRecommendations): an interval >= \(smallest.shortText), or a shorter window")
                }
                if scaler.metric == .utilization && scaler.target > 1 {
                    atValue("\(path).target", "found \(scaler.target), expected a number in (0, 1] for metric utilization")
                }
            }
        }
    }

    /// Every instance a service can run keeps its own cache, which fills with the keys it
    /// misses: memory grows with requests until each holds min(capacity, keys) entries. The total
    /// over the most instances the service can run (instances, autoscaler.max, scale targets) is
    /// bounded, so that a long run cannot fill memory with cache entries.
    private mutating func checkCacheSize(_ cache: CacheSpec, service: ServiceSpec, _ base: String) {
        let most = mostInstances(of: service)
        let perInstance = min(cache.capacity, cache.keys)
        let (total, overflow) = perInstance.multipliedReportingOverflow(by: most)
        guard overflow || total > Self.maximumCacheEntries else { return }
        atValue("\(base).cache.capacity",
            "found \(cache.capacity), which lets \(most) instances cache up to \(perInstance) keys each (\(overflow ? "too many" : String(total)) entries); expected at most \(Self.maximumCacheEntries) entries in all: capacity <= \(Self.maximumCacheEntries / most)")
    }

    /// The most instances `service` can run at once: its initial count, its autoscaler's max and
    /// every `scale` target of the timeline and of the chaos faults (a chaos `scale` to 40 let a
    /// cache of 2,500,000 entries per instance pass, and one run took 2.1 GB).
    private func mostInstances(of service: ServiceSpec) -> Int {
        var most = max(service.instances, service.autoscaler?.max ?? 0)
        for event in spec.timeline + (spec.chaos?.faults.map(\.event) ?? []) {
            if case .scale(let name, let to) = event.action, name == service.name { most = max(most, to) }
        }
        return most
    }

    /// What one run holds in memory whatever it simulates: the clients' histograms, the
    /// instances' state and the time series. Each is bounded, so that a file of thousands of
    /// components (1 MiB holds about 10,000) is refused with a sentence instead of exhausting
    /// memory before, or while, it runs. In-flight work is bounded at run time (--max-in-flight).
    private mutating func checkRunSize() {
        if spec.clients.count > Self.maximumClients {
            let first = spec.clients[Self.maximumClients].name
            diagnostics.append(Diagnostic(
                at: positions.key("clients.\(first)"), path: "clients.\(first)",
                "the file has \(spec.clients.count) clients; expected at most \(Self.maximumClients) (each keeps latency histograms of about 0.6 MB): merge clients that send the same load to the same service"))
        }
        var total = 0
        for service in spec.services {
            total += mostInstances(of: service)
            guard total > Self.maximumTotalInstances else { continue }
            let path = "services.\(service.name)"
            diagnostics.append(Diagnostic(
                at: positions.key(path), path: path,
                "the services up to this one can run \(total) instances at once (instances, autoscaler.max and scale targets); expected at most \(Self.maximumTotalInstances) in all (each keeps about 750 bytes of state): fewer or smaller services, or more workers per instance"))
            break
        }
        checkSeriesSize()
    }

    /// One time-series value per metrics interval and column (14 per client, 15 per service,
    /// one per autoscaler): refused beyond ``maximumSeriesValues``, with the smallest interval
    /// that fits.
    private mutating func checkSeriesSize() {
        let interval = spec.metricsInterval.nanoseconds
        guard interval > 0 else { return }
        let (quotient, remainder) = spec.duration.nanoseconds.quotientAndRemainder(dividingBy: interval)
        let rows = Int(quotient) + (remainder > 0 ? 1 : 0)
        guard rows <= Simulation.maximumRows else { return }  // checkRowCount has said so
        let columns = 1 + spec.clients.count * 14 + spec.services.count * 15 + spec.services.filter { $0.autoscaler != nil }.count
        guard rows * columns > Self.maximumSeriesValues else { return }
        let fitting = max(Self.maximumSeriesValues / columns, 1)
        let needed = (spec.duration.nanoseconds + Int64(fitting) - 1) / Int64(fitting)
        // Rounded up to a whole second (or millisecond, or microsecond) so that it reads as
        // a value to write, not as arithmetic.
        let unit: Int64 = needed >= 1_000_000_000 ? 1_000_000_000 : needed >= 1_000_000 ? 1_000_000 : 1_000
        let smallest = SimTime(nanoseconds: (needed + unit - 1) / unit * unit).shortText
        let found = "duration \(spec.duration.shortText) at a metrics.interval of \(spec.metricsInterval.shortText) gives \(rows) time-series rows of \(columns) columns (14 per client, 15 per service), \(rows * columns) values"
        let expected = "at most \(Self.maximumSeriesValues) values are kept: use metrics.interval >= \(smallest), a shorter duration, or fewer clients and services"
        atIntervalOrDuration(found, expected)
    }

    /// Reports each cycle of the call graph once, at the call that closes it.
    ///
    /// A depth-first search with its own stack rather than recursion: a chain of thousands of
    /// services (a generated file fits about 12,000 in its 1 MiB) would otherwise overflow the
    /// thread's stack and crash before a word is said.
    private mutating func checkCallCycles() {
        var edges: [String: [(to: String, index: Int)]] = [:]
        for service in spec.services {
            edges[service.name] = service.calls.enumerated().map { ($0.element.service, $0.offset) }
        }
        enum Mark { case active, done }
        var marks: [String: Mark] = [:]
        // The path being explored, each service with the index of its next call to follow.
        var stack: [(name: String, next: Int)] = []
        var reported = Set<String>()

        for service in spec.services where marks[service.name] == nil {
            marks[service.name] = .active
            stack.append((service.name, 0))
            while let top = stack.last {
                let calls = edges[top.name] ?? []
                guard top.next < calls.count else {
                    stack.removeLast()
                    marks[top.name] = .done
                    continue
                }
                stack[stack.count - 1].next += 1
                let edge = calls[top.next]
                guard edges[edge.to] != nil else { continue }
                switch marks[edge.to] {
                case .active?:
                    guard let start = stack.lastIndex(where: { $0.name == edge.to }) else { continue }
                    let cycle = stack[start...].map(\.name) + [edge.to]
                    let key = cycle.dropLast().sorted().joined(separator: ",")
                    if reported.insert(key).inserted {
                        let path = "services.\(top.name).calls.\(edge.index).service"
                        diagnostics.append(Diagnostic(
                            at: positions.value(path), path: path,
                            "calls form a cycle: " + Self.shown(cycle: cycle)))
                    }
                case .done?:
                    continue
                case nil:
                    marks[edge.to] = .active
                    stack.append((edge.to, 0))
                }
            }
        }
    }

    /// A cycle `a -> b -> ... -> a` as a line: one of thousands of services is told by its first
    /// and last five and its length, not written out whole.
    static func shown(cycle: [String]) -> String {
        guard cycle.count > 12 else { return cycle.joined(separator: " -> ") }
        return (cycle.prefix(5) + ["..."] + cycle.suffix(5)).joined(separator: " -> ") + " (\(cycle.count - 1) services)"
    }

    private mutating func checkTimeline() {
        for (index, event) in spec.timeline.enumerated() {
            let base = "timeline.\(index)"
            if event.at >= spec.duration {
                atValue("\(base).at", "found \(event.at.shortText), expected a time < duration (\(spec.duration.shortText))")
            } else if let window = event.duration, event.at + window > spec.duration {
                atValue("\(base).for",
                    "the window ends at \((event.at + window).shortText), after the run ends at \(spec.duration.shortText); expected at + for <= duration")
            }
            checkCallerEdge(event, base)
            checkCacheFlush(event, base)
        }
    }

    /// `cache_flush` empties a service's cache, so the service must have one: a flush of a service
    /// without a `cache` block did nothing, and the story told it as "the cache of db was flushed:
    /// ... the hit ratio of its cache was 0%", of a cache that does not exist (a timeline event's,
    /// and a chaos fault's).
    private mutating func checkCacheFlush(_ event: TimelineEventSpec, _ base: String) {
        guard case .cacheFlush(let name) = event.action, let service = spec.service(named: name), service.cache == nil else { return }
        let cached = spec.services.filter { $0.cache != nil }.map(\.name)
        let listed = cached.isEmpty ? "no service has one"
            : (cached.count > 10 ? cached.prefix(10).joined(separator: ", ") + ", ..." : cached.joined(separator: ", "))
        atValue("\(base).service", "found \(name), which has no cache; expected a service with a `cache` block (\(listed))",
                suggestion: Suggestion.closest(to: name, in: cached))
    }

    /// `caller` names an edge of the call graph: the caller must call the faulty service (a
    /// timeline event's, and a chaos fault's, which is a timeline event once chosen).
    private mutating func checkCallerEdge(_ event: TimelineEventSpec, _ base: String) {
        guard let caller = event.caller, let callerSpec = spec.service(named: caller) else { return }
        let target: String?
        switch event.action {
        case .latency(let service, _), .errors(let service, _): target = service
        default: target = nil
        }
        if let target, !callerSpec.calls.contains(where: { $0.service == target }) {
            let callees = callerSpec.calls.map(\.service)
            atValue("\(base).caller",
                "found \(caller), which makes no call to \(target) (it calls " + (callees.isEmpty ? "nothing" : callees.joined(separator: ", "))
                    + "); expected a service with a call to \(target)")
        }
    }

    /// `chaos`: every candidate fault, started at chaos.at + its offset, must fit in the run as a
    /// timeline event must.
    private mutating func checkChaos() {
        guard let chaos = spec.chaos else { return }
        guard chaos.at < spec.duration else {
            atValue("chaos.at", "found \(chaos.at.shortText), expected a time < duration (\(spec.duration.shortText))")
            return
        }
        for (index, fault) in chaos.faults.enumerated() {
            let base = "chaos.faults.\(index)"
            let event = fault.scheduled(after: chaos.at)
            checkCallerEdge(event, base)
            checkCacheFlush(event, base)
            if event.at >= spec.duration {
                atValue("\(base).at", "starts at chaos.at + at = \(event.at.shortText), expected a time < duration (\(spec.duration.shortText))")
            } else if let window = event.duration, event.at + window > spec.duration {
                atValue("\(base).for",
                    "the window ends at \((event.at + window).shortText), after the run ends at \(spec.duration.shortText); expected chaos.at + at + for <= duration")
            }
        }
    }

    /// `sweep` and `chaos`: the grid and the combinations are counted (never built) and refused
    /// beyond ``PlanLimits``, so that `validate` already says what `sweep` or `chaos` would
    /// refuse, and neither command allocates a plan of years.
    private mutating func checkPlanSizes() {
        if let sweep = spec.sweep, !sweep.vary.isEmpty {
            let counts = sweep.vary.map(\.values.count)
            let points = PlanLimits.product(counts, cap: PlanLimits.maximumPoints)
            if let excess = PlanLimits.excess(points: points, replications: sweep.replications) {
                let size = points.map { Counted.grid(points: $0, replications: sweep.replications) }
                    ?? "more than \(PlanLimits.maximumPoints) points"
                let grid = counts.map(String.init).joined(separator: " x ")
                let path = points == nil || points.map({ $0 > PlanLimits.maximumPoints }) == true ? "sweep.vary" : "sweep.replications"
                atValue(path, "the grid is \(grid) values = \(size); expected \(excess): vary fewer values, or split the sweep into several")
            }
        }
        if let chaos = spec.chaos {
            let enabled = chaos.faults.filter(\.event.enabled).count
            let k = min(chaos.maxTogether, enabled)
            let combinations = PlanLimits.combinations(of: enabled, upTo: k, cap: PlanLimits.maximumPoints)
            let points = combinations.map { $0 + 1 }
            if let excess = PlanLimits.excess(points: points, replications: chaos.replications, noun: "combinations") {
                let size = points.map { "\($0 - 1) combinations and the baseline x \(chaos.replications) replications" }
                    ?? "more than \(PlanLimits.maximumPoints) combinations"
                atValue(positions.isWritten("chaos.max_together") ? "chaos.max_together" : "chaos.faults",
                        "\(enabled) faults taken 1 to \(k) at a time make \(size); expected \(excess): lower max_together or list fewer faults")
            }
        }
    }

    private mutating func checkExpectations() {
        checkExpectations(spec.expectations, prefix: "expect", variant: nil)
        for block in spec.variantExpectations {
            checkExpectations(block.expectations, prefix: "expect.variants.\(block.variant)", variant: block.variant)
        }
    }

    /// Whether the runs an `expect` block is checked on have cohorts: summary.json has
    /// `clients.NAME.cohorts` only when an event of the timeline has a `share` (`satsim check`
    /// runs no chaos faults, so theirs do not count). An overlay only adds or replaces scalars, so
    /// a share in this spec is in every variant of it; a variant's own block also counts the
    /// `timeline.N.share` its overrides add. (An event switched off by `enabled: false` still
    /// counts: a variant or `--set` may switch it on, and `check` then says the figure is missing.)
    private func hasCohorts(variant: String?) -> Bool {
        if spec.timeline.contains(where: { $0.share != nil }) { return true }
        guard let variant, let overlay = spec.variants.first(where: { $0.name == variant }) else { return false }
        return overlay.overrides.contains { override in
            let parts = override.path.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count == 3 && parts[0] == "timeline" && parts[2] == "share"
        }
    }

    /// The figures named by one `expect` block, whose paths are under `prefix`; `variant` names
    /// the variant whose runs the block is checked on (nil: the base's).
    private mutating func checkExpectations(_ expectations: [ExpectationSpec], prefix: String, variant: String?) {
        for expectation in expectations {
            let path = "\(prefix).\(expectation.path)"
            let parts = expectation.path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 1 {
                if !schema.runFigures.contains(parts[0]) {
                    diagnostics.append(Diagnostic(at: positions.key(path), path: path,
                        "not a summary figure; expected \(schema.runFigures.joined(separator: ", ")), clients.NAME.FIGURE or services.NAME.FIGURE"
                            + (prefix == "expect" ? ", or variants (a block per variant)" : ""),
                        suggestion: Suggestion.closest(to: parts[0], in: schema.runFigures + ["clients", "services"]
                            + (prefix == "expect" ? ["variants"] : []))))
                }
                continue
            }
            guard parts[0] == "clients" || parts[0] == "services", parts.count >= 3 else {
                diagnostics.append(Diagnostic(at: positions.key(path), path: path,
                    "not a summary figure; expected outcome, recovery_time, clients.NAME.FIGURE or services.NAME.FIGURE",
                    suggestion: Suggestion.closest(to: parts[0], in: ["clients", "services"] + schema.runFigures)))
                continue
            }
            let isClient = parts[0] == "clients"
            let names = isClient ? clientNames : serviceNames
            let figures = isClient ? schema.clientFigures : schema.serviceFigures
            let figure = parts[2...].joined(separator: ".")
            if !names.contains(parts[1]) {
                diagnostics.append(Diagnostic(at: positions.key(path), path: path,
                    "no \(isClient ? "client" : "service") named '\(parts[1])'", suggestion: Suggestion.closest(to: parts[1], in: names)))
            } else if !figures.contains(figure) {
                diagnostics.append(Diagnostic(at: positions.key(path), path: path,
                    "'\(figure)' is not a \(isClient ? "client" : "service") figure; expected one of " + figures.joined(separator: ", "),
                    suggestion: Suggestion.closest(to: figure, in: figures)))
            } else if isClient, parts[2] == "cohorts", !hasCohorts(variant: variant) {
                // Caught here, not only by `satsim check` after the run ("no such figure in the
                // summary"), so that `validate` and `run` say it first.
                let whose = variant.map { "neither the timeline nor variant '\($0)' gives an event a `share`" }
                    ?? "no event of the timeline has a `share`"
                let plain = parts[4...].joined(separator: ".")
                let suggestion = figures.contains(plain) ? "clients.\(parts[1]).\(plain)" : nil
                diagnostics.append(Diagnostic(at: positions.key(path), path: path,
                    "'\(figure)' is a cohort figure, which summary.json has only when a latency or errors event of the "
                        + "timeline has a `share` (the experiment cohort), and \(whose); expected a `share` on such an event, "
                        + "or a figure of the whole client",
                    suggestion: suggestion))
            }
        }
    }
}
