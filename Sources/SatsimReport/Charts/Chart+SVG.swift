import SatsimMetrics

/// Rendering a chart as a standalone SVG document.
///
/// The layout is fixed-width (960 px, scaled by the viewer through the `viewBox`), with the title,
/// then per panel a heading, a legend when it has more than one series, and the plot; the labels
/// of the time marks sit in lanes above the first plot, where they cannot hide a line. Every
/// text is escaped; every number is written with at most one decimal, and non-finite values are
/// gaps, so the document is well-formed XML and its bytes depend only on the chart.
extension Chart {
    /// The chart as an SVG document (UTF-8 text, no XML declaration needed), O(points).
    public func svg() -> String {
        var writer = SVGChartWriter(chart: self)
        return writer.render()
    }
}

/// The geometry and the text of one chart being rendered.
struct SVGChartWriter {
    let chart: Chart
    var out = ""

    // Layout [px]. Fonts are large enough to read from the back of a room when projected: no
    // text is smaller than `minimumTextSize`.
    static let width = 960.0
    static let plotLeft = 84.0
    static let plotRight = 936.0
    static let plotHeight = 210.0
    static let titleSize = 19.0
    static let headingSize = 15.0
    static let textSize = 14.0
    /// The smallest font size of any text of a chart [px]: tick labels, legends, mark labels.
    static let minimumTextSize = 14.0
    static let laneHeight = 18.0
    static let fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
    static let ink = "#1A1A1A"
    static let mutedInk = "#4D4D4D"
    static let grid = "#DDDDDD"
    static let faultInk = "#8A4B00"
    static let milestoneInk = "#00664A"

    init(chart: Chart) {
        self.chart = chart
    }

    /// Approximate advance of `text` at `size` px in a sans-serif font (wide enough for DejaVu).
    static func textWidth(_ text: String, size: Double) -> Double {
        Double(text.count) * size * 0.58
    }

    var duration: Double { chart.duration.isFinite && chart.duration > 0 ? chart.duration : 1 }

    func x(_ seconds: Double) -> Double {
        let t = min(max(seconds, 0), duration)
        return Self.plotLeft + t / duration * (Self.plotRight - Self.plotLeft)
    }

    /// A panel's value axis: ticks, display scale and suffix, and whether a spike was cut off.
    struct ValueAxis {
        var ticks: AxisTicks
        var scale: Double
        var suffix: String
        /// The top of the axis in the panel's unit (before the display scale).
        var top: Double
        /// True when some value lies above `top` (``ChartPanel/SpikeScale/clip``).
        var clipped: Bool
    }

    /// A spike is cut off when it is more than this many times the level the panel's series
    /// hold 90% of the time: then the rest of the line would be squeezed into the bottom
    /// 1/`clipRatio` of the plot (retry-storm: 600/s under an 8k/s spike).
    static let clipRatio = 2.5
    /// Above that level, the axis keeps this much headroom.
    static let clipHeadroom = 1.15

    /// The value axis of `panel`: from 0 to a round number above its largest finite value, or,
    /// for a panel that clips spikes, above the 90th percentile of its highest series.
    static func valueAxis(_ panel: ChartPanel) -> ValueAxis {
        var maximum = 0.0
        var typical = 0.0
        for series in panel.series {
            let values = series.values.filter(\.isFinite).sorted()
            guard let last = values.last else { continue }
            maximum = max(maximum, last)
            // Fewer than 20 points have no spike to speak of: their largest value is typical.
            typical = max(typical, values.count >= 20 ? values[(values.count - 1) * 90 / 100] : last)
        }
        for band in panel.bands {
            for v in band.high where v.isFinite { maximum = max(maximum, v) }
        }
        for reference in panel.references where reference.value.isFinite {
            maximum = max(maximum, reference.value)
            typical = max(typical, reference.value)
        }
        let scale: Double, suffix: String
        var limit = maximum
        var clipped = false
        if panel.spikes == .clip, typical > 0, maximum > clipRatio * typical {
            limit = typical * clipHeadroom
            clipped = true
        }
        switch panel.yAxis {
        case .linear(let s):
            scale = s.isFinite && s > 0 ? s : 1
            suffix = ""
        case .percent:
            scale = 100
            suffix = "%"
            limit = max(1, limit)
        }
        let ticks = AxisTicks.linear(maximum: limit * scale)
        let top = ticks.top / scale
        return ValueAxis(ticks: ticks, scale: scale, suffix: suffix, top: top, clipped: clipped && maximum > top)
    }

