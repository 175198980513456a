import SatsimCore
import SatsimModel

extension ScenarioLoader {
    /// A diagnostic when `spec` certainly needs more counted events than `budget`
    /// (``EventFloor``), located at the value of the source that needs the most, with the value
    /// that would fit; nil otherwise. The run would only stop at the budget, after minutes of
    /// simulating (10^9 requests/s: 100 s), so the file is refused before it starts.
    static func checkEventBudget(_ spec: ScenarioSpec, budget: Int, positions: PositionIndex) -> Diagnostic? {
        let sources = EventFloor.sources(of: spec)
        let total = sources.reduce(0) { $0 + $1.events }
        guard let top = sources.first, total > Double(budget) else { return nil }
        let others = total - top.events
        let room = Double(budget) - others
        let isRate = top.path.hasSuffix(".arrival.rate")
        var found: String
        var fits: String?
        let span = top.seconds >= spec.duration.seconds
            ? "over the run's \(spec.duration.shortText)"
            : "in the first \(SimTime(seconds: top.seconds).shortText), before the timeline may change it"
        if isRate {
            found = "found \(Self.number(top.perSecond))/s, which sends at least \(Self.count(top.events)) requests \(span)"
            if room >= 1 { fits = "a rate <= \(Self.number((room / top.seconds).rounded(.down)))/s" }
        } else {
            let interval = spec.services.first { top.path.hasPrefix("services.\($0.name).") }.flatMap { service -> SimTime? in
                if top.path.hasSuffix(".health_check.interval") { return service.healthCheck?.interval }
                if top.path.hasSuffix(".autoscaler.interval") { return service.autoscaler?.interval }
                return service.outlierDetection?.interval
            } ?? .zero
            found = "found \(interval.shortText), which makes at least \(Self.count(top.events)) \(top.what) \(span)"
            if room >= 1 {
                // The interval at which this source's rounds fit in the room the others leave.
                let needed = interval.seconds * top.events / room
                let ns = (needed * 1e9).rounded(.up)
                if ns < 9e18 { fits = "an interval >= \(SimTime(nanoseconds: Int64(ns)).shortText)" }
            }
        }
        if sources.count > 1 { found += " (\(Self.count(total)) counted events in all)" }
        let expected = (fits.map { "expected \($0), or a shorter duration" } ?? "expected a shorter duration or fewer sources of events")
        return Diagnostic(
            at: positions.value(top.path), path: top.path,
            "\(found), more than the event budget of \(budget) counted events, so the run could not reach its end; "
                + "\(expected); or give --max-events to run it anyway until that budget stops it")
    }

    /// A count in plain digits, or a bound beyond them.
    static func count(_ x: Double) -> String {
        x < 1e15 ? String(Int64(x.rounded(.down))) : "more than 10^15"
    }

    /// A rate as written: whole numbers without a decimal point.
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }
}
