import Foundation
import SatsimMetrics
import SatsimModel
@testable import SatsimReport
import SatsimTestSupport
import Testing

@Suite("SVG charts")
struct SVGChartTests {
    @Test("The charts of a run are named for what they show: goodput, latency, and two per service")
    func chartNames() {
        let run = ReportFixture(spec: ReportFixture.small())
        #expect(RunCharts(result: run.result, spec: run.spec).entries.map(\.fileName) == [
            "goodput.svg", "latency.svg", "service-api.svg", "service-api-losses.svg",
        ])
    }

    @Test("Every chart of a run is well-formed XML with an svg root")
    func wellFormed() throws {
        let run = ReportFixture(spec: ReportFixture.small())
        for entry in RunCharts(result: run.result, spec: run.spec).entries {
            let svg = entry.chart.svg()
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(XMLCheck.isWellFormed(svg), "\(entry.fileName): \(XMLCheck.error(svg) ?? "")")
        }
    }

    @Test("Scenario names in a chart are escaped, so a name cannot inject markup")
    func namesEscaped() throws {
        let hostile = ReportFixture.hostile
        let run = ReportFixture(spec: ReportFixture.small(client: hostile, service: hostile))
        let entries = RunCharts(result: run.result, spec: run.spec).entries
        for entry in entries {
            let svg = entry.chart.svg()
            #expect(!svg.contains("<script"), "\(entry.fileName) carries a raw <script>")
            #expect(svg.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"), "\(entry.fileName)")
            #expect(XMLCheck.isWellFormed(svg), "\(entry.fileName): \(XMLCheck.error(svg) ?? "")")
        }
        // The file name keeps only safe characters.
        #expect(entries[2].fileName == "service--script-alert--x----script-----quoted-.svg")
    }

    @Test("Non-finite values are gaps in the line: no NaN or infinity reaches the SVG")
    func nonFiniteValues() throws {
        let chart = Chart(
            title: "gaps", times: [0.5, 1.5, 2.5, 3.5, 4.5, 5.5, .nan], duration: 6,
            panels: [
                ChartPanel(title: "values", series: [
                    ChartSeries(name: "mixed", values: [1, .nan, 2, 3, .infinity, 4, 5], color: .useful),
                    ChartSeries(name: "none", values: [.nan, .nan, .nan, .nan, .nan, .nan, .nan], color: .waste),
                    ChartSeries(name: "huge", values: [-.infinity, .greatestFiniteMagnitude, 0, 0, 0, 0, 0], color: .capacity),
                ]),
                ChartPanel(title: "share", yAxis: .percent, series: [
                    ChartSeries(name: "nan", values: [.nan, .nan, .nan, .nan, .nan, .nan, .nan], color: .useful)
                ]),
            ],
            marks: [TimeMark(kind: .fault, start: .nan, end: .infinity, label: "broken")])
        let svg = chart.svg()
        for bad in ["nan", "NaN", "inf", "Inf"] { #expect(!svg.contains(bad), "SVG contains \(bad)") }
        #expect(XMLCheck.isWellFormed(svg), "\(XMLCheck.error(svg) ?? "")")
        // "mixed" breaks at each non-finite value: three runs of points, each starting with M.
        let mixed = try #require(svg.split(separator: "\n").first { $0.contains("<title>mixed</title>") })
        #expect(mixed.filter { $0 == "M" }.count == 3)

        // The same through a run whose time series holds non-finite figures.
        var run = ReportFixture(spec: ReportFixture.small())
        var series = TimeSeries(columns: Array(run.result.timeSeries.columns.dropFirst()))
        for (index, row) in run.result.timeSeries.rows.enumerated() {
            let poison: Double = index % 3 == 0 ? .nan : (index % 3 == 1 ? .infinity : -.infinity)
            series.append(time: row[0], values: row.dropFirst().enumerated().map { $0.offset % 2 == 0 ? poison : $0.element })
        }
        run.result.timeSeries = series
        for entry in RunCharts(result: run.result, spec: run.spec).entries {
            let text = entry.chart.svg()
            for bad in ["nan", "NaN", "inf", "Inf"] { #expect(!text.contains(bad), "\(entry.fileName) contains \(bad)") }
        }
    }

    @Test("Warmup, fault windows and steps are marked and labelled on every chart")
    func marks() {
        let run = ReportFixture(spec: ReportFixture.small())
        let svg = RunCharts(result: run.result, spec: run.spec).entries[0].chart.svg()
        #expect(svg.contains(">warmup</text>"))
        #expect(svg.contains(">load spike \u{00D7}1.60: users</text>"))
        #expect(svg.contains(">set clients.users.retry.max_attempts = 1</text>"))
        #expect(svg.contains("fill=\"#E69F00\" fill-opacity=\"0.28\""))
        #expect(svg.contains("stroke-dasharray=\"4 3\""))
    }

    @Test("The same run renders the same bytes")
    func deterministic() {
        let a = ReportFixture(spec: ReportFixture.small()), b = ReportFixture(spec: ReportFixture.small())
        #expect(RunCharts(result: a.result, spec: a.spec) .entries.map { $0.chart.svg() }
            == RunCharts(result: b.result, spec: b.spec).entries.map { $0.chart.svg() })
    }

    @Test("goodput.svg of a small run matches its golden file")
    func goldenChart() {
        let run = ReportFixture(spec: ReportFixture.small())
        let charts = RunCharts(result: run.result, spec: run.spec, analysis: run.analysis)
        Golden.expect(charts.entries[0].chart.svg(), named: "small-goodput.svg", in: ReportFixture.golden)
    }
}

extension SVGChartTests {
    @Test("A long run is drawn with a few points per pixel column, keeping its spikes")
    func longRunsDecimated() throws {
        let count = 86_400
        var values = (0..<count).map { Double($0 % 7) }
        values[50_000] = 1000
        let chart = Chart(
            title: "a day", times: (0..<count).map { Double($0) + 0.5 }, duration: Double(count),
            panels: [ChartPanel(title: "per second", series: [ChartSeries(name: "load", values: values, color: .useful)])])
        let svg = chart.svg()
        #expect(svg.utf8.count < 200_000, "\(svg.utf8.count) bytes for one line")
        let path = try #require(svg.split(separator: "\n").first { $0.contains("<title>load</title>") })
        // The spike reaches the top of the plot (y of the 1000 tick).
        let top = try #require(svg.split(separator: "\n").first { $0.contains(">1000</text>") })
        let topY = try #require(top.split(separator: "\"").dropFirst(3).first)
        #expect(path.contains(" \(Double(topY).map { Markup.number($0 - 4.5) } ?? "?")"))
        #expect(XMLCheck.isWellFormed(svg))
    }
}
