import SatsimAnalysis
import SatsimMetrics

/// The figures of `satsim explain` per row (the base, then each counterfactual), side by side in
/// three panels that share the rows: total goodput and the recovery time, each as its mean (a dot)
/// with its 95% confidence interval (a whisker, explain.json's `low` and `high`: Student t over
/// the replications, cut at 0; none from a single run), and the count of each outcome as a
/// stacked bar.
///
/// Colours: a whisker is black for the base and blue for a counterfactual, and a dotted black
/// line marks the base's mean across every row, so each row reads against the base. In the
/// outcome bars a colour names an outcome (the legend lists them), and every segment wide enough
/// carries its count, so no reading depends on colour alone.
public struct CounterfactualChart: Sendable, Hashable {
    /// One row of the chart.
    public struct Row: Sendable, Hashable {
        /// `base`, or `without clients.users.retry`.
        public var name: String
        /// Runs per outcome label, in ``CounterfactualChart/outcomeOrder`` (zero counts left out).
        public var outcomes: [Count]
        /// Total goodput [requests/s]: mean, and the interval when there is one.
        public var goodput: Estimate?
        /// Recovery time [s], over the runs that recovered.
        public var recovery: Estimate?
    }

    public struct Count: Sendable, Hashable {
        public var outcome: String
        public var runs: Int
    }

    /// A mean over `runs` runs, with its interval's ends when there is one.
    public struct Estimate: Sendable, Hashable {
        public var mean: Double
        public var low: Double?
        public var high: Double?
        public var runs: Int
    }

    public var rows: [Row]
    public var replications: Int

    /// The outcome labels in the order the bars stack them: the healthy ones first, then the bad.
    public static let outcomeOrder = ["stable", "recovered", "degraded", "metastable", "oscillating", "overloaded", "not_judged"]

    /// The fill and the text colour on it, per outcome label (Okabe-Ito colours, as ``ChartColor``).
    static func colors(_ outcome: String) -> (fill: String, text: String) {
        switch outcome {
        case "stable": return ("#009E73", "#FFFFFF")
        case "recovered": return ("#56B4E9", "#1A1A1A")
        case "degraded": return ("#E69F00", "#1A1A1A")
        case "metastable": return ("#D55E00", "#FFFFFF")
        case "oscillating": return ("#CC79A7", "#1A1A1A")
        case "overloaded": return ("#000000", "#FFFFFF")
        default: return ("#BBBBBB", "#1A1A1A")
        }
    }

    public init(rows: [Row], replications: Int) {
        self.rows = rows
        self.replications = replications
    }

    /// The rows of `explanation`: the base first, then each counterfactual in its order.
    public init(explanation: Explanation) {
        func estimate(_ i: MeanInterval?) -> Estimate? {
            i.map { Estimate(mean: $0.mean, low: $0.nonNegativeBounds?.low, high: $0.nonNegativeBounds?.high, runs: $0.count) }
        }
        func row(_ name: String, _ column: Explanation.Column) -> Row {
            let counts = Dictionary(column.outcomes.map { ($0.outcome, $0.count) }, uniquingKeysWith: +)
            return Row(name: name,
                       outcomes: Self.outcomeOrder.compactMap { o in counts[o].flatMap { $0 > 0 ? Count(outcome: o, runs: $0) : nil } },
                       goodput: estimate(column.goodput), recovery: estimate(column.recoveryTime))
        }
        self.init(rows: [row("base", explanation.base)] + explanation.counterfactuals.map { column in
            row(column.counterfactual.map { "without \($0.subject)" } ?? "?", column)
        }, replications: explanation.replications)
    }

    // MARK: - Drawing

    static let width = 960.0
    static let labelLeft = 16.0
    /// The panels' left edges and their width [px]; the recovery panel keeps its last 56 px for
    /// the `k of n` of a row where not every run recovered.
    static let panels = [310.0, 525.0, 740.0]
    static let panelWidth = 190.0
    static let countRoom = 56.0
    static let rowHeight = 30.0
    static let firstRow = 150.0