    /// The stretches [s] where no series of `panel` has a value, for ``ChartPanel/gapLabel``:
    /// from the start of the first empty interval to the end of the last of each run. Each point
    /// stands for an interval centred on it, whose edges are halfway to its neighbours.
    func gaps(_ panel: ChartPanel) -> [(start: Double, end: Double)] {
        guard panel.gapLabel != nil, !panel.series.isEmpty else { return [] }
        let times = chart.times
        func empty(_ i: Int) -> Bool {
            times[i].isFinite && panel.series.allSatisfy { i >= $0.values.count || !$0.values[i].isFinite }
        }
        func edge(_ i: Int, after: Bool) -> Double {
            let j = after ? i + 1 : i - 1
            if j >= 0, j < times.count, times[j].isFinite { return (times[i] + times[j]) / 2 }
            let k = after ? i - 1 : i + 1
            let half = k >= 0 && k < times.count && times[k].isFinite ? abs(times[i] - times[k]) / 2 : 0
            return after ? min(duration, times[i] + half) : max(0, times[i] - half)
        }
        var result: [(start: Double, end: Double)] = []
        var i = 0
        while i < times.count {
            guard empty(i) else { i += 1; continue }
            var j = i
            while j + 1 < times.count && empty(j + 1) { j += 1 }
            result.append((edge(i, after: false), edge(j, after: true)))
            i = j + 1
        }
        return result
    }

    /// One entry of a panel's legend.
    enum LegendItem {
        case line(ChartSeries)
        case band(ChartPanel.Band)
        /// Values above the axis: a triangle and the peak's value.
        case clipped
        /// The gap bar and its label.
        case gap(String)

        var text: String {
            switch self {
            case .line(let series): return series.name
            case .band(let band): return band.name
            case .clipped: return "above the axis (peak value written)"
            case .gap(let label): return label
            }
        }
    }

    func legendItems(_ panel: ChartPanel, axis: ValueAxis) -> [LegendItem] {
        var items = panel.series.map(LegendItem.line) + panel.references.map { .line(Self.referenceStyle($0)) }
        items += panel.bands.map(LegendItem.band)
        if axis.clipped { items.append(.clipped) }
        if let label = panel.gapLabel, !gaps(panel).isEmpty { items.append(.gap(label)) }
        // A lone series is named by the panel's heading.
        if items.count == 1, case .line = items[0] { return [] }
        return items
    }

    /// The legend laid out in rows that fit the plot's width: each item's row and left edge.
    static func legendLayout(_ items: [LegendItem]) -> [(item: LegendItem, row: Int, x: Double)] {
        var result: [(item: LegendItem, row: Int, x: Double)] = []
        var row = 0
        var left = plotLeft
        for item in items {
            let width = 32 + textWidth(item.text, size: textSize)
            if left > plotLeft && left + width > plotRight {
                row += 1
                left = plotLeft
            }
            result.append((item, row, left))
            left += width + 14
        }
        return result
    }

    /// Height of one lane: its name's line, then its strip.
    static let laneNameHeight = 18.0
    static let laneStripHeight = 20.0

