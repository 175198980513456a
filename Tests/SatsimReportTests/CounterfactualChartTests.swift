import Foundation
import SatsimAnalysis
import Testing
@testable import SatsimReport

/// The explain report's chart of each row's goodput, recovery time and outcomes: every mark where
/// exact arithmetic on the chart's layout puts it, the intervals of explain.json as whiskers, and
/// the window each figure covers said on the page.
@Suite("explain report: goodput, recovery and outcomes per counterfactual")
struct CounterfactualChartTests {
    typealias Row = CounterfactualChart.Row

    /// Two rows, four replications. Goodput: the base 100 [80, 120], without retries 150 [140,
    /// 160]: the highest end 160 gives ticks of 50 up to 200, so x = 310 + v / 200 x 190.
    /// Recovery: the base none, without retries 8 s [6, 10] from 2 of the 4 runs: ticks of 2 up to
    /// 10, x = 525 + v / 10 x 134. Outcomes: 4 runs, x = 740 + runs / 4 x 190.
    static let chart = CounterfactualChart(rows: [
        Row(name: "base", outcomes: [.init(outcome: "stable", runs: 1), .init(outcome: "metastable", runs: 3)],
            goodput: .init(mean: 100, low: 80, high: 120, runs: 4), recovery: nil),
        Row(name: "without clients.users.retry", outcomes: [.init(outcome: "stable", runs: 2), .init(outcome: "recovered", runs: 2)],
            goodput: .init(mean: 150, low: 140, high: 160, runs: 4), recovery: .init(mean: 8, low: 6, high: 10, runs: 2)),
    ], replications: 4)

    @Test func intervalsAreWhiskersAndTheBasesMeanIsDotted() {
        let svg = Self.chart.svg()
        #expect(XMLCheck.isWellFormed(svg), "\(XMLCheck.error(svg) ?? "")")
        // Row centres: 150 + 15 and 150 + 30 + 15.
        #expect(svg.contains("<line x1=\"386\" y1=\"165\" x2=\"424\" y2=\"165\" stroke=\"#000000\""), "the base's whisker, black")
        #expect(svg.contains("<circle cx=\"405\" cy=\"165\" r=\"4.5\" fill=\"#000000\">"))
        #expect(svg.contains("<line x1=\"443\" y1=\"195\" x2=\"462\" y2=\"195\" stroke=\"#0072B2\""), "a counterfactual's, blue")
        #expect(svg.contains("<line x1=\"405\" y1=\"150\" x2=\"405\" y2=\"210\" stroke=\"#000000\" stroke-width=\"1.5\" stroke-dasharray=\"2 3\"/>"),
                "the base's mean across the rows")
        // Recovery: 8 [6, 10] -> 632.2 [605.4, 659]; the base has none.
        #expect(svg.contains("<line x1=\"605.4\" y1=\"195\" x2=\"659\" y2=\"195\""))
        #expect(svg.contains(">none recovered</text>"))
        #expect(svg.contains(">2 of 4</text>"), "a row where not every run recovered says how many did")
        #expect(svg.contains("<title>without clients.users.retry: 8 s [6, 10], 2 of 4 runs</title>"))
    }

    @Test func outcomeBarsStackTheCountsInTheirOrder() {
        let svg = Self.chart.svg()
        // The base: 1 stable (740 to 787.5), 3 metastable (787.5 to 930).
        #expect(svg.contains("<rect x=\"740\" y=\"156\" width=\"47.5\" height=\"18\" fill=\"#009E73\">"))
        #expect(svg.contains("<rect x=\"787.5\" y=\"156\" width=\"142.5\" height=\"18\" fill=\"#D55E00\">"))
        #expect(svg.contains("<title>base: metastable 3 of 4</title>"))
        // Each segment carries its count: no reading depends on colour alone.
        #expect(svg.contains("text-anchor=\"middle\">3</text>"))
        // The legend names every outcome drawn, and only those.
        for outcome in ["stable", "recovered", "metastable"] { #expect(svg.contains(">\(outcome)</text>"), "\(outcome)") }
        #expect(!svg.contains(">degraded</text>"))
        // Whole runs on the count axis.
        for tick in 0...4 { #expect(svg.contains("text-anchor=\"middle\">\(tick)</text>\n"), "tick \(tick)") }
    }

    @Test func theExplainPageShowsTheChartAndSaysItsWindow() {
        let page = ReportFixture.explanationPage()
        #expect(page.contains("<h2 id=\"figures\">Goodput, recovery and outcomes, row by row</h2>"))
        #expect(page.contains("Goodput, recovery time and outcomes, the base and each counterfactual"))
        // small(): 30 s with a 3 s warmup, seeds 11 to 13.
        #expect(page.contains("Goodput: successes per second of every client together, from the end of the warmup (3s) to the end of the run (30s)."))
        #expect(page.contains("over 3 replications (seeds 11 to 13, the same in every row)"))
        #expect(page.contains("95% confidence interval, explain.json&#39;s low and high") || page.contains("95% confidence interval, explain.json's low and high"))
        #expect(page.contains(">without clients.users.retry<title>"))
    }
}
