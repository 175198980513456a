import SatsimAnalysis
import SatsimMetrics
import SatsimModel

/// The charts of one run, each with the name of its file in `satsim run --out DIR`:
///
/// - `goodput.svg`: per client, requests/s offered, attempts/s sent (retries included, so retry
///   amplification shows as the gap between the two) and successes/s (goodput);
/// - `latency.svg`: per client, p99 and mean latency of the requests that succeeded in each
///   interval (a gap where none did);
/// - `service-NAME.svg`: per service, utilization and queue length (and serving instances when
///   their number changes), with the service's ejections, kills, boots and scaling decisions
///   marked by letters at the top of each plot;
/// - `service-NAME-losses.svg`: per service, per second: work completed for callers still waiting
///   (useful), completed for callers who had gone (wasted), turned away (rejected), dropped from the queue before service (dropped).
///
/// Every chart shades the warmup and the timeline's faults. A point is drawn at the middle of its
/// metrics interval (the time series stamps each interval with its end).
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
        // Baseline: after warmup, before the first fault (the whole run after warmup without one).
        let warmup = spec.warmup.seconds
        let firstFault = spec.timeline.filter(\.enabled).map(\.at.seconds).min() ?? .infinity
        let baselineIntervals = ends.indices.filter { ends[$0] - widths[$0] >= warmup - 1e-9 && ends[$0] <= firstFault + 1e-9 }
        func baseline(_ name: String) -> Double {
            let values = column(name)
            let seconds = baselineIntervals.reduce(0) { $0 + widths[$1] }
            return seconds > 0 ? baselineIntervals.reduce(0) { $0 + values[$1] } / seconds : .nan
        }
        func chart(_ title: String, _ panels: [ChartPanel]) -> Chart {
            Chart(title: title, times: times, duration: duration, panels: panels, marks: marks)
        }

        var entries: [Entry] = []
        let clients = spec.clients.map(\.name)
        entries.append(Entry(fileName: "goodput.svg", caption: Self.goodputCaption, chart: chart("Goodput against offered load", clients.map { name in
            let prefix = "clients.\(name)."
            let base = baseline(prefix + "successes")
            let label = "baseline goodput " + (base >= 100 ? FixedDecimal.format(base, decimals: 0) : TextSummary.number(base)) + "/s"
            return ChartPanel(title: "\(name): per second", series: [
                ChartSeries(name: "requests offered", values: perSecond(prefix + "requests"), color: .demand, stroke: .dashed, width: 2),
                ChartSeries(name: "attempts sent (with retries)", values: perSecond(prefix + "attempts"), color: .waste, width: 2),
                ChartSeries(name: "successes (goodput)", values: perSecond(prefix + "successes"), color: .useful, width: 3),
            ], references: base.isFinite && base > 0 ? [ChartPanel.Reference(value: base, label: label)] : [])
        })))

        let latencies = clients.map { name in
            let prefix = "clients.\(name)."
            let served = column(prefix + "successes").map { $0 > 0 }
            func latency(_ figure: String) -> [Double] {
                zip(column(prefix + figure), served).map { $1 ? $0 : .nan }
            }
            return (name: name, p99: latency("latency_p99"), mean: latency("latency_mean"))
        }
        entries.append(Entry(fileName: "latency.svg", caption: Self.latencyCaption, chart: chart("Latency of successful requests", Self.latencyPanels(latencies))))

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
            if let low = instances.min(), let high = instances.max(), high - low >= 0.01 {
                panels.append(ChartPanel(title: "\(service.name): serving instances", series: [
                    ChartSeries(name: "instances", values: column(prefix + "instances"), color: .capacity)
                ]))
            }
            var serviceChart = chart("\(service.name): utilization and queue", panels)
            let events = Self.eventMarks(result.events, service: service.name)
            if !events.marks.isEmpty {
                serviceChart.marks += events.marks
                serviceChart.note = events.note
            }
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
                ])
            ])))
        }
        self.entries = entries
    }

    static let goodputCaption = """
        Requests offered (dashed), attempts sent including retries, and successes per second. The gap \
        between attempts and requests is retry amplification; the gap between requests and successes is \
        goodput lost. Grey: warmup; orange: the timeline's faults.
        """
    static let latencyCaption = """
        The 99th percentile and the mean latency of the requests that succeeded in each interval, from \
        their first attempt to the final answer. A gap means no request succeeded in that interval.
        """
    static let serviceCaption = """
        Utilization (busy workers over the workers of serving instances) and queue length (attempts \
        waiting, all instances), time-averaged over each interval. Letters at the top of the plots mark \
        the run's ejections (E), kills (K), boots (B) and scaling decisions (S), when there are any.
        """
    static let lossesCaption = """
        Attempts per second that the service completed for a caller still waiting (useful), completed after \
        their caller had given up (wasted; useful + wasted = completed), turned away at once (rejected), and \
        removed from the queue before service (dropped, dashed).
        """

    /// The latency panels, one per client, all in one unit chosen once from the largest latency of
    /// any client: milliseconds when it is under 1 s, seconds otherwise, so that panels side by
    /// side never switch units. Each entry holds latencies [s] per interval (NaN: none).
    static func latencyPanels(_ clients: [(name: String, p99: [Double], mean: [Double])]) -> [ChartPanel] {
        let largest = clients.flatMap { $0.p99 + $0.mean }.filter(\.isFinite).max() ?? 0
        let milliseconds = largest < 1
        return clients.map { client in
            ChartPanel(
                title: "\(client.name): latency (\(milliseconds ? "ms" : "s")), first attempt to final answer",
                yAxis: .linear(scale: milliseconds ? 1000 : 1),
                series: [
                    ChartSeries(name: "p99", values: client.p99, color: .waiting, width: 3),
                    ChartSeries(name: "mean", values: client.mean, color: .waiting, stroke: .dashed, width: 2.5),
                ])
        }
    }

    /// The glyphs of the run's events drawn on a service's chart, with their meaning.
    static let eventGlyphs: [(kind: RunEventKind, letter: String, meaning: String)] = [
        (.instanceEjected, "E", "ejected by health checks"),
        (.instanceKilled, "K", "killed"),
        (.instanceBooting, "B", "booting (restart or scale-up)"),
        (.scaled, "S", "scaled"),
    ]

    /// The ejections, kills, boots and scaling decisions of `service` as event marks, and the key
    /// of the letters used (`E ejected by health checks · S scaled`), empty when there are none.
    static func eventMarks(_ events: [RunEvent], service: String) -> (marks: [TimeMark], note: String) {
        var marks: [TimeMark] = []
        var used: Set<String> = []
        for event in events where event.subject == service && event.time.isFinite {
            guard let glyph = eventGlyphs.first(where: { $0.kind == event.kind }) else { continue }
            marks.append(TimeMark(kind: .event, start: event.time, end: event.time, label: glyph.letter))
            used.insert(glyph.letter)
        }
        let key = eventGlyphs.filter { used.contains($0.letter) }.map { "\($0.letter) \($0.meaning)" }
        return (marks, key.isEmpty ? "" : "Marks at the top of each plot: " + key.joined(separator: " \u{00B7} "))
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
