import SatsimMetrics

/// A heatmap of one figure over two varied paths: where a system tips into metastability.
///
/// Cells are laid out by the position of each value in its axis (the grid's values are the
/// sweep's, evenly spaced or not, so positions are categories labelled with the values and their
/// units). Each cell is filled from a sequential colour scale (dark for low, bright for high),
/// holds its value as text, and has a `<title>` with the value and its interval, which viewers
/// show on hover. A cell without a value (no run, no recovery) is hatched grey.
public struct PhaseDiagram: Sendable, Hashable {
    public var title: String
    /// The file name of the SVG on its own.
    public var fileName: String
    /// The horizontal axis: its label (path and unit) and the values as written.
    public var xLabel: String
    public var xValues: [String]
    public var yLabel: String
    public var yValues: [String]
    /// `cells[y][x]`: the value, and the text shown for it on hover (value and interval).
    public var cells: [[Double?]]
    public var hovers: [[String]]
    /// What the colour means, with its unit: `P(metastable)`, `mean recovery time [s]`.
    public var scaleLabel: String
    /// The colour scale's ends; nil: from the cells' minimum to their maximum.
    public var scaleRange: ClosedRange<Double>?
    /// What a hatched (empty) cell means, printed under the chart when some cell is empty.
    public var emptyMeaning: String = "no value"

    public init(title: String, fileName: String, xLabel: String, xValues: [String], yLabel: String, yValues: [String],
                cells: [[Double?]], hovers: [[String]], scaleLabel: String, scaleRange: ClosedRange<Double>?,
                emptyMeaning: String = "no value") {
        precondition(cells.count == yValues.count && cells.allSatisfy { $0.count == xValues.count },
                     "cells must be \(yValues.count) rows of \(xValues.count)")
        self.title = title
        self.fileName = fileName
        self.xLabel = xLabel
        self.xValues = xValues
        self.yLabel = yLabel
        self.yValues = yValues
        self.cells = cells
        self.hovers = hovers
        self.scaleLabel = scaleLabel
        self.scaleRange = scaleRange
        self.emptyMeaning = emptyMeaning
    }

    /// The colour scale's ends actually used.
    var range: ClosedRange<Double> {
        if let scaleRange { return scaleRange }
        let values = cells.flatMap { $0 }.compactMap { $0 }.filter(\.isFinite)
        guard let low = values.min(), let high = values.max() else { return 0...1 }
        return low < high ? low...high : low...(low + 1)
    }

