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
        #expect(html.contains("<th scope=\"row\"><bdi>users</bdi></th>"))
        #expect(html.contains("<th scope=\"row\"><bdi>api</bdi></th>"))
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
        #expect(html.contains("<th scope=\"row\"><bdi>\(escaped)</bdi></th>"))
        // The story quotes the client's name (the load spike's sentence).
        #expect(html.contains("the load of \(escaped) by"))
    }

    /// Escaping made a bidi control visible to no one: U+202E (right-to-left override) in a
    /// client's name reversed the rest of its sentence, and a Hebrew or Arabic name could pull
    /// the numbers after it to its side. Every name the page's HTML shows is isolated in `<bdi>`
    /// (HTML Living Standard, "The bdi element"; Unicode Standard Annex #9, isolates): the
    /// tables' names always, a sentence's names when they are right to left.
    @Test("Right-to-left names and bidi controls are isolated in <bdi> wherever the HTML shows them")
    func bidiIsolation() {
        let client = "\u{202E}users", service = "שרת", variant = "متغير"
        let run = ReportFixture(spec: ReportFixture.small(client: client, service: service))
        let provenance = RunProvenance(variant: variant, overrides: [.init(path: "services.\(service).workers", value: "2", source: .variant)])
        let html = ReportPage.render(result: run.result, analysis: run.analysis, spec: run.spec, provenance: provenance)
        #expect(html.contains("<th scope=\"row\"><bdi>\(client)</bdi></th>"))
        #expect(html.contains("<th scope=\"row\"><bdi>\(service)</bdi></th>"))
        #expect(html.contains("the load of <bdi>\(client)</bdi> by"), "the story's spike sentence")
        #expect(html.contains("variant <strong><bdi>\(variant)</bdi></strong>"))
        #expect(html.contains("<title>small-spike (\u{2068}"), "the title, which takes no element, isolates with U+2068")
        // Outside the charts (SVG has no bdi; each of its texts is a paragraph of its own) and
        // the title, every occurrence of a name is the whole content of a bdi element.
        var outside = html
        while let open = outside.range(of: "<svg"), let close = outside.range(of: "</svg>", range: open.upperBound..<outside.endIndex) {
            outside.removeSubrange(open.lowerBound..<close.upperBound)
        }
        if let title = outside.range(of: "<title>"), let end = outside.range(of: "</title>") { outside.removeSubrange(title.lowerBound..<end.upperBound) }
        for name in [client, service, variant] {
            let occurrences = outside.components(separatedBy: name).count - 1
            let isolated = outside.components(separatedBy: "<bdi>\(name)</bdi>").count - 1
            #expect(occurrences > 0 && occurrences == isolated, "\(name): \(occurrences) shown, \(isolated) isolated")
        }
        // A name written left to right is left alone in prose, and isolated in the tables.
        #expect(Markup.prose("users retried", names: ["users", "\u{202E}x"]) == "users retried")
        #expect(Markup.prose("a \u{202E}x & \u{202E}xy", names: ["\u{202E}x", "\u{202E}xy"]) == "a <bdi>\u{202E}x</bdi> &amp; <bdi>\u{202E}xy</bdi>")
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
