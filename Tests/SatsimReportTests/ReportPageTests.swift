import Foundation
import SatsimAnalysis
import SatsimModel
@testable import SatsimReport
import SatsimTestSupport
import Testing

@Suite("report.html")
struct ReportPageTests {
    static func page(_ run: ReportFixture) -> String {
        ReportPage.render(result: run.result, analysis: run.analysis, spec: run.spec)
    }

    @Test("The page holds the name, the description, the verdict, the story, every chart and both tables")
    func contents() {
        let run = ReportFixture(spec: ReportFixture.small())
        let html = Self.page(run)
        #expect(html.hasPrefix("<!DOCTYPE html>\n"))
        #expect(html.contains("<h1>small-spike</h1>"))
        #expect(html.contains(Markup.escape(run.spec.description)))
        #expect(html.contains("<p class=\"outcome\" id=\"outcome\">\(run.analysis.verdict.outcome.rawValue)</p>"))
        #expect(html.contains("Baseline goodput G0"))
        let story = Story(result: run.result, spec: run.spec, analysis: run.analysis).sentences
        #expect(!story.isEmpty)
        for sentence in story { #expect(html.contains("<li>\(Markup.escape(sentence))</li>")) }
        for entry in RunCharts(result: run.result, spec: run.spec, analysis: run.analysis).entries {
            #expect(html.contains(entry.chart.svg()), "\(entry.fileName) is not inlined")
        }
        #expect(html.contains("<th scope=\"row\">users</th>"))
        #expect(html.contains("<th scope=\"row\">api</th>"))
    }

    @Test("The page is self-contained: no script, no external resource, no link out")
    func selfContained() {
        let html = Self.page(ReportFixture(spec: ReportFixture.small()))
        for forbidden in ["<script", "<link", "src=", "href=", "url(", "@import"] {
            #expect(!html.contains(forbidden), "report.html contains \(forbidden)")
        }
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(!withoutNamespace.contains("http:") && !withoutNamespace.contains("https:"))
    }

    @Test("A description and names with <script>&\"' are escaped everywhere on the page")
    func escaping() {
        let hostile = ReportFixture.hostile
        let run = ReportFixture(spec: ReportFixture.small(client: hostile, service: hostile, description: hostile))
        let html = Self.page(run)
        #expect(!html.contains("<script"))
        #expect(!html.contains("'quoted'"))
        let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;"
        #expect(html.contains("<p class=\"description\">\(escaped)</p>"))
        #expect(html.contains("<th scope=\"row\">\(escaped)</th>"))
        // The story quotes the client's name (the load spike's sentence).
        #expect(html.contains("the load of \(escaped) by"))
    }

    @Test("A run stopped at a limit says that its results are partial")
    func partialResults() {
        let run = ReportFixture(spec: ReportFixture.small(), limits: RunLimits(maxEvents: 2000))
        #expect(run.result.limitHit != nil)
        let page = Self.page(run)
        #expect(page.contains("<p class=\"partial\">Partial results: "))
        // Where it stopped is said once, by the limit's message, in simulated time.
        let message = run.result.limitHit?.message ?? ""
        #expect(message.contains("of simulated time"))
        #expect(page.contains("Partial results: \(message)."))
        #expect(!page.contains("(stopped at "))
    }

    @Test("report.html of a small run matches its golden file")
    func golden() {
        Golden.expect(Self.page(ReportFixture(spec: ReportFixture.small())), named: "small-report.html", in: ReportFixture.golden)
    }

    @Test("report.html of a small comparison (compare --out) matches its golden file")
    func comparisonGolden() {
        Golden.expect(ReportFixture.comparisonPage(), named: "small-compare-report.html", in: ReportFixture.golden)
    }
}
