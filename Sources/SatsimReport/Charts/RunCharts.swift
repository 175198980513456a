import SatsimAnalysis
import SatsimMetrics
import SatsimModel

/// The charts of one run, each with the name of its file in `satsim run --out DIR`:
///
/// - `goodput.svg`: per client, requests/s offered, attempts/s sent (retries included, so retry
///   amplification shows as the gap between the two) and successes/s (goodput);
/// - `latency.svg`: per client, p99 and mean latency of the requests that succeeded in each
///   interval (a gap where none did);
/// - `service-NAME.svg`: per service, utilization and queue length, serving instances (with the
///   autoscaler's desired count, when it has one) when their number can change, and above the
///   plots a lane per mechanism that acted: instances ejected, instances booting, panic mode,
///   kills and scaling decisions;
/// - `service-NAME-losses.svg`: per service, per second: work completed for callers still waiting
///   (useful), completed for callers who had gone (wasted), turned away (rejected), dropped from the queue before service (dropped).
///
/// Every chart shades the warmup and the timeline's faults. A point is drawn at the middle of its
/// metrics interval (the time series stamps each interval with its end). The goodput chart has a
/// lane per client breaker that opened. Rate and queue axes cut off a short spike (its peak is
/// written), so the baseline stays readable; latency is in one unit for the whole report
/// (``LatencyUnit/of(_:)``), and an interval where no request succeeded says so.
public struct RunCharts: Sendable {
    /// A chart and the name of its file.
    public struct Entry: Sendable, Hashable {
        /// The file name, e.g. `goodput.svg`.
        public var fileName: String
        /// How to read the chart, for the report's caption.
        public var caption: String
        public var chart: Chart
    }

    /// The charts, in the order the report shows them.
    public var entries: [Entry]

