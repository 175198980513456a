/// The HTML page of a sweep (`report.html` in its folder): what was swept, the phase diagrams,
/// and every point's values in a table below them, so each cell of a chart can be read exactly.
/// Self-contained: the charts are inlined, no script, no external resource.
public enum SweepReportPage {
    /// - Parameters:
    ///   - scenario: the scenario's name (the page's title).
    ///   - description: the scenario's `description`, under the title as on a run's page ("" for none).
    ///   - lines: sentences under the title: the grid, the runs, how to read the charts.
    ///   - charts: SVG documents, shown in order.
    ///   - header, rows: the table of points.
    ///   - kind: the command named above the title (`sweep`, `chaos`).
    ///   - names: the scenario's texts the lines and cells may quote (a chaos search's fault
    ///     labels): each right-to-left one is isolated (``Markup/prose(_:names:)``).
    public static func render(scenario: String, description: String = "", lines: [String], charts: [String], header: [String],
                              rows: [[String]], kind: String = "sweep", names: [String] = []) -> String {
        let p = { (text: String) in Markup.prose(text, names: names) }
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(Markup.escape("\(kind): \(scenario)"))</title>\n<style>\n\(ReportStyle.css)\n"
        out += "table.points { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: 0.9rem; }\n"
        out += "table.points th, table.points td { border-bottom: 1px solid var(--rule); padding: 4px 10px; text-align: right; }\n"
        out += "figure.phase svg { max-width: 100%; height: auto; }\n</style>\n</head>\n<body>\n<main>\n"
        out += "<header>\n<p class=\"kicker\">satsim \(Markup.escape(kind))</p>\n<h1>\(Markup.escape(scenario))</h1>\n</header>\n"
        if !description.isEmpty { out += "<p class=\"description\">\(Markup.escape(description))</p>\n" }
        for line in lines { out += "<p>\(p(line))</p>\n" }
        for chart in charts {
            // The SVGs are satsim's own output, with every scenario text already escaped.
            let body = chart.hasPrefix("<?xml") ? String(chart.drop { $0 != "\n" }.dropFirst()) : chart
            out += "<figure class=\"phase\">\n\(body)</figure>\n"
        }
        out += "<h2>\(kind == "sweep" ? "Points" : "Combinations, worst first")</h2>\n<table class=\"points\">\n<thead><tr>"
        out += header.map { "<th>\(p($0))</th>" }.joined() + "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>" + row.map { "<td>\(p($0))</td>" }.joined() + "</tr>\n"
        }
        out += "</tbody>\n</table>\n</main>\n</body>\n</html>\n"
        return out
    }
}
