import SatsimCore
import SatsimMetrics
import SatsimModel

/// The run as the story reads it: the scenario, the time series, the run's events and the
/// verdict. Detectors read only this, so a test can hand them a synthetic series.
public struct StoryData: Sendable {
    public var spec: ScenarioSpec
    public var series: TimeSeries
    public var events: [RunEvent]
    public var analysis: RunAnalysis
    /// Where the run stopped [s], and whether it stopped at a limit.
    public var endSeconds: Double
    public var stoppedAtLimit: Bool
    /// Whether that limit was the user's interrupt (Ctrl-C), not a budget.
    public var interrupted = false
    /// Each client's figures per cohort, when a fault has a `share` (empty otherwise).
    public var cohorts: [ClientCohorts] = []
    /// Ends of the metrics intervals [s]; interval i covers (begins[i], ends[i]].
    public let ends: [Double]
    public let begins: [Double]

    public init(
        spec: ScenarioSpec, series: TimeSeries, events: [RunEvent], analysis: RunAnalysis, endSeconds: Double,
        stoppedAtLimit: Bool
    ) {
        self.spec = spec
        self.series = series
        self.events = events
        self.analysis = analysis
        self.endSeconds = endSeconds
        self.stoppedAtLimit = stoppedAtLimit
        ends = series.column("time") ?? []
        begins = [0] + ends.dropLast()
    }

    public init(result: SimulationResult, spec: ScenarioSpec, analysis: RunAnalysis) {
        self.init(
            spec: spec, series: result.timeSeries, events: result.events, analysis: analysis,
            endSeconds: result.endSeconds, stoppedAtLimit: result.limitHit != nil)
        interrupted = result.limitHit?.isInterrupt ?? false
        cohorts = result.cohorts
    }

    var warmup: Double { spec.warmup.seconds }
    var verdict: OutcomeVerdict { analysis.verdict }
    /// The first fault's start, and the end of the last fault's effect (operator actions included).
    var firstFault: Double? { analysis.faults.map(\.start).min() }
    var lastFaultEnd: Double? { analysis.faults.map(\.end).max() }

    // MARK: - Naming the faults

    /// How a sentence names the first fault: "the first fault", or, when every timeline event at
    /// that time is an operator's change (a `set` or a `scale`), that change ("the operator's
    /// change to clients.users.retry.max_attempts"). The verdict counts operator actions as faults
    /// until their effect ends (DESIGN.md, "Outcomes"), but a room told "before the first fault"
    /// would look for a fault.
    var firstFaultName: String {
        guard let first = firstFault else { return "the first fault" }
        let events = spec.timeline.filter { $0.enabled && abs($0.at.seconds - first) < 1e-9 }
        return Self.operatorChangeName(events) ?? "the first fault"
    }

    /// How a sentence names the moment the last fault ended ("By the time ___, at {0}", "{0}
    /// after ___, at {1}", "before ___"): "the last fault ended", or, when every event ending
    /// then is an operator's change, that change: "the operator's change to PATH ended" (a `set`
    /// with `for`), "the operator changed PATH" (one that stays), "the instances the operator
    /// added to SERVICE had booted", "the operator scaled SERVICE" (nothing to boot). In a run whose spike ended at 2m10s and whose operator
    /// switched retries off until 4m00s, "By the time the last fault ended, at 4m00s" told a room
    /// the fault lasted until 4m00s.
    public var lastFaultEnded: String {
        guard let last = lastFaultEnd else { return "the last fault ended" }
        let events = spec.timeline.filter { $0.enabled && abs(analysis.effectEnd(of: $0, in: spec).seconds - last) < 1e-9 }
        guard let first = events.first, events.allSatisfy(\.isOperatorChange) else { return "the last fault ended" }
        let instant = last <= first.at.seconds + 1e-9
        switch first.action {
        case .set(let change): return instant ? "the operator changed \(change.path)" : "the operator's change to \(change.path) ended"
        case .scale(let service, _):
            if instant { return "the operator scaled \(service)" }
            return scaleAddedInstances(service: service, at: first.at.seconds)
                ? "the instances the operator added to \(service) had booted" : "the operator's scaling of \(service) was over"
        default: return "the last fault ended"
        }
    }