    /// The SVG document.
    public func svg() -> String {
        let left = 150.0, top = 56.0, right = 130.0, bottom = 70.0
        let cellWidth = max(48, min(110, 640 / Double(max(1, xValues.count))))
        let cellHeight = max(30, min(70, 420 / Double(max(1, yValues.count))))
        // Wide enough for the title (about 10 px a character at 18 px bold) and the scale's label.
        let width = max(left + cellWidth * Double(xValues.count) + right, 32 + 10.5 * Double(title.count))
        let height = top + cellHeight * Double(yValues.count) + bottom
        let range = self.range
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
        out += "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\" role=\"img\">\n"
        out += "<title>\(Markup.escape(title))</title>\n"
        out += "<defs><pattern id=\"none\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\"><rect width=\"6\" height=\"6\" fill=\"#eeeeee\"/>"
        out += "<path d=\"M0 6L6 0\" stroke=\"#bbbbbb\"/></pattern></defs>\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
        out += text(title, x: 16, y: 28, size: 18, weight: "600")
        // Rows from the top: the last y value at the top, as on a plotted axis.
        for (row, y) in yValues.indices.reversed().enumerated() {
            let cy = top + Double(row) * cellHeight
            out += text(yValues[y], x: left - 8, y: cy + cellHeight / 2 + 5, size: 13, anchor: "end")
            for x in xValues.indices {
                let cx = left + Double(x) * cellWidth
                let value = cells[y][x]
                let fill = value.map { ColorScale.color(($0 - range.lowerBound) / (range.upperBound - range.lowerBound)) } ?? "url(#none)"
                out += "<g><title>\(Markup.escape("\(xLabel) \(Markup.isolatedPart(xValues[x])), \(yLabel) \(Markup.isolatedPart(yValues[y])): \(hovers[y][x])"))</title>"
                out += "<rect x=\"\(n(cx))\" y=\"\(n(cy))\" width=\"\(n(cellWidth))\" height=\"\(n(cellHeight))\" fill=\"\(fill)\" stroke=\"#ffffff\"/>"
                if let value {
                    let t = (value - range.lowerBound) / (range.upperBound - range.lowerBound)
                    out += text(Self.short(value), x: cx + cellWidth / 2, y: cy + cellHeight / 2 + 5, size: 12,
                                anchor: "middle", fill: t > 0.6 ? "#000000" : "#ffffff")
                }
                out += "</g>\n"
            }
        }
        let gridBottom = top + cellHeight * Double(yValues.count)
        for x in xValues.indices {
            out += text(xValues[x], x: left + (Double(x) + 0.5) * cellWidth, y: gridBottom + 20, size: 13, anchor: "middle")
        }
        out += text(xLabel, x: left + cellWidth * Double(xValues.count) / 2, y: gridBottom + 48, size: 14, anchor: "middle", weight: "600")
        out += "<text x=\"18\" y=\"\(n(top + cellHeight * Double(yValues.count) / 2))\" font-size=\"14\" font-weight=\"600\" text-anchor=\"middle\" "
        out += "transform=\"rotate(-90 18 \(n(top + cellHeight * Double(yValues.count) / 2)))\" fill=\"#1a1a1a\">\(Markup.escape(yLabel))</text>\n"
        // The colour scale: a vertical bar, low at the bottom, with its ends and middle labelled.
        let barX = left + cellWidth * Double(xValues.count) + 30, barHeight = max(120, cellHeight * Double(yValues.count))
        let steps = 20
        for i in 0..<steps {
            let t = 1 - (Double(i) + 0.5) / Double(steps)
            out += "<rect x=\"\(n(barX))\" y=\"\(n(top + Double(i) * barHeight / Double(steps)))\" width=\"18\" "
            out += "height=\"\(n(barHeight / Double(steps) + 0.5))\" fill=\"\(ColorScale.color(t))\"/>\n"
        }
        for (t, value) in [(0.0, range.lowerBound), (0.5, (range.lowerBound + range.upperBound) / 2), (1.0, range.upperBound)] {
            out += text(Self.short(value), x: barX + 24, y: top + (1 - t) * barHeight + 5, size: 12)
        }
        out += text(scaleLabel, x: barX, y: top - 10, size: 12, weight: "600")
        if cells.contains(where: { $0.contains { $0 == nil } }) {
            out += text("hatched: \(emptyMeaning)", x: 16, y: height - 12, size: 12, fill: "#4d4d4d")
        }
        out += "</svg>\n"
        return out
    }

    private func n(_ x: Double) -> String { Markup.number(x) }

    private func text(_ s: String, x: Double, y: Double, size: Double, anchor: String = "start", weight: String? = nil,
                      fill: String = "#1a1a1a") -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor)\""
            + (weight.map { " font-weight=\"\($0)\"" } ?? "") + " fill=\"\(fill)\">\(Markup.escape(s))</text>\n"
    }

    /// Three significant digits, no exponent for the values a sweep shows.
    public static func short(_ x: Double) -> String {
        guard x.isFinite else { return "-" }
        // Int(_:) traps beyond Int: a figure that large (only an edited results store holds one)
        // is printed with an exponent.
        if abs(x) >= 1e15 { return String(format: "%.3g", x) }
        if abs(x) >= 100 { return String(Int(x.rounded())) }
        let decimals = abs(x) >= 10 ? 1 : 2
        return FixedDecimal.format(x, decimals: decimals)
    }
}

/// A sequential colour scale for heatmaps: viridis (van der Walt and Smith, matplotlib 1.5,
/// 2015), perceptually uniform and readable with the common colour blindnesses; five of its
/// stops, linearly interpolated.
enum ColorScale {
    static let stops: [(Double, Double, Double)] = [
        (68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37),
    ]

    /// The colour at `t` in [0, 1] (clamped), `#rrggbb`.
    static func color(_ t: Double) -> String {
        let t = t.isFinite ? min(1, max(0, t)) : 0
        let position = t * Double(stops.count - 1)
        let i = min(stops.count - 2, Int(position))
        let f = position - Double(i)
        let a = stops[i], b = stops[i + 1]
        func channel(_ x: Double, _ y: Double) -> String {
            let v = Int((x + (y - x) * f).rounded())
            let hex = String(v, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }
        return "#" + channel(a.0, b.0) + channel(a.1, b.1) + channel(a.2, b.2)
    }
}
