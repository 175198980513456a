/// Charts that lay the runs of several columns (the variants of `compare`, the counterfactuals
/// of `explain`) over each other: per column, the mean over its replications as a line and the
/// range from the lowest to the highest replication as a band of the same colour.
///
/// Every column's runs share the metrics interval of one scenario, so interval i is the same span
/// of simulated time in each; a run that stopped early simply has fewer intervals, and the mean
/// and range at i are over the runs that have a value there. Where no run of a column has one
/// (no request succeeded in any, for a latency), its line and band have a gap.
public enum OverlayCharts {
    /// One column of runs: its name (`base`, a variant, `without retries`) and its replications.
    public struct Column: Sendable {
        public var name: String
        public var traces: [RunTrace]

        public init(name: String, traces: [RunTrace]) {
            self.name = name
            self.traces = traces
        }
    }

    /// The colours of the columns, in order: the base in black, then the palette's other lines.
    /// In a comparison's charts a colour names a column (its legend says which), and nothing else.
    static let columnColors: [ChartColor] = [.demand, .useful, .waste, .capacity, .turnedAway, .waiting]
    /// After the six colours, the next six columns repeat them dashed, then dotted.
    static let columnStrokes: [ChartSeries.Stroke] = [.solid, .dashed, .dotted]

    /// The mean, lowest and highest finite value at each index over `runs` (NaN where none has one).
    static func summary(_ runs: [[Double]]) -> (mean: [Double], low: [Double], high: [Double]) {
        let count = runs.map(\.count).max() ?? 0
        var mean: [Double] = [], low: [Double] = [], high: [Double] = []
        for i in 0..<count {
            let values = runs.compactMap { i < $0.count && $0[i].isFinite ? $0[i] : nil }
            guard let lowest = values.min(), let highest = values.max() else {
                mean.append(.nan); low.append(.nan); high.append(.nan)
                continue
            }
            mean.append(values.reduce(0, +) / Double(values.count))
            low.append(lowest)
            high.append(highest)
        }
        return (mean, low, high)
    }

    /// The x positions (middle of each interval) of the longest run among `columns`.
    static func times(_ columns: [Column]) -> [Double] {
        let ends = columns.flatMap(\.traces).max { $0.ends.count < $1.ends.count }?.ends ?? []
        var previous = 0.0
        return ends.map { end in
            defer { previous = end }
            return end - (end - previous) / 2
        }
    }

    /// What the band of a column is, for the legend: `min to max of 5 runs`.
    static func bandName(_ column: Column) -> String {
        "\(column.name): min to max of \(column.traces.count) run\(column.traces.count == 1 ? "" : "s")"
    }

    /// A panel with every column's mean line and band, from `values(trace)`.
    /// The stretches [s] where `values` has no finite value, from the start of the first such
    /// interval to the end of the last, given each interval's middle `times`.
    static func gaps(_ values: [Double], times: [Double]) -> [(start: Double, end: Double)] {
        var result: [(start: Double, end: Double)] = []
        var i = 0
        while i < min(values.count, times.count) {
            guard !values[i].isFinite else { i += 1; continue }
            var j = i
            while j + 1 < min(values.count, times.count) && !values[j + 1].isFinite { j += 1 }
            let half = times.count > 1 ? (times[1] - times[0]) / 2 : times[0]
            result.append((max(0, times[i] - half), times[j] + half))
            i = j + 1
        }
        return result
    }