    /// Whether an operator's scaling of `service` at `at` started instances booting (the run's
    /// `instance_booting` events at that moment). A scale down, or to the count already running,
    /// adds none: "By 3m20s, the instances the operator added to s had booted" was told of a
    /// scale to zero. The verdict still counts a scaling as a fault for one boot time, so the
    /// sentences then say that the scaling was over. False too when the event log was cut short
    /// (`--max-log-entries`), which leaves the neutral wording.
    func scaleAddedInstances(service: String, at: Double) -> Bool {
        events.contains { $0.kind == .instanceBooting && $0.subject == service && abs($0.time - at) < 1e-9 }
    }

    /// Whether the last fault to end is an operator's change (``lastFaultEnded``).
    var lastFaultIsOperatorChange: Bool { lastFaultEnded != "the last fault ended" }

    /// "the operator's change to PATH" or "the operator's scaling of SERVICE" when `events` are
    /// all operator changes (the first one named); nil otherwise.
    static func operatorChangeName(_ events: [TimelineEventSpec]) -> String? {
        guard let first = events.first, events.allSatisfy(\.isOperatorChange) else { return nil }
        switch first.action {
        case .set(let change): return "the operator's change to \(change.path)"
        case .scale(let service, _): return "the operator's scaling of \(service)"
        default: return nil
        }
    }

    // MARK: - Columns

    /// A column per client (or per service): `clients.NAME.suffix` for each client.
    func clientColumns(_ suffix: String) -> [String] { spec.clients.map { "clients.\($0.name).\(suffix)" } }
    func serviceColumns(_ suffix: String) -> [String] { spec.services.map { "services.\($0.name).\(suffix)" } }

    /// The per-interval sum of `names` (a missing column counts 0) for the intervals `inside`
    /// only, in their order: each interval's sum is taken name by name, as ``values(_:)`` takes
    /// it, so a figure is bit for bit the same. A figure over a window read every row of every
    /// column it names: a story of 2,000 timeline events over 25,000 intervals took six minutes.
    func values(_ names: [String], at inside: [Int]) -> [Double] {
        let positions = names.compactMap { series.position(of: $0) }
        let rows = series.rows
        return inside.map { i in
            var sum = 0.0
            guard i < rows.count else { return sum }
            for p in positions { sum += rows[i][p] }
            return sum
        }
    }

    /// The per-interval sum of `names` (a missing column counts 0).
    func values(_ names: [String]) -> [Double] {
        var sum = [Double](repeating: 0, count: ends.count)
        for name in names {
            guard let column = series.column(name) else { continue }
            for i in sum.indices where i < column.count { sum[i] += column[i] }
        }
        return sum
    }

    // MARK: - Windows

    /// The intervals within [from, to] (starting at or after `from`, ending at or before `to`).
    func intervals(from: Double, to: Double) -> [Int] {
        // The intervals are in time order, so those within [from, to] are consecutive: the first
        // that begins at or after `from` up to the last that ends by `to`, found by halving (a
        // scan of every interval per figure was most of a story's time over a long run).
        let lo = Self.firstIndex(in: begins) { $0 >= from - 1e-9 }
        let hi = Self.firstIndex(in: ends) { $0 > to + 1e-9 }
        return lo < hi ? Array(lo..<hi) : []
    }