    /// The charts of `result`; `analysis` adds the moment of recovery when there was one. Each
    /// client's goodput panel has its baseline (mean goodput after warmup, before the first fault)
    /// as a dotted line.
    public init(result: SimulationResult, spec: ScenarioSpec, analysis: RunAnalysis? = nil) {
        let end = result.endSeconds.isFinite ? min(result.endSeconds, spec.duration.seconds) : spec.duration.seconds
        let series = result.timeSeries
        let ends = series.column("time") ?? []
        var widths: [Double] = []
        var times: [Double] = []
        var previous = 0.0
        for end in ends {
            widths.append(end - previous)
            times.append(end - (end - previous) / 2)
            previous = end
        }
        func column(_ name: String) -> [Double] {
            series.column(name) ?? [Double](repeating: .nan, count: ends.count)
        }
        func perSecond(_ name: String) -> [Double] {
            zip(column(name), widths).map { $1 > 0 ? $0 / $1 : .nan }
        }
        let duration = spec.duration.seconds
        var marks = Self.marks(spec: spec)
        if let verdict = analysis?.verdict, let recovery = verdict.recoveryTime,
           let lastFaultEnd = analysis?.faults.map(\.end).max()
        {
            let at = lastFaultEnd + recovery
            marks.append(TimeMark(kind: .milestone, start: at, end: at, label: "recovered"))
        }
        // A run a limit stopped: the time it never simulated is marked, not left blank.
        if result.limitHit != nil, end < duration {
            marks.append(TimeMark(kind: .notSimulated, start: end, end: duration, label: "not simulated: \(result.limitHit?.isInterrupt == true ? "interrupted" : "stopped at a limit") at \(StoryClock.text(end, decimals: StoryClock.decimals(for: spec)))"))
        }
        // Baseline: after warmup, before the first fault (the whole run after warmup without one).
        let warmup = spec.warmup.seconds
        let firstFault = spec.timeline.filter(\.enabled).map(\.at.seconds).min() ?? .infinity
        let baselineIntervals = ends.indices.filter { ends[$0] - widths[$0] >= warmup - 1e-9 && ends[$0] <= firstFault + 1e-9 }
        func baseline(_ name: String) -> Double {
            let values = column(name)
            let seconds = baselineIntervals.reduce(0) { $0 + widths[$1] }
            return seconds > 0 ? baselineIntervals.reduce(0) { $0 + values[$1] } / seconds : .nan
        }
        func chart(_ title: String, _ panels: [ChartPanel], lanes: [ChartLane] = []) -> Chart {
            Chart(title: title, times: times, duration: duration, panels: panels, marks: marks, lanes: lanes)
        }

        var entries: [Entry] = []
        let clients = spec.clients.map(\.name)
        // Lanes average over whole intervals at least 8 px wide, so that each shade can be told
        // from its neighbours.
        let pixelsPerSecond = (SVGChartWriter.plotRight - SVGChartWriter.plotLeft) / max(duration, 1e-9)
        let typicalWidth = widths.first ?? 1
        let group = max(1, Int((8 / max(typicalWidth * pixelsPerSecond, 1e-9)).rounded(.up)))
        var laneEnds = stride(from: group - 1, to: ends.count, by: group).map { ends[$0] }
        if let last = ends.last, laneEnds.last != last { laneEnds.append(last) }
        var clientLanes: [ChartLane] = []
        for name in clients {
            if let lane = Self.breakerLane(result.events, client: name, end: end) { clientLanes.append(lane) }
            // Refusals on the client's side, when the run's time series counts them per interval.
            for (figure, meaning) in [("rejected_throttle", "attempts refused by the adaptive throttle"),
                                      ("rejected_budget", "retries refused by the retry budget")] {
                if let counts = series.column("clients.\(name).\(figure)"),
                   let lane = Self.rateLane("\(name): \(meaning)", counts: counts, ends: ends, laneEnds: laneEnds) {
                    clientLanes.append(lane)
                }
            }
        }
        entries.append(Entry(fileName: "goodput.svg", caption: Self.goodputCaption, chart: chart("Goodput against offered load", clients.map { name in
            let prefix = "clients.\(name)."
            let base = baseline(prefix + "successes")
            let label = "baseline goodput " + (base >= 100 ? FixedDecimal.format(base, decimals: 0) : TextSummary.number(base)) + "/s"
            return ChartPanel(title: "\(name): per second", series: [
                ChartSeries(name: "requests offered", values: perSecond(prefix + "requests"), color: .demand, stroke: .dashed, width: 2),
                ChartSeries(name: "attempts sent (with retries)", values: perSecond(prefix + "attempts"), color: .waste, width: 2),
                ChartSeries(name: "successes (goodput)", values: perSecond(prefix + "successes"), color: .useful, width: 3),
            ], references: base.isFinite && base > 0 ? [ChartPanel.Reference(value: base, label: label)] : [], spikes: .clip)
        }, lanes: clientLanes)))

        let latencies = clients.map { name in
            let prefix = "clients.\(name)."
            let served = column(prefix + "successes").map { $0 > 0 }
            func latency(_ figure: String) -> [Double] {
                zip(column(prefix + figure), served).map { $1 ? $0 : .nan }
            }
            return (name: name, p99: latency("latency_p99"), mean: latency("latency_mean"))
        }
        entries.append(Entry(fileName: "latency.svg", caption: Self.latencyCaption, chart: chart(
            "Latency of successful requests", Self.latencyPanels(latencies, unit: LatencyUnit.of(result)))))

        var usedNames: Set<String> = ["goodput", "latency"]
        for service in spec.services {
            let prefix = "services.\(service.name)."
            var base = "service-" + Self.fileSafe(service.name)
            while usedNames.contains(base) { base += "-" }
            usedNames.insert(base)
            usedNames.insert(base + "-losses")
            var panels = [
                ChartPanel(title: "\(service.name): utilization (busy workers / workers)", yAxis: .percent, series: [
                    ChartSeries(name: "utilization", values: column(prefix + "utilization"), color: .capacity)
                ]),
                ChartPanel(title: "\(service.name): queue length (attempts waiting, all instances)", series: [
                    ChartSeries(name: "queue length", values: column(prefix + "queue_length"), color: .waiting)
                ]),
            ]
            let instances = column(prefix + "instances").filter(\.isFinite)
            let desired = series.column(prefix + "desired_instances")
            if let desired {
                // Desired against serving: the gap between the two is the autoscaler's lag
                // (boot time, cooldowns), or instances lost to kills and ejections.
                panels.append(ChartPanel(title: "\(service.name): instances, desired by the autoscaler and serving", series: [
                    ChartSeries(name: "serving instances", values: column(prefix + "instances"), color: .capacity, width: 3),
                    ChartSeries(name: "desired by the autoscaler", values: desired, color: .capacity, stroke: .dashed, width: 2.5),
                ]))
            } else if let low = instances.min(), let high = instances.max(), high - low >= 0.01 {
                panels.append(ChartPanel(title: "\(service.name): serving instances", series: [
                    ChartSeries(name: "instances", values: column(prefix + "instances"), color: .capacity)
                ]))
            }
            let serviceChart = chart(
                "\(service.name): utilization and queue", panels, lanes: Self.serviceLanes(result.events, service: service.name, end: end, ends: laneEnds))
            entries.append(Entry(fileName: base + ".svg", caption: Self.serviceCaption, chart: serviceChart))
            let wasted = perSecond(prefix + "wasted")
            let useful = zip(perSecond(prefix + "completions"), wasted).map { $0.isFinite && $1.isFinite ? max(0, $0 - $1) : .nan }
            entries.append(Entry(fileName: base + "-losses.svg", caption: Self.lossesCaption, chart: chart("\(service.name): work completed and lost", [
                ChartPanel(title: "\(service.name): attempts per second", series: [
                    // Completed work split in two, so that waste shows even when it is all of it
                    // (a "wasted" line under a "completed" one of the same height was invisible).
                    ChartSeries(name: "useful (caller waiting)", values: useful, color: .useful, width: 3),
                    ChartSeries(name: "wasted (caller gone)", values: wasted, color: .waste, width: 2.5),
                    ChartSeries(name: "rejected", values: perSecond(prefix + "rejected"), color: .turnedAway, width: 2.5),
                    ChartSeries(name: "dropped", values: perSecond(prefix + "dropped"), color: .turnedAway, stroke: .dashed, width: 2.5),
                ], spikes: .clip)
            ])))
        }
        self.entries = entries
    }

