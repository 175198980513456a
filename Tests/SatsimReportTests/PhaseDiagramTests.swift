import Testing
@testable import SatsimReport

@Suite("Sweep charts: the phase diagram and the interval line")
struct PhaseDiagramTests {
    static let diagram = PhaseDiagram(
        title: "P(metastable) <of> storm", fileName: "p.svg", xLabel: "clients.users.retry.max_attempts", xValues: ["1", "2", "3"],
        yLabel: "timeline.0.for [s]", yValues: ["1s", "2s"],
        cells: [[0, 0.25, nil], [0, 1, 1]], hovers: [["a", "b", "c"], ["d", "e", "f"]],
        scaleLabel: "P(metastable)", scaleRange: 0...1, emptyMeaning: "no run recovered")

    @Test func everyCellHasItsHoverTextAndValue() {
        let svg = Self.diagram.svg()
        #expect(svg.components(separatedBy: "<rect x=").count - 1 >= 6, "a rectangle per cell")
        #expect(svg.contains("<title>clients.users.retry.max_attempts 2, timeline.0.for [s] 1s: b</title>"))
        #expect(svg.contains(">0.25</text>"))
        #expect(svg.contains("url(#none)"), "the empty cell is hatched")
        #expect(svg.contains("hatched: no run recovered"))
        #expect(svg.contains("P(metastable) &lt;of&gt; storm"), "scenario text is escaped")
        #expect(!svg.contains("<of>"))
    }

    /// A varied value can be free text (`--vary description=...`) holding a bidi control: in a
    /// cell's or a point's tooltip it is isolated (U+2068 ... U+2069, Unicode Standard Annex #9),
    /// so a U+202E RIGHT-TO-LEFT OVERRIDE in it cannot reverse the rest of the tooltip (the
    /// other axis, the figure). Plain values are written as before. The controls are written as
    /// character references, the same text to a viewer and never raw to a terminal.
    @Test func aVariedValueWithABidiControlIsIsolatedInItsTooltip() {
        let rlo = "a\u{202E}b"
        var diagram = Self.diagram
        diagram.xValues = [rlo, "2", "3"]
        let svg = diagram.svg()
        #expect(svg.contains("<title>clients.users.retry.max_attempts &#x2068;a&#x202E;b&#x2069;, timeline.0.for [s] 1s: a</title>"), "\(svg)")
        #expect(svg.contains("<title>clients.users.retry.max_attempts 2, timeline.0.for [s] 1s: b</title>"))
        let chart = IntervalLineChart(title: "P", fileName: "p.svg", xLabel: "description", xValues: [rlo, "b"], yLabel: "P",
                                      points: [(0.1, 0, 0.3), (0.5, 0.3, 0.7)], yMaximum: 1).svg()
        #expect(chart.contains("<title>&#x2068;a&#x202E;b&#x2069;: "), "\(chart)")
        #expect(chart.contains("<title>b: "), "\(chart)")
    }

    @Test func theColourScaleRunsFromViridisDarkToBright() {
        #expect(ColorScale.color(0) == "#440154")
        #expect(ColorScale.color(1) == "#fde725")
        #expect(ColorScale.color(-3) == "#440154" && ColorScale.color(.nan) == "#440154")
        let svg = Self.diagram.svg()
        #expect(svg.contains(">1.00</text>") && svg.contains(">0.00</text>"), "the scale's ends are labelled")
    }

    @Test func rowsRunUpwardsLikeAPlottedAxis() throws {
        let svg = Self.diagram.svg()
        let low = try #require(svg.range(of: ">1s</text>")), high = try #require(svg.range(of: ">2s</text>"))
        #expect(high.lowerBound < low.lowerBound, "the last y value is drawn first, at the top")
    }

    @Test func theLineChartDrawsABandAndAPointPerValue() {
        let chart = IntervalLineChart(title: "P", fileName: "p.svg", xLabel: "x [s]", xValues: ["1s", "2s", "3s"], yLabel: "P",
                                      points: [(0.1, 0, 0.3), nil, (0.5, 0.3, 0.7)], yMaximum: 1)
        let svg = chart.svg()
        #expect(svg.components(separatedBy: "<circle").count - 1 == 2, "no point where there is no value")
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 2, "the band breaks at the gap")
        #expect(svg.contains(">1</text>") || svg.contains(">1.0</text>"), "a probability axis reaches 1")
    }
}
