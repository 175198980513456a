import SatsimAnalysis
import SatsimMetrics
import SatsimModel

/// report.html of `satsim compare --out` and `satsim explain --out`: the page of a run's report
/// (same style, self-contained, no script) holding the table of the columns, with units, and the
/// columns' series overlaid (``OverlayCharts``: per column the mean over replications and the
/// min-to-max band).
///
/// Every text from the scenario is escaped; the page's bytes depend only on the runs.
public enum ComparisonPage {
    /// The page of `satsim compare`: `traces[v][r]` is variant v's replication r, in the order of
    /// `comparison.variants`; `provenances[v]` what variant v applied.
    public static func render(
        comparison: Comparison, traces: [[RunTrace]], spec: ScenarioSpec, provenances: [RunProvenance]
    ) -> String {
        let columns = zip(comparison.variants, traces).map { OverlayCharts.Column(name: $0, traces: $1) }
        let unit = latencyUnit(traces, comparison: comparison)
        let charts = OverlayCharts.comparison(
            columns: columns, clients: spec.clients.map(\.name), duration: spec.duration.seconds,
            marks: RunCharts.marks(spec: spec), unit: unit)
        var html = head(title: "\(spec.name): compare", kicker: "satsim compare report", spec: spec, replications: comparison.replications, baseSeed: comparison.baseSeed)
        if let sets = provenances.first, !sets.isEmpty {
            html += "<p class=\"provenance\">In every column: "
            html += sets.overrides.map { "<code>--set \(Markup.escape($0.assignment))</code>" }.joined(separator: ", ") + "</p>\n"
        }
        html += "</header>\n"
        if !spec.description.isEmpty { html += "<p class=\"description\">\(Markup.escape(spec.description))</p>\n" }
        html += "\n<h2 id=\"table\">Side by side</h2>\n"
        if comparison.replications > 1 {
            html += "<p class=\"chart-key\">Each cell is the mean over \(comparison.replications) replications \u{00B1} the half-width "
            html += "of its \(percent(comparison.level)) confidence interval; * marks a variant whose difference from the base, "
            html += "paired by replication, has a \(percent(comparison.level)) interval excluding 0 (the outcome row: when McNemar's "
            html += "test of the runs paired by seed gives a mid-p value below \(FigureText.number(1 - comparison.level, decimals: 2))).</p>\n"
        } else {
            html += "<p class=\"chart-key\">Each cell is one run: no confidence interval, and no difference marked "
            html += "(<code>--replications 2</code> or more gives both).</p>\n"
        }
        html += "<p class=\"chart-key\">Outcomes: each run is judged against its own baseline (by default its latency bound is "
            + "3x its own p99 before the first fault), so a column with a faster baseline is held to a tighter bound.</p>\n"
        html += comparisonTable(comparison, provenances: provenances, unit: unit, names: ReportPage.names(spec))
        html += chartSection(charts, note: "Colour names the variant here: black is the base.", names: ReportPage.names(spec))
        return html + footer(spec: spec)
    }

    /// The page of `satsim explain`: `traces[c][r]` is column c's replication r, the base first,
    /// then each counterfactual in the order of `explanation.counterfactuals`.
    public static func render(explanation: Explanation, traces: [[RunTrace]], spec: ScenarioSpec, provenance: RunProvenance) -> String {
        let names = ["base"] + explanation.counterfactuals.map { column in
            column.counterfactual.map { "without \($0.subject)" } ?? "?"
        }
        let columns = zip(names, traces).map { OverlayCharts.Column(name: $0, traces: $1) }
        let charts = OverlayCharts.explanation(columns: columns, duration: spec.duration.seconds, marks: RunCharts.marks(spec: spec))
        var html = head(title: "\(spec.name): explain", kicker: "satsim explain report", spec: spec, replications: explanation.replications, baseSeed: explanation.baseSeed)
        html += ReportPage.provenanceLine(provenance, names: ReportPage.names(spec, provenance: provenance))
        html += "</header>\n"
        if !spec.description.isEmpty { html += "<p class=\"description\">\(Markup.escape(spec.description))</p>\n" }
        html += "\n<h2 id=\"finding\">What each mechanism does here</h2>\n<ol class=\"story\">\n"
        for sentence in explanation.toldFindings.map(\.sentence) { html += "<li>\(Markup.prose(sentence, names: ReportPage.names(spec)))</li>\n" }
        html += "</ol>\n"
        html += "\n<h2 id=\"table\">Each mechanism switched off in turn</h2>\n"
        html += "<p class=\"chart-key\">Goodput: requests/s over every client, the mean and the 95% confidence interval "
        html += "[low, high] over \(explanation.replications) replication\(explanation.replications == 1 ? "" : "s"). Recovery: seconds after the last fault, over the runs "
        html += "that recovered. Effect: cause, better without it; protection, worse without it (judged in turn on the bad outcomes, "
        html += "the runs not stable, the success ratio, then goodput; runs paired by seed: outcomes by McNemar's mid-p test below 0.05, "
        html += "figures by a 95% interval of the paired difference that excludes 0).</p>\n"
        html += explanationTable(explanation, names: ReportPage.names(spec))
        html += figureSection(explanation, spec: spec)
        html += chartSection(charts.map { [$0] } ?? [], note: "Black is the base, blue the run with one mechanism off.", names: ReportPage.names(spec))
        return html + footer(spec: spec)
    }