    /// The SVG document.
    public func svg() -> String {
        let n = Markup.number, e = Markup.escape
        let bottom = Self.firstRow + Double(rows.count) * Self.rowHeight
        let height = bottom + 58
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(Self.width))\" height=\"\(n(height))\" "
        out += "viewBox=\"0 0 \(n(Self.width)) \(n(height))\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\" role=\"img\">\n"
        let title = "Goodput, recovery time and outcomes, the base and each counterfactual"
        out += "<title>\(e(title))</title>\n<rect width=\"100%\" height=\"100%\" fill=\"#FFFFFF\"/>\n"
        out += "<text x=\"16\" y=\"30\" font-size=\"19\" font-weight=\"700\" fill=\"#1A1A1A\">\(e(title))</text>\n"
        out += legend()
        let headings = [("goodput, all clients", "requests/s"), ("recovery time", "s after the last fault"),
                         ("outcomes", "runs of \(replications)")]
        for (x, heading) in zip(Self.panels, headings) {
            out += "<text x=\"\(n(x))\" y=\"\(n(Self.firstRow - 26))\" font-size=\"14\" font-weight=\"600\" fill=\"#1A1A1A\">\(e(heading.0))</text>"
            out += "<text x=\"\(n(x))\" y=\"\(n(Self.firstRow - 9))\" font-size=\"12\" fill=\"#4D4D4D\">\(e(heading.1))</text>\n"
        }
        for (i, row) in rows.enumerated() {
            let y = Self.firstRow + Double(i) * Self.rowHeight
            if i % 2 == 1 {
                out += "<rect x=\"8\" y=\"\(n(y))\" width=\"\(n(Self.width - 16))\" height=\"\(n(Self.rowHeight))\" fill=\"#F5F5F5\"/>\n"
            }
            out += "<text x=\"\(n(Self.labelLeft))\" y=\"\(n(y + 20))\" font-size=\"14\" fill=\"#1A1A1A\"\(i == 0 ? " font-weight=\"600\"" : "")>"
            out += "\(e(Self.clipped(row.name)))<title>\(e(row.name))</title></text>\n"
        }
        out += intervalPanel(x: Self.panels[0], width: Self.panelWidth, bottom: bottom, unit: "requests/s", value: \.goodput, none: "no run")
        out += intervalPanel(x: Self.panels[1], width: Self.panelWidth - Self.countRoom, bottom: bottom, unit: "s",
                             value: \.recovery, none: "none recovered")
        out += outcomePanel(bottom: bottom)
        out += "</svg>\n"
        return out
    }

    /// A row name cut to what fits the label column (the whole name is its hover title).
    static func clipped(_ name: String) -> String {
        name.count <= 38 ? name : String(name.prefix(37)) + "\u{2026}"
    }

    /// The key: what a dot, a whisker and the dotted line are, and the colour of each outcome.
    func legend() -> String {
        let n = Markup.number, e = Markup.escape
        var out = "<circle cx=\"22\" cy=\"55\" r=\"4.5\" fill=\"#0072B2\"/>"
        out += "<text x=\"32\" y=\"60\" font-size=\"13\" fill=\"#1A1A1A\">mean of the runs</text>\n"
        out += "<line x1=\"160\" y1=\"55\" x2=\"196\" y2=\"55\" stroke=\"#0072B2\" stroke-width=\"2\"/>"
        out += "<line x1=\"160\" y1=\"50\" x2=\"160\" y2=\"60\" stroke=\"#0072B2\" stroke-width=\"2\"/>"
        out += "<line x1=\"196\" y1=\"50\" x2=\"196\" y2=\"60\" stroke=\"#0072B2\" stroke-width=\"2\"/>"
        out += "<text x=\"204\" y=\"60\" font-size=\"13\" fill=\"#1A1A1A\">\(e("95% confidence interval (Student t, cut at 0; none from one run)"))</text>\n"
        out += "<line x1=\"610\" y1=\"46\" x2=\"610\" y2=\"64\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>"
        out += "<text x=\"618\" y=\"60\" font-size=\"13\" fill=\"#1A1A1A\">the base's mean; black: the base</text>\n"
        var x = 16.0
        let present = Self.outcomeOrder.filter { o in rows.contains { $0.outcomes.contains { $0.outcome == o } } }
        for outcome in present {
            out += "<rect x=\"\(n(x))\" y=\"78\" width=\"14\" height=\"14\" fill=\"\(Self.colors(outcome).fill)\"/>"
            out += "<text x=\"\(n(x + 19))\" y=\"90\" font-size=\"13\" fill=\"#1A1A1A\">\(e(outcome))</text>\n"
            x += 19 + Double(outcome.count) * 7.5 + 18
        }
        return out
    }

    /// A panel of means and intervals from `value`, on an axis from 0; the base's mean dotted.
    func intervalPanel(x: Double, width: Double, bottom: Double, unit: String, value: KeyPath<Row, Estimate?>,
                       none: String) -> String {
        let n = Markup.number, e = Markup.escape
        let highest = rows.compactMap { $0[keyPath: value].map { max($0.mean, $0.high ?? 0) } }.filter(\.isFinite).max() ?? 0
        let ticks = AxisTicks.linear(maximum: highest, target: 4)
        func px(_ v: Double) -> Double { x + min(max(v, 0), ticks.top) / ticks.top * width }
        var out = ""
        for tick in ticks.values {
            out += "<line x1=\"\(n(px(tick)))\" y1=\"\(n(Self.firstRow))\" x2=\"\(n(px(tick)))\" y2=\"\(n(bottom))\" stroke=\"#DDDDDD\"/>"
            out += "<text x=\"\(n(px(tick)))\" y=\"\(n(bottom + 18))\" font-size=\"12\" fill=\"#4D4D4D\" text-anchor=\"middle\">\(ticks.valueLabel(tick))</text>\n"
        }
        if let base = rows.first?[keyPath: value], base.mean.isFinite {
            out += "<line x1=\"\(n(px(base.mean)))\" y1=\"\(n(Self.firstRow))\" x2=\"\(n(px(base.mean)))\" y2=\"\(n(bottom))\" "
            out += "stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>\n"
        }
        for (i, row) in rows.enumerated() {
            let y = Self.firstRow + Double(i) * Self.rowHeight + Self.rowHeight / 2
            guard let estimate = row[keyPath: value], estimate.mean.isFinite else {
                out += "<text x=\"\(n(x + 4))\" y=\"\(n(y + 4))\" font-size=\"12\" fill=\"#4D4D4D\">\(e(none))</text>\n"
                continue
            }
            let color = i == 0 ? "#000000" : ChartColor.useful.hex
            var hover = "\(row.name): \(FigureText.number(estimate.mean)) \(unit)"
            if let low = estimate.low, let high = estimate.high {
                hover += " [\(FigureText.number(low)), \(FigureText.number(high))]"
                out += "<line x1=\"\(n(px(low)))\" y1=\"\(n(y))\" x2=\"\(n(px(high)))\" y2=\"\(n(y))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                for end in [low, high] {
                    out += "<line x1=\"\(n(px(end)))\" y1=\"\(n(y - 5))\" x2=\"\(n(px(end)))\" y2=\"\(n(y + 5))\" stroke=\"\(color)\" stroke-width=\"2\"/>"
                }
            }
            hover += ", \(estimate.runs) of \(replications) runs"
            out += "<circle cx=\"\(n(px(estimate.mean)))\" cy=\"\(n(y))\" r=\"4.5\" fill=\"\(color)\"><title>\(e(hover))</title></circle>\n"
            if estimate.runs < replications {
                out += "<text x=\"\(n(x + width + Self.countRoom - 4))\" y=\"\(n(y + 4))\" font-size=\"12\" fill=\"#4D4D4D\" "
                out += "text-anchor=\"end\">\(estimate.runs) of \(replications)</text>\n"
            }
        }
        return out
    }

    /// The outcome counts of each row as a bar stacked in ``outcomeOrder``, on an axis of runs.
    func outcomePanel(bottom: Double) -> String {
        let n = Markup.number, e = Markup.escape
        let x = Self.panels[2], width = Self.panelWidth
        let total = Double(max(1, replications))
        // Whole runs only: a count axis of 2 runs ticks at 0, 1, 2, never 0.5.
        var ticks = AxisTicks.linear(maximum: total, target: 4)
        if ticks.step < 1 { ticks = AxisTicks(values: (0...max(1, replications)).map(Double.init), step: 1) }
        func px(_ runs: Double) -> Double { x + runs / ticks.top * width }
        var out = ""
        for tick in ticks.values {
            out += "<line x1=\"\(n(px(tick)))\" y1=\"\(n(Self.firstRow))\" x2=\"\(n(px(tick)))\" y2=\"\(n(bottom))\" stroke=\"#DDDDDD\"/>"
            out += "<text x=\"\(n(px(tick)))\" y=\"\(n(bottom + 18))\" font-size=\"12\" fill=\"#4D4D4D\" text-anchor=\"middle\">\(ticks.valueLabel(tick))</text>\n"
        }
        for (i, row) in rows.enumerated() {
            let y = Self.firstRow + Double(i) * Self.rowHeight + 6
            var start = 0.0
            for count in row.outcomes {
                let (fill, ink) = Self.colors(count.outcome)
                let left = px(start), right = px(start + Double(count.runs))
                out += "<rect x=\"\(n(left))\" y=\"\(n(y))\" width=\"\(n(right - left))\" height=\"\(n(Self.rowHeight - 12))\" fill=\"\(fill)\">"
                out += "<title>\(e("\(row.name): \(count.outcome) \(count.runs) of \(replications)"))</title></rect>"
                if right - left >= 16 {
                    out += "<text x=\"\(n((left + right) / 2))\" y=\"\(n(y + 13))\" font-size=\"12\" fill=\"\(ink)\" text-anchor=\"middle\">\(count.runs)</text>"
                }
                out += "\n"
                start += Double(count.runs)
            }
        }
        return out
    }
}
