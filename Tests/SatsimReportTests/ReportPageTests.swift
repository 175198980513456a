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
        // A bidi control is written as a character reference (the same text to a browser, never
        // raw to a terminal that `cat`s the page): the names as the HTML holds them.
        let shown = Markup.escape(client)
        #expect(shown == "&#x202E;users" && !html.contains("\u{202E}"))
        #expect(html.contains("<th scope=\"row\"><bdi>\(shown)</bdi></th>"))
        #expect(html.contains("<th scope=\"row\"><bdi>\(service)</bdi></th>"))
        #expect(html.contains("the load of <bdi>\(shown)</bdi> by"), "the story's spike sentence")
        #expect(html.contains("variant <strong><bdi>\(variant)</bdi></strong>"))
        #expect(html.contains("<title>small-spike (&#x2068;"), "the title, which takes no element, isolates with U+2068")
        // Outside the charts (SVG has no bdi; each of its texts is a paragraph of its own) and
        // the title, every occurrence of a name is the whole content of a bdi element.
        var outside = html
        while let open = outside.range(of: "<svg"), let close = outside.range(of: "</svg>", range: open.upperBound..<outside.endIndex) {
            outside.removeSubrange(open.lowerBound..<close.upperBound)
        }
        if let title = outside.range(of: "<title>"), let end = outside.range(of: "</title>") { outside.removeSubrange(title.lowerBound..<end.upperBound) }
        for name in [shown, service, variant] {
            let occurrences = outside.components(separatedBy: name).count - 1
            let isolated = outside.components(separatedBy: "<bdi>\(name)</bdi>").count - 1
            #expect(occurrences > 0 && occurrences == isolated, "\(name): \(occurrences) shown, \(isolated) isolated")
        }
        // A name written left to right is left alone in prose, and isolated in the tables.
        #expect(Markup.prose("users retried", names: ["users", "\u{202E}x"]) == "users retried")
        #expect(Markup.prose("a \u{202E}x & \u{202E}xy", names: ["\u{202E}x", "\u{202E}xy"]) == "a <bdi>&#x202E;x</bdi> &amp; <bdi>&#x202E;xy</bdi>")
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
        // The header names the simulated time reached, the limit message's, not the duration.
        if let at = run.result.limitHit?.at {
            #expect(page.contains("\(at.description) of \(TextSummary.duration(run.spec.duration)) simulated (a limit stopped it)"))
        }
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

/// The verdict's explanation names the test that held (DESIGN.md, "Outcomes": oscillating is the
/// instance count reversing, or goodput swinging), not both as alternatives; and a metastable run
/// is not said to be held by a feedback loop, which an operator's change still in force is not.
@Suite("report.html: what the verdict means")
struct ReportVerdictMeaningTests {
    /// 600 one-second intervals at 100 offered/s, a fault from 100 to 110 s.
    static func series(successes: (Int) -> Double, instances: (Int) -> Double = { _ in 4 }) -> [IntervalFigures] {
        (0..<600).map { t in
            IntervalFigures(end: Double(t + 1), width: 1, requests: 100, successes: successes(t), failures: 100 - successes(t), instances: instances(t))
        }
    }
    static let fault = [FaultWindow(start: 100, end: 110)]

    @Test("Oscillating by goodput: the goodput test alone")
    func byGoodput() {
        let v = OutcomeClassifier.classify(
            intervals: Self.series(successes: { t in t >= 300 && (t - 300) / 10 % 2 == 1 ? 60 : 100 }), warmup: 10, faults: Self.fault)
        #expect(v.outcome == .oscillating)
        let text = ReportPage.meaning(.oscillating, verdict: v, unit: .seconds)
        #expect(text.hasPrefix("Long after the last fault and under its baseline load, goodput changed direction at least 4 times"), "\(text)")
        #expect(!text.contains("instances"), "\(text)")
    }

    @Test("Oscillating by instances: the instance test alone")
    func byInstances() {
        let v = OutcomeClassifier.classify(
            intervals: Self.series(successes: { _ in 100 }) { t in Double(4 + (t / 60) % 2 * 3) }, warmup: 10, faults: Self.fault)
        #expect(v.outcome == .oscillating)
        let text = ReportPage.meaning(.oscillating, verdict: v, unit: .seconds)
        #expect(text == "The number of serving instances changed direction at least 4 times once no fault acted.", "\(text)")
    }

    @Test("Metastable: outlasted its trigger, without naming a cause the page cannot know")
    func metastable() {
        let v = OutcomeClassifier.classify(intervals: Self.series(successes: { t in t >= 100 ? 5 : 100 }), warmup: 10, faults: Self.fault)
        #expect(v.outcome == .metastable)
        let text = ReportPage.meaning(.metastable, verdict: v, unit: .seconds)
        #expect(text.contains("the failure outlasted its trigger") && !text.contains("feedback loop"), "\(text)")
    }
}