    // MARK: - Parts

    /// The explain report's chart of each row's goodput, recovery time and outcomes
    /// (``CounterfactualChart``), with the window each figure covers.
    static func figureSection(_ explanation: Explanation, spec: ScenarioSpec) -> String {
        let chart = CounterfactualChart(explanation: explanation)
        let n = explanation.replications
        let last = explanation.baseSeed &+ UInt64(max(n - 1, 0))
        let window = spec.warmup > .zero
            ? "from the end of the warmup (\(TextSummary.duration(spec.warmup))) to the end of the run (\(TextSummary.duration(spec.duration)))"
            : "over the whole run (\(TextSummary.duration(spec.duration)))"
        var html = "\n<h2 id=\"figures\">Goodput, recovery and outcomes, row by row</h2>\n"
        html += "<figure>\n\(chart.svg())<figcaption>"
        html += Markup.escape("Goodput: successes per second of every client together, \(window). Recovery time: seconds from "
            + "the end of the last fault to the first of the healthy intervals that last to the end, over the runs that "
            + "recovered (a row where not every run did says how many). Outcomes: each run's verdict, counted. A dot is the "
            + "mean over \(n) replication\(n == 1 ? "" : "s") (seed\(n == 1 ? " \(explanation.baseSeed)" : "s \(explanation.baseSeed) to \(last)"), "
            + "the same in every row); a whisker is its 95% confidence interval, explain.json's low and high; the dotted line "
            + "is the base's mean.")
        html += "</figcaption>\n</figure>\n"
        return html
    }