    static let goodputCaption = """
        Requests offered (dashed), attempts sent including retries, and successes per second. The gap \
        between attempts and requests is retry amplification; the gap between requests and successes is \
        goodput lost. Grey: warmup; orange: the timeline's faults. A spike far above the rest is cut \
        off at the top of the axis, with a triangle and its peak value, so the baseline stays readable. \
        Lanes above the plot show when a client's circuit breaker was open or half-open, and how many \
        attempts per second its adaptive throttle or retry budget refused (when the run counts them).
        """
    static let latencyCaption = """
        The 99th percentile and the mean latency of the requests that succeeded in each interval, from \
        their first attempt to the final answer, in one unit for the whole report. A dark bar on the \
        floor marked "no successes" is an interval where no request succeeded: no latency to show, \
        not a latency of zero.
        """
    static let serviceCaption = """
        Utilization (busy workers over the workers of serving instances) and queue length (attempts \
        waiting, all instances), time-averaged over each interval; serving instances against the count \
        the autoscaler wants, when it has one. Lanes above the plots show the mechanisms that acted: \
        how many instances were ejected by health checks or booting (darker is more, the count \
        written inside), panic mode, and each kill (K) and scaling decision (arrow to the new count).
        """
    static let lossesCaption = """
        Attempts per second that the service completed for a caller still waiting (useful), completed after \
        their caller had given up (wasted; useful + wasted = completed), turned away at once (rejected), and \
        removed from the queue before service (dropped, dashed).
        """

    /// The latency panels, one per client, all in `unit` (by default chosen from the largest
    /// latency of any client, so that panels side by side never switch units). Each entry holds
    /// latencies [s] per interval (NaN: none succeeded, marked "no successes").
    static func latencyPanels(
        _ clients: [(name: String, p99: [Double], mean: [Double])], unit: LatencyUnit? = nil
    ) -> [ChartPanel] {
        let unit = unit ?? LatencyUnit.forLargest(clients.flatMap { $0.p99 + $0.mean }.filter(\.isFinite).max() ?? 0)
        return clients.map { client in
            ChartPanel(
                title: "\(client.name): latency (\(unit.rawValue)), first attempt to final answer",
                yAxis: .linear(scale: unit.scale),
                series: [
                    ChartSeries(name: "p99", values: client.p99, color: .waiting, width: 3),
                    ChartSeries(name: "mean", values: client.mean, color: .waiting, stroke: .dashed, width: 2.5),
                ], gapLabel: "no successes")
        }
    }

    /// The instance number of an instance event's detail (`instance 3 ...`), nil for another.
    static func instanceNumber(_ detail: String) -> Int? {
        guard detail.hasPrefix("instance ") else { return nil }
        return Int(detail.dropFirst("instance ".count).prefix { $0.isNumber })
    }