    mutating func render() -> String {
        let lanes = laneAssignment()
        let laneCount = (lanes.map(\.lane).max() ?? -1) + 1
        let stateLanes = chart.lanes.filter { !$0.isEmpty }
        let axes = chart.panels.map(Self.valueAxis)
        let legends = zip(chart.panels, axes).map { Self.legendLayout(legendItems($0, axis: $1)) }
        func legendRows(_ index: Int) -> Int { (legends[index].map(\.row).max() ?? -1) + 1 }
        // First pass for the height: title, then per panel heading, legend, lanes, plot, ticks.
        var height = 48.0
        if !chart.note.isEmpty { height += 22 }
        for index in chart.panels.indices {
            height += 24
            height += Double(legendRows(index)) * 22
            if index == 0 && laneCount > 0 { height += Double(laneCount) * Self.laneHeight + 4 }
            if index == 0 { height += Double(stateLanes.count) * (Self.laneNameHeight + Self.laneStripHeight + 4) }
            height += 6 + Self.plotHeight + 26 + 10
        }
        height += 22
        if chart.panels.isEmpty { height += 40 }

        let w = Markup.number(Self.width), h = Markup.number(height)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
        out += " font-family=\"\(Self.fontFamily)\" role=\"img\">\n"
        out += "<title>\(Markup.escape(chart.title))</title>\n"
        out += "<rect width=\"\(w)\" height=\"\(h)\" fill=\"#FFFFFF\"/>\n"
        text(chart.title, x: 16, y: 30, size: Self.titleSize, weight: "700")

        var cursor = 48.0
        if !chart.note.isEmpty {
            text(chart.note, x: 16, y: cursor + 6, size: Self.textSize, fill: Self.ink)
            cursor += 22
        }
        if chart.panels.isEmpty {
            text("no data", x: Self.plotLeft, y: cursor + 24, size: Self.textSize, fill: Self.mutedInk)
        }
        let ticks = AxisTicks.time(duration: duration)
        for (index, panel) in chart.panels.enumerated() {
            cursor += 20
            text(panel.title, x: Self.plotLeft, y: cursor, size: Self.headingSize, weight: "600")
            cursor += 4
            if legendRows(index) > 0 {
                legend(legends[index], baseline: cursor + 18)
                cursor += Double(legendRows(index)) * 22
            }
            if index == 0 && laneCount > 0 {
                for item in lanes {
                    let baseline = cursor + Double(item.lane + 1) * Self.laneHeight - 3
                    let mark = chart.marks[item.mark]
                    let fill: String
                    switch mark.kind {
                    case .warmup, .notSimulated: fill = Self.mutedInk
                    case .fault, .step: fill = Self.faultInk
                    case .milestone: fill = Self.milestoneInk
                    }
                    text(mark.label, x: item.x, y: baseline, size: Self.textSize, fill: fill, weight: "600")
                }
                cursor += Double(laneCount) * Self.laneHeight + 4
            }
            if index == 0 {
                for lane in stateLanes {
                    stateLane(lane, top: cursor)
                    cursor += Self.laneNameHeight + Self.laneStripHeight + 4
                }
            }
            let top = cursor + 6
            plot(panel, axis: axes[index], top: top, bottom: top + Self.plotHeight, timeTicks: ticks)
            cursor = top + Self.plotHeight + 26 + 10
        }
        text(
            "simulated time", x: (Self.plotLeft + Self.plotRight) / 2, y: cursor + 6, size: Self.textSize,
            fill: Self.mutedInk, anchor: "middle")
        out += "</svg>\n"
        return out
    }

    /// Lanes for the labels of the marks, so that labels close in time never overlap: each label
    /// goes into the first lane whose previous label ends before it starts, and a new lane opens
    /// when none does (there is no limit: a crowded timeline makes a taller chart).
    func laneAssignment() -> [(mark: Int, lane: Int, x: Double)] {
        var laneEnds: [Double] = []
        var result: [(mark: Int, lane: Int, x: Double)] = []
        let order = chart.marks.indices.sorted { (chart.marks[$0].start, $0) < (chart.marks[$1].start, $1) }
        for index in order {
            let mark = chart.marks[index]
            guard !mark.label.isEmpty, mark.start.isFinite else { continue }
            let width = Self.textWidth(mark.label, size: Self.textSize)
            var start = x(mark.start) + (mark.kind == .step || mark.kind == .milestone ? -2 : 3)
            start = max(Self.plotLeft, min(start, Self.plotRight - width))
            let lane = laneEnds.firstIndex { $0 + 10 <= start } ?? laneEnds.count
            if lane == laneEnds.count { laneEnds.append(0) }
            laneEnds[lane] = max(laneEnds[lane], start + width)
            result.append((index, lane, start))
        }
        return result
    }

