import Foundation
import SatsimAnalysis
import SatsimTestSupport
import Testing

/// The figures of the compare and explain reports as a user gets them from `--out`.
@Suite("compare and explain reports: figures and charts, end to end")
struct ReportFiguresEndToEndTests {
    /// The cells of report.html's table rows, `<th>` name first, in order.
    static func htmlRows(_ page: String) -> [[String]] {
        page.components(separatedBy: "<tr><th scope=\"row\">").dropFirst().map { row in
            let row = row.components(separatedBy: "</tr>")[0]
            let name = row.components(separatedBy: "</th>")[0]
            let cells = row.components(separatedBy: "<td>").dropFirst().map { $0.components(separatedBy: "</td>")[0] }
            return [name] + cells
        }
    }

    /// The text table's rows after its header: cells are separated by two or more spaces.
    static func textRows(_ stdout: String) -> [[String]] {
        let lines = stdout.components(separatedBy: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("figure ") }) else { return [] }
        return lines[(header + 1)...].prefix { !$0.isEmpty }.map { line in
            line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
    }

    /// The storm at 3 replications: p99 latencies of 0.2 s are shown in ms, success ratios as
    /// percentages; each must keep the text table's digits (0.2341 s is 234.1 ms, not 234.11).
    @Test func theCompareReportsTableHasTheTextTablesDigitsInItsUnits() throws {
        let file = try CLIHarness.scenarioFile(CompareEndToEndTests.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["compare", file.path, "--replications", "3", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let html = Self.htmlRows(page), text = Self.textRows(result.stdout)
        #expect(html.count == text.count && html.count >= 8, "\(html.count) html rows, \(text.count) text rows")
        var scaled = 0
        for (h, t) in zip(html, text) {
            let places = h[0].hasSuffix("(ms)") ? 3 : h[0].hasSuffix("(% of ended)") ? 2 : 0
            if places > 0 { scaled += 1 }
            #expect(h.count == t.count, "\(h) against \(t)")
            for (cell, textCell) in zip(h.dropFirst(), t.dropFirst()) where !h[0].hasPrefix("outcome") {
                #expect(cell == DecimalShift.shifted(textCell, by: places), "\(h[0]): \(cell) against \(textCell)")
            }
        }
        #expect(scaled == 2, "the success share and the p99 latency are shown scaled")
    }
}


extension ReportFiguresEndToEndTests {
    /// explain --out: the chart's marks carry explain.json's figures, row by row (the base, then
    /// each counterfactual), formatted as the text output formats figures.
    @Test func theExplainReportChartsEachRowsGoodputAndRecoveryFromExplainJSON() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        let out = try CLIHarness.temporaryDirectory()
        let result = try CLIHarness.run(["explain", file.path, "--replications", "3", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let page = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("explain.json"))) as? [String: Any])
        let counterfactuals = try #require(json["counterfactuals"] as? [[String: Any]])
        let rows = [("base", try #require(json["base"] as? [String: Any]))]
            + counterfactuals.map { ("without \($0["subject"] as? String ?? "?")", $0) }
        #expect(rows.count >= 3)
        for (name, row) in rows {
            for (key, unit) in [("goodput_per_s", "requests/s"), ("recovery_time", "s")] {
                guard let figure = row[key] as? [String: Any], let mean = figure["mean"] as? Double else {
                    #expect(key == "recovery_time", "\(name) has a goodput")
                    continue
                }
                var hover = "\(name): \(FigureText.number(mean)) \(unit)"
                if let low = figure["low"] as? Double, let high = figure["high"] as? Double {
                    hover += " [\(FigureText.number(low)), \(FigureText.number(high))]"
                }
                #expect(page.contains("<title>\(hover), "), "\(hover)")
            }
            let outcomes = try #require(row["outcomes"] as? [String: Int])
            for (outcome, count) in outcomes where count > 0 {
                #expect(page.contains("<title>\(name): \(outcome) \(count) of 3</title>"), "\(name) \(outcome)")
            }
        }
    }
}