    /// Spans where a set of members is not empty, its size as level and label: `changes` are
    /// applied in time order (all those at one moment before the size is read), and the last
    /// span ends at `end` [s].
    static func countSpans(_ changes: [(time: Double, apply: (inout Set<Int>) -> Void)], end: Double) -> [ChartLane.Span] {
        var members: Set<Int> = []
        var spans: [ChartLane.Span] = []
        var open: (start: Double, count: Int)? = nil
        var i = 0
        let sorted = changes.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        while i < sorted.count {
            let time = sorted[i].time
            while i < sorted.count && sorted[i].time == time {
                sorted[i].apply(&members)
                i += 1
            }
            guard members.count != (open?.count ?? 0) else { continue }
            if let current = open, time > current.start {
                spans.append(ChartLane.Span(start: current.start, end: time, level: Double(current.count), label: "\(current.count)"))
            }
            open = members.isEmpty ? nil : (time, members.count)
        }
        if let current = open, end > current.start {
            spans.append(ChartLane.Span(start: current.start, end: end, level: Double(current.count), label: "\(current.count)"))
        }
        return spans
    }

    /// `spans` as their time-average over each interval ending at `ends` [s] (the first starts
    /// at 0), adjacent intervals of the same average (to one decimal) merged, intervals with none
    /// left out. Spans that each cover whole intervals come back unchanged in value. O(spans +
    /// intervals). Without `ends`, `spans` unchanged.
    static func averaged(_ spans: [ChartLane.Span], ends: [Double]) -> [ChartLane.Span] {
        guard !ends.isEmpty, !spans.isEmpty else { return spans }
        var result: [ChartLane.Span] = []
        var start = 0.0
        var k = 0
        for end in ends where end > start {
            var area = 0.0
            while k < spans.count && spans[k].end <= start { k += 1 }
            var j = k
            while j < spans.count && spans[j].start < end {
                area += (min(end, spans[j].end) - max(start, spans[j].start)) * spans[j].level
                j += 1
            }
            let mean = area / (end - start)
            let label = TextSummary.number((mean * 10).rounded() / 10)
            if mean >= 0.05 {
                if let last = result.last, last.label == label, last.end == start {
                    result[result.count - 1].end = end
                } else {
                    result.append(ChartLane.Span(start: start, end: end, level: (mean * 10).rounded() / 10, label: label))
                }
            }
            start = end
        }
        return result
    }

    /// The lanes of a service's chart, for the mechanisms that acted on it: instances ejected by
    /// health checks (ejected until readmitted, killed or stopped), instances booting (until
    /// ready, killed or stopped), panic mode, and its kills and scaling decisions.
    ///
    /// Counts are averaged over the metrics intervals ending at `ends` [s] (when given), so that
    /// instances ejected and readmitted every few hundred milliseconds read as "1.5 out on
    /// average" per interval, not as a barcode of slivers.
    static func serviceLanes(_ events: [RunEvent], service: String, end: Double, ends: [Double] = []) -> [ChartLane] {
        let mine = events.filter { $0.subject == service && $0.time.isFinite }
        func membership(_ add: RunEventKind, removedBy: Set<RunEventKind>) -> [ChartLane.Span] {
            countSpans(mine.compactMap { event in
                guard let n = instanceNumber(event.detail) else { return nil }
                if event.kind == add { return (event.time, { $0.insert(n) }) }
                if removedBy.contains(event.kind) { return (event.time, { $0.remove(n) }) }
                return nil
            }, end: end)
        }
        var lanes: [ChartLane] = []
        // The name gives the scale of the shades: the most at once, and how they are averaged.
        func countLane(_ name: String, _ exact: [ChartLane.Span]) {
            let spans = averaged(exact, ends: ends)
            guard !spans.isEmpty else { return }
            let most = Int(exact.map(\.level).max() ?? 0)
            let how = spans == exact ? "" : ", mean per interval"
            lanes.append(ChartLane(name: "\(service): \(name) (up to \(most) at once\(how); darker is more)", spans: spans))
        }
        countLane("instances ejected by health checks", membership(.instanceEjected, removedBy: [.instanceReadmitted, .instanceKilled, .instanceStopped]))
        countLane("instances booting (restart or scale-up)", membership(.instanceBooting, removedBy: [.instanceReady, .instanceKilled, .instanceStopped]))
        var panic: [ChartLane.Span] = []
        var panicStart: Double? = nil
        for event in mine {
            if event.kind == .panicStarted, panicStart == nil { panicStart = event.time }
            if event.kind == .panicEnded, let start = panicStart {
                panic.append(ChartLane.Span(start: start, end: event.time, level: 1, label: "panic"))
                panicStart = nil
            }
        }
        if let start = panicStart { panic.append(ChartLane.Span(start: start, end: end, level: 1, label: "panic")) }
        if !panic.isEmpty {
            lanes.append(ChartLane(name: "\(service): panic mode (the balancer ignores health checks)", spans: panic))
        }
        var instants: [ChartLane.Instant] = []
        for event in mine {
            switch event.kind {
            case .instanceKilled: instants.append(ChartLane.Instant(time: event.time, label: "K"))
            case .scaled:
                // The detail reads "... scaled from 2 to 4 instances ...": the arrow shows the new count.
                let count = event.detail.range(of: " to ").flatMap { Int(event.detail[$0.upperBound...].prefix { $0.isNumber }) }
                instants.append(ChartLane.Instant(time: event.time, label: count.map { "\u{2192}\($0)" } ?? "S"))
            default: break
            }
        }
        if !instants.isEmpty {
            lanes.append(ChartLane(name: "\(service): kills (K) and scaling decisions (\u{2192} new count)", instants: instants))
        }
        return lanes
    }