    /// A mechanism's lane: its name, then a strip with a grey band per span (darker for a higher
    /// level, its label inside when it fits) and a tick per instant (its label beside it when it
    /// does not run into the previous one).
    mutating func stateLane(_ lane: ChartLane, top: Double) {
        text(lane.name, x: Self.plotLeft, y: top + 14, size: Self.textSize, fill: Self.mutedInk)
        let stripTop = top + Self.laneNameHeight
        let stripBottom = stripTop + Self.laneStripHeight
        out += "<rect x=\"\(Markup.number(Self.plotLeft))\" y=\"\(Markup.number(stripTop))\" width=\"\(Markup.number(Self.plotRight - Self.plotLeft))\""
        out += " height=\"\(Markup.number(Self.laneStripHeight))\" fill=\"none\" stroke=\"\(Self.grid)\" stroke-width=\"1\"/>\n"
        let highest = lane.spans.map(\.level).filter(\.isFinite).max() ?? 1
        var labelEnd = -Double.infinity
        for span in lane.spans where span.start.isFinite && span.end.isFinite && span.end > span.start {
            let x0 = x(span.start), x1 = x(span.end)
            let strength = highest > 0 && span.level.isFinite ? min(1, max(0, span.level / highest)) : 1
            // 0.3 to 0.85 of the grey: the lightest level still stands out from the white strip.
            let opacity = FixedDecimal.format(0.3 + 0.55 * strength, decimals: 2)
            rect(x: x0, y: stripTop, width: max(x1 - x0, 1.5), height: Self.laneStripHeight, fill: Self.mutedInk, opacity: opacity)
            let width = Self.textWidth(span.label, size: Self.textSize)
            if !span.label.isEmpty, x1 - x0 >= width + 6, x0 >= labelEnd {
                text(span.label, x: (x0 + x1) / 2, y: stripBottom - 5, size: Self.textSize, fill: "#FFFFFF", weight: "700", anchor: "middle")
                labelEnd = x1
            }
        }
        labelEnd = -Double.infinity
        for instant in lane.instants.sorted(by: { $0.time < $1.time }) where instant.time.isFinite {
            let tx = x(instant.time)
            out += "<line x1=\"\(Markup.number(tx))\" y1=\"\(Markup.number(stripTop))\" x2=\"\(Markup.number(tx))\""
            out += " y2=\"\(Markup.number(stripBottom))\" stroke=\"\(Self.ink)\" stroke-width=\"2\"/>\n"
            let width = Self.textWidth(instant.label, size: Self.textSize)
            if !instant.label.isEmpty, tx + 3 >= labelEnd, tx + 3 + width <= Self.plotRight {
                text(instant.label, x: tx + 3, y: stripBottom - 5, size: Self.textSize, fill: Self.ink, weight: "700")
                labelEnd = tx + 3 + width + 4
            }
        }
    }

    mutating func legend(_ layout: [(item: LegendItem, row: Int, x: Double)], baseline: Double) {
        for (item, row, left) in layout {
            let base = baseline + Double(row) * 22
            let y = base - 4.5
            switch item {
            case .line(let series):
                out += "<line x1=\"\(Markup.number(left))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(left + 26))\""
                out += " y2=\"\(Markup.number(y))\"\(strokeAttributes(series))/>\n"
            case .band(let band):
                rect(x: left, y: y - 6, width: 26, height: 12, fill: band.color.hex, opacity: Self.bandOpacity)
            case .clipped:
                triangle(x: left + 13, top: y - 6, fill: Self.ink)
            case .gap:
                rect(x: left, y: y - 3, width: 26, height: 6, fill: Self.mutedInk, opacity: "1")
            }
            text(item.text, x: left + 32, y: base, size: Self.textSize, fill: Self.ink)
        }
    }

    static let bandOpacity = "0.22"