    /// The first index of `sorted` (in increasing order) whose value satisfies `isPast`, a
    /// predicate false up to some index and true from it on; `sorted.count` when none does.
    static func firstIndex(in sorted: [Double], where isPast: (Double) -> Bool) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if isPast(sorted[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// The window of whole intervals that covers [from, to] as closely as they can: those
    /// overlapping it, so that a fault shorter than an interval still has one. Nil when none.
    func window(from: Double, to: Double) -> StoryWindow? {
        let overlapping = ends.indices.filter { ends[$0] > from + 1e-9 && begins[$0] < to - 1e-9 }
        guard let first = overlapping.first, let last = overlapping.last else { return nil }
        return StoryWindow(from: begins[first], to: ends[last], toEnd: last == ends.count - 1)
    }

    /// The intervals that begin at or after `from` (and before `to`), as one window: a span that
    /// must hold no fault (what followed the last one) starts at the first interval boundary
    /// after the fault's end, as the verdict's own count does, not in the interval the fault
    /// ended in, whose figures still include it.
    func window(startingAtOrAfter from: Double, to: Double) -> StoryWindow? {
        let inside = ends.indices.filter { begins[$0] >= from - 1e-9 && begins[$0] < to - 1e-9 }
        guard let first = inside.first, let last = inside.last else { return nil }
        return StoryWindow(from: begins[first], to: ends[last], toEnd: last == ends.count - 1)
    }

    /// The window after warmup and before the first fault (the whole run after warmup without one).
    var baselineWindow: StoryWindow? {
        let inside = intervals(from: warmup, to: firstFault ?? .infinity)
        guard let first = inside.first, let last = inside.last else { return nil }
        return StoryWindow(from: begins[first], to: ends[last], toEnd: last == ends.count - 1)
    }

    // MARK: - Measures

    /// `measure` over `window`, as ``StoryMeasure`` defines it.
    func evaluate(_ measure: StoryMeasure, over window: StoryWindow) -> Double {
        let inside = intervals(from: window.from, to: window.to)
        switch measure {
        case .total(let names):
            return values(names, at: inside).reduce(0, +)
        case .rate(let names):
            let v = values(names, at: inside)
            let seconds = inside.reduce(0) { $0 + ends[$1] - begins[$1] }
            return seconds > 0 ? v.reduce(0, +) / seconds : 0
        case .mean(let names):
            let v = values(names, at: inside)
            let seconds = inside.reduce(0) { $0 + ends[$1] - begins[$1] }
            return seconds > 0 ? zip(inside, v).reduce(0) { $0 + $1.1 * (ends[$1.0] - begins[$1.0]) } / seconds : 0
        case .minimum(let names):
            return values(names, at: inside).min() ?? 0
        case .maximum(let names):
            return values(names, at: inside).max() ?? 0
        case .quotient(let a, let b):
            let divisor = evaluate(b, over: window)
            return divisor != 0 ? evaluate(a, over: window) / divisor : 0
        case .difference(let a, let b):
            return evaluate(a, over: window) - evaluate(b, over: window)
        case .constant(let value):
            return value
        case .over(let inner, let other):
            return evaluate(inner, over: other)
        case .given, .explained:
            return 0
        }
    }

    /// A figure of `measure` over `window`.
    func figure(_ measure: StoryMeasure, _ unit: FigureUnit, over window: StoryWindow) -> StoryFigure {
        StoryFigure(evaluate(measure, over: window), unit, measure, window: window)
    }
}

extension TimelineEventSpec {
    /// Whether the event is an operator's change (a `set` or a `scale`) rather than a fault.
    var isOperatorChange: Bool {
        switch action {
        case .set, .scale: return true
        default: return false
        }
    }

    /// Whether the event is a `set` of the value its key already had (the same text): it
    /// changes nothing, so the verdict does not count it as a fault. Counted, one at 5m in a
    /// run of 6m moved the last fault's end there and hid a metastable failure ("whether the
    /// system would have come back ... was not seen").
    public var changesNothing: Bool {
        guard case .set(let change) = action, let previous = resolved?.previousValue else { return false }
        return previous == change.value
    }
}

extension ScenarioSpec {
    /// Whether timeline event `index` is a `set` that changes nothing: the value it already had
    /// (``TimelineEventSpec/changesNothing``), or settings equal to those in force when it starts.
    /// The second catches what the text cannot: `explain` switching retries off made the file's
    /// `set ... max_attempts: 1` a no-op in that counterfactual, yet it still counted as a fault
    /// ending at 3m, and the row's recovery time read 0 s where a run with retries off gave 19 s.
    public func setChangesNothing(_ index: Int) -> Bool {
        let event = timeline[index]
        guard case .set = event.action else { return false }
        if event.changesNothing { return true }
        guard let resolved = event.resolved else { return false }
        // In force just before: the base settings, or the latest start or end of another
        // enabled `set` before this one (at the same instant, one earlier in the file).
        var latest = (time: SimTime.zero, order: -1, settings: SettingsSnapshot(clients: clients, services: services))
        for (j, other) in timeline.enumerated() where j != index && other.enabled {
            guard let r = other.resolved else { continue }
            var moments = [(time: other.at, settings: r.atStart)]
            if let end = r.atEnd, let window = other.duration { moments.append((other.at + window, end)) }
            for moment in moments where moment.time < event.at || (moment.time == event.at && j < index) {
                if (moment.time, j) > (latest.time, latest.order) { latest = (moment.time, j, moment.settings) }
            }
        }
        return latest.settings == resolved.atStart
    }
}