    /// A lane of a count per interval (ending at `ends` [s]) as a rate: a span per interval with
    /// any, its level and label the count per second, averaged over `laneEnds`; nil when the
    /// count is 0 throughout. The name gets the unit and the highest rate.
    static func rateLane(_ name: String, counts: [Double], ends: [Double], laneEnds: [Double]) -> ChartLane? {
        var spans: [ChartLane.Span] = []
        var start = 0.0
        for (count, end) in zip(counts, ends) {
            defer { start = end }
            guard count.isFinite, count > 0, end > start else { continue }
            let rate = count / (end - start)
            spans.append(ChartLane.Span(start: start, end: end, level: rate, label: SVGChartWriter.peakLabel(rate)))
        }
        guard let highest = spans.map(\.level).max() else { return nil }
        let shown = averaged(spans, ends: laneEnds).map { span in
            ChartLane.Span(start: span.start, end: span.end, level: span.level, label: SVGChartWriter.peakLabel(span.level))
        }
        return ChartLane(name: "\(name) (per second, up to \(SVGChartWriter.peakLabel(highest))/s; darker is more)", spans: shown)
    }

    /// The lane of `client`'s circuit breaker: open (darker) and half-open spans, nil when it
    /// never left closed.
    static func breakerLane(_ events: [RunEvent], client: String, end: Double) -> ChartLane? {
        var spans: [ChartLane.Span] = []
        var current: (start: Double, open: Bool)? = nil
        func close(at time: Double) {
            if let state = current, time > state.start {
                spans.append(ChartLane.Span(
                    start: state.start, end: time, level: state.open ? 2 : 1, label: state.open ? "open" : "half-open"))
            }
            current = nil
        }
        for event in events where event.subject == client && event.time.isFinite {
            switch event.kind {
            case .breakerOpened: close(at: event.time); current = (event.time, true)
            case .breakerHalfOpen: close(at: event.time); current = (event.time, false)
            case .breakerClosed: close(at: event.time)
            default: break
            }
        }
        close(at: end)
        return spans.isEmpty ? nil : ChartLane(name: "\(client): circuit breaker open (darker) or half-open", spans: spans)
    }

    /// The warmup and every timeline event, labelled.
    static func marks(spec: ScenarioSpec) -> [TimeMark] {
        var marks: [TimeMark] = []
        if spec.warmup > .zero {
            marks.append(TimeMark(kind: .warmup, start: 0, end: spec.warmup.seconds, label: "warmup"))
        }
        for event in spec.timeline where event.enabled {
            let windowed = event.duration != nil
            marks.append(
                TimeMark(
                    kind: windowed ? .fault : .step, start: event.at.seconds, end: event.end.seconds,
                    label: TimelineLabel.short(event.action)))
        }
        return marks
    }

    /// `name` reduced to letters, digits, `-` and `_` (scenario names already are).
    static func fileSafe(_ name: String) -> String {
        let safe = String(name.unicodeScalars.map { scalar -> Character in
            let c = Character(scalar)
            return (scalar.isASCII && (c.isLetter || c.isNumber)) || c == "-" || c == "_" ? c : "-"
        })
        return safe.isEmpty ? "unnamed" : safe
    }
}