    /// A small upward triangle whose tip is at (`x`, `top`): a value above the axis.
    mutating func triangle(x: Double, top: Double, fill: String) {
        let points = [(x, top), (x - 6, top + 10), (x + 6, top + 10)].map { Markup.number($0.0) + "," + Markup.number($0.1) }
        out += "<polygon points=\"\(points.joined(separator: " "))\" fill=\"\(fill)\"/>\n"
    }

    /// How a reference line is drawn, as a series for the legend.
    static func referenceStyle(_ reference: ChartPanel.Reference) -> ChartSeries {
        ChartSeries(name: reference.label, values: [], color: .demand, stroke: .dotted, width: 2)
    }

    func strokeAttributes(_ series: ChartSeries) -> String {
        var attributes = " stroke=\"\(series.color.hex)\" stroke-width=\"\(Markup.number(series.width))\""
        switch series.stroke {
        case .solid: break
        case .dashed: attributes += " stroke-dasharray=\"7 5\""
        case .dotted: attributes += " stroke-dasharray=\"2 4\""
        }
        return attributes
    }

    /// A value for a label on the plot: `8.4k`, `950`, `12.5`, `0.35` (after the display scale).
    static func peakLabel(_ v: Double) -> String {
        if v >= 1_000_000 { return FixedDecimal.format(v / 1_000_000, decimals: 1) + "M" }
        if v >= 10_000 { return FixedDecimal.format(v / 1000, decimals: 0) + "k" }
        if v >= 1000 { return FixedDecimal.format(v / 1000, decimals: 1) + "k" }
        if v >= 10 { return FixedDecimal.format(v, decimals: 0) }
        return FixedDecimal.format(v, decimals: v >= 1 ? 1 : 2)
    }

