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

    mutating func render() -> String {
        let lanes = laneAssignment()
        let laneCount = (lanes.map(\.lane).max() ?? -1) + 1
        // First pass for the height: title, then per panel heading, legend, lanes, plot, ticks.
        var height = 48.0
        if !chart.note.isEmpty { height += 22 }
        for (index, panel) in chart.panels.enumerated() {
            height += 24
            if panel.series.count + panel.references.count > 1 { height += 22 }
            if index == 0 && laneCount > 0 { height += Double(laneCount) * Self.laneHeight + 4 }
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
            if panel.series.count + panel.references.count > 1 {
                cursor += 18
                legend(panel.series + panel.references.map(Self.referenceStyle), baseline: cursor)
                cursor += 4
            }
            if index == 0 && laneCount > 0 {
                for item in lanes {
                    let baseline = cursor + Double(item.lane + 1) * Self.laneHeight - 3
                    let mark = chart.marks[item.mark]
                    let fill: String
                    switch mark.kind {
                    case .warmup: fill = Self.mutedInk
                    case .fault, .step: fill = Self.faultInk
                    case .milestone, .event: fill = Self.milestoneInk
                    }
                    text(mark.label, x: item.x, y: baseline, size: Self.textSize, fill: fill, weight: "600")
                }
                cursor += Double(laneCount) * Self.laneHeight + 4
            }
            let top = cursor + 6
            plot(panel, top: top, bottom: top + Self.plotHeight, timeTicks: ticks)
            cursor = top + Self.plotHeight + 26 + 10
        }
        text(
            "simulated time", x: (Self.plotLeft + Self.plotRight) / 2, y: cursor + 6, size: Self.textSize,
            fill: Self.mutedInk, anchor: "middle")
        out += "</svg>\n"
        return out
    }

    /// Lanes for the labels of the marks, so that labels close in time do not overlap: each label
    /// goes into the first lane whose previous label ends before it starts (at most 4 lanes).
    func laneAssignment() -> [(mark: Int, lane: Int, x: Double)] {
        var laneEnds: [Double] = []
        var result: [(mark: Int, lane: Int, x: Double)] = []
        let order = chart.marks.indices.sorted { (chart.marks[$0].start, $0) < (chart.marks[$1].start, $1) }
        for index in order {
            let mark = chart.marks[index]
            guard mark.kind != .event, !mark.label.isEmpty, mark.start.isFinite else { continue }
            let width = Self.textWidth(mark.label, size: Self.textSize)
            var start = x(mark.start) + (mark.kind == .step || mark.kind == .milestone ? -2 : 3)
            start = max(Self.plotLeft, min(start, Self.plotRight - width))
            var lane = laneEnds.firstIndex { $0 + 10 <= start } ?? laneEnds.count
            if lane >= 4 { lane = 3 }
            if lane == laneEnds.count { laneEnds.append(0) }
            laneEnds[lane] = max(laneEnds[lane], start + width)
            result.append((index, lane, start))
        }
        return result
    }

    mutating func legend(_ series: [ChartSeries], baseline: Double) {
        var left = Self.plotLeft
        for item in series {
            let y = baseline - 4.5
            out += "<line x1=\"\(Markup.number(left))\" y1=\"\(Markup.number(y))\" x2=\"\(Markup.number(left + 26))\""
            out += " y2=\"\(Markup.number(y))\"\(strokeAttributes(item))/>\n"
            text(item.name, x: left + 32, y: baseline, size: Self.textSize, fill: Self.ink)
            left += 32 + Self.textWidth(item.name, size: Self.textSize) + 14
        }
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

    mutating func plot(_ panel: ChartPanel, top: Double, bottom: Double, timeTicks: AxisTicks) {
        // Marks first, under everything else. One glyph per letter and 12 px column, so that
        // events at the same moment (four ejections at once) do not print over each other.
        // Each letter has its own row, so that different events at one moment stay apart.
        var glyphs: Set<String> = []
        var rows: [String] = []
        for mark in chart.marks where mark.kind == .event && !rows.contains(mark.label) { rows.append(mark.label) }
        for mark in chart.marks where mark.start.isFinite && mark.end.isFinite {
            let x0 = x(mark.start), x1 = x(max(mark.start, mark.end))
            switch mark.kind {
            case .warmup:
                rect(x: x0, y: top, width: x1 - x0, height: bottom - top, fill: "#000000", opacity: "0.07")
            case .fault:
                rect(x: x0, y: top, width: max(x1 - x0, 2), height: bottom - top, fill: ChartColor.fault.hex, opacity: "0.28")
            case .step, .milestone:
                let ink = mark.kind == .step ? Self.faultInk : Self.milestoneInk
                out += "<line x1=\"\(Markup.number(x0))\" y1=\"\(Markup.number(top))\" x2=\"\(Markup.number(x0))\""
                out += " y2=\"\(Markup.number(bottom))\" stroke=\"\(ink)\" stroke-width=\"1.5\" stroke-dasharray=\"4 3\"/>\n"
            case .event:
                guard glyphs.insert("\(mark.label) \(Int((x0 / 12).rounded(.down)))").inserted else { continue }
                out += "<line x1=\"\(Markup.number(x0))\" y1=\"\(Markup.number(top))\" x2=\"\(Markup.number(x0))\""
                out += " y2=\"\(Markup.number(top + 6))\" stroke=\"\(Self.ink)\" stroke-width=\"2\"/>\n"
                let row = Double(rows.firstIndex(of: mark.label) ?? 0)
                text(mark.label, x: x0, y: top + 20 + 16 * row, size: Self.textSize, fill: Self.ink, weight: "700", anchor: "middle")
            }
        }

        // The value axis: from 0 to a round number above the largest finite value.
        let scale: Double
        let suffix: String
        var maximum = 0.0
        for series in panel.series { for v in series.values where v.isFinite { maximum = max(maximum, v) } }
        for reference in panel.references where reference.value.isFinite { maximum = max(maximum, reference.value) }
        let ticks: AxisTicks
        switch panel.yAxis {
        case .linear(let s):
            scale = s.isFinite && s > 0 ? s : 1
            suffix = ""
            ticks = AxisTicks.linear(maximum: maximum * scale)
        case .percent:
            scale = 100
            suffix = "%"
            ticks = AxisTicks.linear(maximum: max(1, maximum) * 100)
        }
        let topValue = ticks.top / scale
        func y(_ value: Double) -> Double {
            let clamped = min(max(value, 0), topValue)
            return bottom - clamped / topValue * (bottom - top)
        }
        for tick in ticks.values {
            let ty = y(tick / scale)
            if tick > 0 { hline(y: ty, stroke: Self.grid) }
            text(
                ticks.valueLabel(tick, suffix: suffix), x: Self.plotLeft - 8, y: ty + 4.5, size: Self.textSize,
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

        // Reference values: a dotted line across the plot, named in the legend.
        for reference in panel.references where reference.value.isFinite {
            let ry = y(reference.value)
            out += "<line x1=\"\(Markup.number(Self.plotLeft))\" y1=\"\(Markup.number(ry))\" x2=\"\(Markup.number(Self.plotRight))\""
            out += " y2=\"\(Markup.number(ry))\"\(strokeAttributes(Self.referenceStyle(reference)))/>\n"
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