    static func panel(
        title: String, columns: [Column], times: [Double], yAxis: ChartPanel.YAxis = .linear(scale: 1), gapLabel: String? = nil,
        values: (RunTrace) -> [Double]
    ) -> ChartPanel {
        var series: [ChartSeries] = []
        var bands: [ChartPanel.Band] = []
        for (index, column) in columns.enumerated() {
            let color = columnColors[index % columnColors.count]
            let stroke = columnStrokes[(index / columnColors.count) % columnStrokes.count]
            let s = summary(column.traces.map(values))
            var name = "\(column.name): mean of \(column.traces.count)"
            // One column's line can stop while the others go on: its name says where, since the
            // panel's gap label only marks stretches where every line stops.
            if gapLabel != nil {
                let empty = gaps(s.mean, times: times)
                if !empty.isEmpty {
                    name += "; none succeeded " + empty.prefix(2).map {
                        AxisTicks.timeLabel($0.start.rounded()) + "\u{2013}" + AxisTicks.timeLabel($0.end.rounded())
                    }.joined(separator: ", ") + (empty.count > 2 ? "..." : "")
                }
            }
            series.append(ChartSeries(
                name: name, values: s.mean, color: color, stroke: stroke,
                width: index == 0 ? 3 : 2.5))
            if column.traces.count > 1 {
                bands.append(ChartPanel.Band(name: bandName(column), low: s.low, high: s.high, color: color))
            }
        }
        return ChartPanel(title: title, yAxis: yAxis, series: series, bands: bands, spikes: .clip, gapLabel: gapLabel)
    }

    /// For `compare`: per client, one chart of successes per second and one of p99 latency (in
    /// `unit`), each with every column overlaid.
    public static func comparison(
        columns: [Column], clients: [String], duration: Double, marks: [TimeMark], unit: LatencyUnit
    ) -> [RunCharts.Entry] {
        let times = times(columns)
        var entries: [RunCharts.Entry] = []
        for (c, client) in clients.enumerated() {
            func trace(_ t: RunTrace) -> RunTrace.Client? { c < t.clients.count ? t.clients[c] : nil }
            let goodput = panel(title: "\(client): successes per second (goodput)", columns: columns, times: times) { trace($0)?.goodput ?? [] }
            let latency = panel(
                title: "\(client): p99 latency (\(unit.rawValue)) of the requests that succeeded", columns: columns, times: times,
                yAxis: .linear(scale: unit.scale), gapLabel: "no successes in any run"
            ) { trace($0)?.p99 ?? [] }
            let safe = RunCharts.fileSafe(client)
            entries.append(RunCharts.Entry(
                fileName: "compare-goodput-\(safe).svg", caption: bandCaption(columns),
                chart: Chart(title: "\(client): goodput by variant", times: times, duration: duration, panels: [goodput], marks: marks)))
            entries.append(RunCharts.Entry(
                fileName: "compare-latency-\(safe).svg", caption: bandCaption(columns),
                chart: Chart(title: "\(client): p99 latency by variant", times: times, duration: duration, panels: [latency], marks: marks)))
        }
        return entries
    }

    /// For `explain`: one panel per counterfactual (`columns[1...]`), each overlaid on the base
    /// (`columns[0]`), of the successes per second of every client together.
    public static func explanation(columns: [Column], duration: Double, marks: [TimeMark]) -> RunCharts.Entry? {
        guard let base = columns.first else { return nil }
        let times = times(columns)
        let others = columns.dropFirst()
        let panels = (others.isEmpty ? [base] : Array(others)).map { column in
            panel(
                title: others.isEmpty ? "base: successes per second, all clients" : "\(column.name): successes per second, all clients",
                columns: others.isEmpty ? [base] : [base, column], times: times
            ) { $0.totalGoodput }
        }
        return RunCharts.Entry(
            fileName: "explain-goodput.svg", caption: bandCaption(columns),
            chart: Chart(title: "Goodput with each mechanism off, against the base", times: times, duration: duration,
                         panels: panels, marks: marks))
    }

    static func bandCaption(_ columns: [Column]) -> String {
        let runs = columns.first?.traces.count ?? 0
        return "Each line is the mean over the \(runs) replication\(runs == 1 ? "" : "s") of a column (replication r runs on seed base + r in "
            + "every column); the shaded band of its colour spans the lowest to the highest replication at each moment "
            + "(the range of the runs, not a confidence interval). A spike far above the rest is cut off, its peak written."
    }
}