    mutating func plot(_ panel: ChartPanel, axis: ValueAxis, top: Double, bottom: Double, timeTicks: AxisTicks) {
        // Marks first, under everything else.
        for mark in chart.marks where mark.start.isFinite && mark.end.isFinite {
            let x0 = x(mark.start), x1 = x(max(mark.start, mark.end))
            switch mark.kind {
            case .warmup:
                rect(x: x0, y: top, width: x1 - x0, height: bottom - top, fill: "#000000", opacity: "0.07")
            case .notSimulated:
                rect(x: x0, y: top, width: x1 - x0, height: bottom - top, fill: "#000000", opacity: "0.14")
                out += "<line x1=\"\(Markup.number(x0))\" y1=\"\(Markup.number(top))\" x2=\"\(Markup.number(x0))\""
                out += " y2=\"\(Markup.number(bottom))\" stroke=\"\(Self.mutedInk)\" stroke-width=\"1.5\"/>\n"
            case .fault:
                rect(x: x0, y: top, width: max(x1 - x0, 2), height: bottom - top, fill: ChartColor.fault.hex, opacity: "0.28")
            case .step, .milestone:
                let ink = mark.kind == .step ? Self.faultInk : Self.milestoneInk
                out += "<line x1=\"\(Markup.number(x0))\" y1=\"\(Markup.number(top))\" x2=\"\(Markup.number(x0))\""
                out += " y2=\"\(Markup.number(bottom))\" stroke=\"\(ink)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n"
            }
        }

        let ticks = axis.ticks, scale = axis.scale
        let topValue = axis.top
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, 0), topValue)
            return bottom - clamped / topValue * (bottom - top)
        }
        for tick in ticks.values {
            let ty = y(tick / scale)
            if tick > 0 { hline(y: ty, stroke: Self.grid) }
            text(
                ticks.valueLabel(tick, suffix: axis.suffix), x: Self.plotLeft - 8, y: ty + 4.5, size: Self.textSize,
                fill: Self.mutedInk, anchor: "end")
        }

        // The time axis.
        hline(y: bottom, stroke: Self.mutedInk)
        for tick in timeTicks.values {
            let tx = x(tick)
            out += "<line x1=\"\(Markup.number(tx))\" y1=\"\(Markup.number(bottom))\" x2=\"\(Markup.number(tx))\""
            out += " y2=\"\(Markup.number(bottom + 5))\" stroke=\"\(Self.mutedInk)\" stroke-width=\"1\"/>\n"
            text(AxisTicks.timeLabel(tick), x: tx, y: bottom + 20, size: Self.textSize, fill: Self.mutedInk, anchor: "middle")
        }

        // Bands (a range across runs): a filled outline, broken where either edge has no value.
        for band in panel.bands {
            var runs: [[(x: Double, low: Double, high: Double)]] = [[]]
            for (i, t) in chart.times.enumerated() {
                let low = i < band.low.count ? band.low[i] : .nan, high = i < band.high.count ? band.high[i] : .nan
                if t.isFinite, low.isFinite, high.isFinite {
                    runs[runs.count - 1].append((x(t), y(low), y(high)))
                } else if !(runs.last?.isEmpty ?? true) {
                    runs.append([])
                }
            }
            var d = ""
            for run in runs where !run.isEmpty {
                let upper = run.map { (x: $0.x, y: $0.high) }, lower = run.map { (x: $0.x, y: $0.low) }
                let outline = Self.decimated(upper) + Self.decimated(lower).reversed()
                for (index, point) in outline.enumerated() {
                    d += (d.isEmpty ? "" : " ") + (index == 0 ? "M" : "L") + Markup.number(point.x) + " " + Markup.number(point.y)
                }
                d += " Z"
            }
            guard !d.isEmpty else { continue }
            out += "<path d=\"\(d)\" fill=\"\(band.color.hex)\" fill-opacity=\"\(Self.bandOpacity)\" stroke=\"none\">"
            out += "<title>\(Markup.escape(band.name))</title></path>\n"
        }

        // Reference values: a dotted line across the plot, named in the legend.
        for reference in panel.references where reference.value.isFinite {
            let ry = y(reference.value)
            out += "<line x1=\"\(Markup.number(Self.plotLeft))\" y1=\"\(Markup.number(ry))\" x2=\"\(Markup.number(Self.plotRight))\""
            out += " y2=\"\(Markup.number(ry))\"\(strokeAttributes(Self.referenceStyle(reference)))/>\n"
        }

        // Where nothing has a value: a dark bar on the floor and the panel's gap label above it.
        if let label = panel.gapLabel {
            let width = Self.textWidth(label, size: Self.textSize)
            var labelEnd = -Double.infinity
            for gap in gaps(panel) {
                let x0 = x(gap.start), x1 = x(gap.end)
                rect(x: x0, y: bottom - 6, width: max(x1 - x0, 2), height: 6, fill: Self.mutedInk, opacity: "1")
                // Centred on the gap, moved inside the plot, never over the previous label; a gap
                // too narrow to hold a third of it has the bar only (the legend names the bar).
                let left = max(Self.plotLeft, min((x0 + x1 - width) / 2, Self.plotRight - width))
                if left >= labelEnd, x1 - x0 >= width / 3 {
                    text(label, x: left, y: bottom - 12, size: Self.textSize, fill: Self.mutedInk, weight: "600")
                    labelEnd = left + width + 8
                }
            }
        }

        // The lines; a non-finite value (or time) breaks the line. Reference lines (dashed or
        // dotted) go over the solid ones, so that one coinciding with a series stays visible.
        let drawingOrder = panel.series.filter { $0.stroke == .solid } + panel.series.filter { $0.stroke != .solid }
        for series in drawingOrder {
            var segments: [[(x: Double, y: Double)]] = [[]]
            for (t, v) in zip(chart.times, series.values) {
                if t.isFinite, v.isFinite {
                    segments[segments.count - 1].append((x(t), y(v)))
                } else if !(segments.last?.isEmpty ?? true) {
                    segments.append([])
                }
            }
            var d = ""
            for segment in segments where !segment.isEmpty {
                for (index, point) in Self.decimated(segment).enumerated() {
                    d += (d.isEmpty ? "" : " ") + (index == 0 ? "M" : "L") + Markup.number(point.x) + " " + Markup.number(point.y)
                }
            }
            guard !d.isEmpty else { continue }
            out += "<path d=\"\(d)\" fill=\"none\"\(strokeAttributes(series)) stroke-linejoin=\"round\" stroke-linecap=\"round\">"
            out += "<title>\(Markup.escape(series.name))</title></path>\n"
        }

        // Values above a clipped axis: per run of points above it, a triangle at the top at the
        // peak, in its series' colour, and the peak's value just right of it (in ink: a series'
        // colour is too light for small text on white). Labels
        // are placed largest first, on the first of two rows where they run into no other, so
        // the highest value above the axis is always written (a smaller peak of another series
        // drawn first must not take its place and understate how far off the axis the data went).
        if axis.clipped {
            var peaks: [(x: Double, value: Double)] = []
            for series in panel.series {
                var i = 0
                let values = series.values
                while i < min(values.count, chart.times.count) {
                    guard values[i].isFinite, values[i] > topValue, chart.times[i].isFinite else { i += 1; continue }
                    var peak = i, j = i
                    while j + 1 < min(values.count, chart.times.count), values[j + 1].isFinite, values[j + 1] > topValue {
                        j += 1
                        if values[j] > values[peak] { peak = j }
                    }
                    let px = x(chart.times[peak])
                    triangle(x: px, top: top + 2, fill: series.color.hex)
                    peaks.append((px, values[peak]))
                    i = j + 1
                }
            }
            var rows: [[ClosedRange<Double>]] = [[], []]
            for peak in peaks.enumerated().sorted(by: { ($0.element.value, $1.offset) > ($1.element.value, $0.offset) }).map(\.element) {
                let label = Self.peakLabel(peak.value * scale) + axis.suffix
                let width = Self.textWidth(label, size: Self.textSize)
                let left = min(peak.x + 9, Self.plotRight - width)
                let span = left...(left + width + 6)
                guard let row = rows.indices.first(where: { r in !rows[r].contains { $0.overlaps(span) } }) else { continue }
                rows[row].append(span)
                text(label, x: left, y: top + 14 + Double(row) * 13, size: Self.textSize, fill: Self.ink, weight: "700")
            }
        }
    }

    /// A line of more points than the plot has pixels, reduced to the first, lowest, highest and
    /// last point of each half-pixel column, in their order: the drawing looks the same (spikes
    /// kept), and the file stays small for long runs. Shorter lines are returned whole. O(n).
    static func decimated(_ points: [(x: Double, y: Double)]) -> [(x: Double, y: Double)] {
        guard Double(points.count) > 1.5 * (plotRight - plotLeft) else { return points }
        var kept: [(x: Double, y: Double)] = []
        var start = 0
        while start < points.count {
            let column = (points[start].x * 2).rounded(.down)
            var end = start
            var low = start, high = start
            while end < points.count && (points[end].x * 2).rounded(.down) == column {
                if points[end].y < points[low].y { low = end }
                if points[end].y > points[high].y { high = end }
                end += 1
            }
            var previous = -1
            for index in [start, low, high, end - 1].sorted() where index != previous {
                kept.append(points[index])
                previous = index
            }
            start = end
        }
        return kept
    }

    mutating func hline(y: Double, stroke: String) {
        out += "<line x1=\"\(Markup.number(Self.plotLeft))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(Self.plotRight))\""
        out += " y2=\"\(Markup.number(y))\" stroke=\"\(stroke)\" stroke-width=\"1\"/>\n"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: String) {
        out += "<rect x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" width=\"\(Markup.number(width))\""
        out += " height=\"\(Markup.number(height))\" fill=\"\(fill)\" fill-opacity=\"\(opacity)\"/>\n"
    }

    mutating func text(
        _ content: String, x: Double, y: Double, size: Double, fill: String = SVGChartWriter.ink, weight: String? = nil,
        anchor: String? = nil
    ) {
        out += "<text x=\"\(Markup.number(x))\" y=\"\(Markup.number(y))\" font-size=\"\(Markup.number(size))\" fill=\"\(fill)\""
        if let weight { out += " font-weight=\"\(weight)\"" }
        if let anchor { out += " text-anchor=\"\(anchor)\"" }
        out += ">\(Markup.escape(content))</text>\n"
    }
}
