import SatsimMetrics

/// A figure along one varied path: its mean (or share) at each value as a line, with the 95%
/// interval as a band around it. Values are placed evenly, in the sweep's order, and labelled
/// as written (with their units).
public struct IntervalLineChart: Sendable, Hashable {
    public var title: String
    public var fileName: String
    public var xLabel: String
    public var xValues: [String]
    /// The value axis' label, with its unit.
    public var yLabel: String
    /// Per x value: the estimate and its interval; nil where there is none.
    public var points: [(value: Double, low: Double, high: Double)?]
    /// The top of the value axis when it is fixed (1 for a probability); nil: from the data.
    public var yMaximum: Double?

    public init(title: String, fileName: String, xLabel: String, xValues: [String], yLabel: String,
                points: [(value: Double, low: Double, high: Double)?], yMaximum: Double? = nil) {
        precondition(points.count == xValues.count, "one point per x value")
        self.title = title
        self.fileName = fileName
        self.xLabel = xLabel
        self.xValues = xValues
        self.yLabel = yLabel
        self.points = points
        self.yMaximum = yMaximum
    }

    public static func == (a: IntervalLineChart, b: IntervalLineChart) -> Bool { a.svg() == b.svg() }
    public func hash(into hasher: inout Hasher) { hasher.combine(svg()) }

    /// The SVG document.
    public func svg() -> String {
        let left = 90.0, top = 50.0, plotWidth = 640.0, plotHeight = 300.0, width = 760.0, height = 440.0
        let highest = points.compactMap { $0.map { max($0.value, $0.high) } }.filter(\.isFinite).max() ?? 1
        let ticks = AxisTicks.linear(maximum: yMaximum ?? highest)
        let top_ = ticks.top
        func px(_ i: Int) -> Double {
            xValues.count > 1 ? left + Double(i) / Double(xValues.count - 1) * plotWidth : left + plotWidth / 2
        }
        func py(_ v: Double) -> Double { top + plotHeight - min(max(v, 0), top_) / top_ * plotHeight }
        func n(_ x: Double) -> String { Markup.number(x) }
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" viewBox=\"0 0 \(n(width)) \(n(height))\" "
        out += "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\" role=\"img\">\n"
        out += "<title>\(Markup.escape(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += "<text x=\"16\" y=\"28\" font-size=\"18\" font-weight=\"600\" fill=\"#1a1a1a\">\(Markup.escape(title))</text>\n"
        for tick in ticks.values {
            out += "<line x1=\"\(n(left))\" x2=\"\(n(left + plotWidth))\" y1=\"\(n(py(tick)))\" y2=\"\(n(py(tick)))\" stroke=\"#d4d4d4\"/>\n"
            out += "<text x=\"\(n(left - 8))\" y=\"\(n(py(tick) + 4))\" font-size=\"12\" text-anchor=\"end\" fill=\"#1a1a1a\">\(ticks.valueLabel(tick))</text>\n"
        }
        // The band: the polygon along the highs, back along the lows, per run of defined points.
        var runs: [[Int]] = [[]]
        for i in points.indices {
            if points[i] == nil { runs.append([]) } else { runs[runs.count - 1].append(i) }
        }
        for run in runs where !run.isEmpty {
            let upper = run.map { "\(n(px($0))),\(n(py(points[$0]?.high ?? 0)))" }
            let lower = run.reversed().map { "\(n(px($0))),\(n(py(points[$0]?.low ?? 0)))" }
            out += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(ChartColor.useful.hex)\" fill-opacity=\"0.2\" stroke=\"none\"/>\n"
            out += "<polyline points=\"\(run.map { "\(n(px($0))),\(n(py(points[$0]?.value ?? 0)))" }.joined(separator: " "))\" "
            out += "fill=\"none\" stroke=\"\(ChartColor.useful.hex)\" stroke-width=\"2.5\"/>\n"
        }
        for i in points.indices {
            out += "<text x=\"\(n(px(i)))\" y=\"\(n(top + plotHeight + 20))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(Markup.escape(xValues[i]))</text>\n"
            guard let p = points[i] else { continue }
            out += "<circle cx=\"\(n(px(i)))\" cy=\"\(n(py(p.value)))\" r=\"4\" fill=\"\(ChartColor.useful.hex)\">"
            out += "<title>\(Markup.escape("\(Markup.isolatedPart(xValues[i])): \(PhaseDiagram.short(p.value)) [\(PhaseDiagram.short(p.low)), \(PhaseDiagram.short(p.high))]"))</title></circle>\n"
        }
        out += "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(top + plotHeight + 50))\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" fill=\"#1a1a1a\">\(Markup.escape(xLabel))</text>\n"
        let mid = top + plotHeight / 2
        out += "<text x=\"20\" y=\"\(n(mid))\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" transform=\"rotate(-90 20 \(n(mid)))\" fill=\"#1a1a1a\">\(Markup.escape(yLabel))</text>\n"
        out += "<text x=\"\(n(left))\" y=\"\(n(height - 12))\" font-size=\"12\" fill=\"#4d4d4d\">line: estimate; band: 95% interval</text>\n"
        out += "</svg>\n"
        return out
    }
}
