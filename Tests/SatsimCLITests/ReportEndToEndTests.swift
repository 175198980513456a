import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// `satsim run --out DIR` writes the report and the charts beside summary.json.
@Suite("satsim run writes report.html and the charts")
struct ReportEndToEndTests {
    static let charts = ["goodput.svg", "latency.svg", "service-api.svg", "service-api-losses.svg"]

    @Test("run --out writes report.html and one SVG per chart, lists them, and leaves no partial file")
    func writesReportAndCharts() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("run")
        let result = try CLIHarness.run(["run", file.path, "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let listing = try FileManager.default.contentsOfDirectory(atPath: out.path)
        // The hidden manifest names the set (see OutputDirectory); nothing else is hidden.
        #expect(listing.filter { $0.hasPrefix(".") } == [".satsim-run-outputs"])
        let written = listing.filter { !$0.hasPrefix(".") }.sorted()
        #expect(written == (["events.jsonl", "report.html", "summary.json", "timeseries.csv"] + Self.charts).sorted())
        for name in ["report.html"] + Self.charts {
            #expect(result.stdout.contains(out.appendingPathComponent(name).path), "the outputs listing lacks \(name)")
        }
        for name in Self.charts {
            let data = try Data(contentsOf: out.appendingPathComponent(name))
            let parser = XMLParser(data: data)
            #expect(parser.parse(), "\(name) is not well-formed XML: \(String(describing: parser.parserError))")
        }
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<h1>small</h1>"))
        #expect(html.contains("Two instances of a small service under steady load."))
        #expect(html.contains("<li>From 2s to the end, clients offered"))
        #expect(html.components(separatedBy: "<svg").count - 1 == Self.charts.count)
    }

    @Test("The same seed writes byte-identical report.html and charts")
    func sameSeedSameReport() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let dir = try CLIHarness.temporaryDirectory()
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        for out in [a, b] {
            let result = try CLIHarness.run(["run", file.path, "--out", out.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
        for name in ["report.html"] + Self.charts {
            let da = try Data(contentsOf: a.appendingPathComponent(name))
            #expect(!da.isEmpty)
            #expect(da == (try Data(contentsOf: b.appendingPathComponent(name))), "\(name) differs between two runs")
        }
    }
}