    static func head(title: String, kicker: String, spec: ScenarioSpec, replications: Int, baseSeed: UInt64) -> String {
        let e = Markup.escape
        let last = baseSeed &+ UInt64(max(replications - 1, 0))
        var meta = ["\(replications) replication\(replications == 1 ? "" : "s") per column"]
        meta.append(replications == 1 ? "seed \(baseSeed)" : "seeds \(baseSeed) to \(last), the same in every column")
        meta.append("\(TextSummary.duration(spec.duration)) simulated")
        if spec.warmup > .zero { meta.append("first \(TextSummary.duration(spec.warmup)) warmup") }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(e(title)): satsim report</title>
            <style>
            \(ReportStyle.css)
            </style>
            </head>
            <body>
            <main>
            <header>
            <p class="kicker">\(e(kicker))</p>
            <h1>\(e(spec.name))</h1>
            <p class="meta">\(e(meta.joined(separator: " \u{00B7} ")))</p>

            """
    }

    static func chartSection(_ charts: [RunCharts.Entry], note: String, names: [String]) -> String {
        guard !charts.isEmpty else { return "" }
        var html = "\n<h2 id=\"charts\">Charts</h2>\n"
        html += "<p class=\"chart-key\">\(Markup.escape(note)) Each line is a column's mean over its replications; the band "
        html += "of its colour spans the lowest to the highest replication at each moment. Grey band, the warmup; orange band, "
        html += "a fault of the timeline; dashed line, a step of the timeline.</p>\n"
        for entry in charts {
            html += "<figure>\n\(entry.chart.svg())<figcaption>\(Markup.prose(entry.caption, names: names))</figcaption>\n</figure>\n"
        }
        return html
    }

    static func footer(spec: ScenarioSpec) -> String {
        """

        <footer>Every figure covers the time after warmup. Generated by satsim from the scenario \
        <code>\(Markup.escape(spec.name))</code>; the same seeds give the same page.</footer>
        </main>
        </body>
        </html>

        """
    }

    /// The latency unit of the page: from the largest p99 any chart or the table shows.
    static func latencyUnit(_ traces: [[RunTrace]], comparison: Comparison) -> LatencyUnit {
        var largest = 0.0
        for trace in traces.joined() {
            for client in trace.clients { for v in client.p99 where v.isFinite { largest = max(largest, v) } }
        }
        for row in comparison.figureRows where row.path.hasSuffix(".latency.p99") {
            for cell in row.cells {
                if let i = cell.interval, i.mean.isFinite { largest = max(largest, i.mean + (i.halfWidth ?? 0)) }
            }
        }
        return LatencyUnit.forLargest(largest)
    }

    /// A figure's name and unit for the table, and how to show its values (`scale`).
    static func figureHead(_ path: String, unit: LatencyUnit) -> (name: String, unit: String, scale: Double) {
        if path.hasSuffix(".goodput_per_s") { return (String(path.dropLast(".goodput_per_s".count)) + " goodput", "successes/s", 1) }
        if path.hasSuffix(".success_ratio") { return (String(path.dropLast(".success_ratio".count)) + " succeeded", "% of ended", 100) }
        if path.hasSuffix(".amplification") { return (String(path.dropLast(".amplification".count)) + " amplification", "attempts/request", 1) }
        if path.hasSuffix(".latency.p99") { return (String(path.dropLast(".latency.p99".count)) + " p99 latency", unit.rawValue, unit.scale) }
        if path.hasSuffix(".wasted") { return (String(path.dropLast(".wasted".count)) + " wasted", "completions, caller gone", 1) }
        if path == "recovery_time" { return ("recovery time", "s after the last fault", 1) }
        return (path, "", 1)
    }

    static func comparisonTable(_ comparison: Comparison, provenances: [RunProvenance], unit: LatencyUnit, names: [String] = []) -> String {
        let header: [(String, String)] = [("figure", "unit")] + comparison.variants.enumerated().map { v, name in
            let applied = v < provenances.count ? provenances[v].overrides.filter { $0.source == .variant }.map(\.assignment) : []
            return (name, applied.joined(separator: ", "))
        }
        var rows: [[String]] = []
        rows.append(["outcome (runs)"] + comparison.variants.indices.map { v in
            comparison.outcomeCounts(variant: v).map { "\($0.outcome) \($0.count)" }.joined(separator: ", ")
                + (comparison.outcomesDiffer(variant: v) ? " *" : "")
        })
        for row in comparison.figureRows {
            let head = figureHead(row.path, unit: unit)
            rows.append(["\(head.name) (\(head.unit))"] + row.cells.map { cell in
                Comparison.cellText(cell.interval, replications: comparison.replications, scale: head.scale)
                    + (cell.differsFromBase ? " *" : "")
            })
        }
        rows.append(["stopped at a limit (runs)"] + comparison.runs.map { "\($0.filter { $0.limit != nil }.count)" })
        return ReportPage.table(header: header, rows: rows, columnNames: true, names: names)
    }

    static func explanationTable(_ explanation: Explanation, names: [String] = []) -> String {
        let header: [(String, String)] = [
            ("mechanism", ""), ("subject", "scenario path"), ("change", "when switched off"), ("outcomes", "runs"),
            ("goodput", "requests/s, mean [95% interval]"), ("recovery", "s, mean"), ("effect", ""),
        ]
        func row(_ column: Explanation.Column) -> [String] {
            let goodput = column.goodput.map { i -> String in
                let mean = FigureText.number(i.mean, decimals: 1)
                guard let half = i.halfWidth, half.isFinite else { return mean }
                return "\(mean) [\(FigureText.number(i.mean - half, decimals: 1)), \(FigureText.number(i.mean + half, decimals: 1))]"
            } ?? "-"
            let recovery = column.recoveryTime.map {
                FigureText.number($0.mean, decimals: 1) + ($0.count < explanation.replications ? " (\($0.count) of \(explanation.replications))" : "")
            } ?? "-"
            return [
                column.counterfactual?.mechanism ?? "base", column.counterfactual?.subject ?? "-",
                column.counterfactual?.change ?? "as written",
                column.outcomes.map { "\($0.outcome) \($0.count)" }.joined(separator: ", "),
                goodput, recovery, column.counterfactual == nil ? "-" : column.effect.rawValue,
            ]
        }
        return ReportPage.table(header: header, rows: [row(explanation.base)] + explanation.counterfactuals.map(row), names: names)
    }

    static func percent(_ x: Double) -> String { ReportPage.percent(x) }
}
