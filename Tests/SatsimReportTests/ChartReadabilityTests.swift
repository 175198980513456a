import Foundation
import SatsimModel
@testable import SatsimReport
import Testing

/// Charts meant to be read in a room from a projector (issue 7, "Charts a room can read").
@Suite("Chart readability")
struct ChartReadabilityTests {
    /// Every `font-size="N"` of an SVG document.
    static func fontSizes(_ svg: String) -> [Double] {
        svg.components(separatedBy: "font-size=\"").dropFirst().compactMap { part in
            part.split(separator: "\"", maxSplits: 1).first.flatMap { Double(String($0)) }
        }
    }

    @Test("Every text of every chart is at least 14 px: tick labels, legends, titles, mark labels")
    func textAtLeast14px() {
        var run = ReportFixture(spec: ReportFixture.small())
        // Every kind of lane, so that their names, counts and instant labels are measured too.
        run.result.events += [
            RunEvent(time: 13, kind: .instanceEjected, subject: "api", detail: "instance 0 ejected"),
            RunEvent(time: 18, kind: .instanceReadmitted, subject: "api", detail: "instance 0 readmitted"),
            RunEvent(time: 14, kind: .instanceKilled, subject: "api", detail: "instance 1 killed"),
            RunEvent(time: 14, kind: .instanceBooting, subject: "api", detail: "instance 1 booting"),
            RunEvent(time: 19, kind: .instanceReady, subject: "api", detail: "instance 1 ready"),
            RunEvent(time: 15, kind: .panicStarted, subject: "api", detail: "panic"),
            RunEvent(time: 17, kind: .panicEnded, subject: "api", detail: "panic over"),
            RunEvent(time: 16, kind: .scaled, subject: "api", detail: "step scaled from 2 to 3 instances"),
            RunEvent(time: 13, kind: .breakerOpened, subject: "users", detail: "circuit breaker open"),
            RunEvent(time: 16, kind: .breakerClosed, subject: "users", detail: "circuit breaker closed"),
        ]
        let charts = RunCharts(result: run.result, spec: run.spec, analysis: run.analysis).entries.map { ($0.fileName, $0.chart.svg()) }
        #expect(charts.contains { $0.1.contains("panic mode") } && charts.contains { $0.1.contains("circuit breaker") })
        // And the compare report's charts.
        let compare = ReportFixture.comparisonPage().components(separatedBy: "<svg").dropFirst().map { ("compare", "<svg" + $0) }
        #expect(compare.count == 2)
        for (name, svg) in charts + compare {
            let sizes = Self.fontSizes(svg)
            #expect(sizes.count > 10, "\(name): \(sizes.count) texts")
            #expect(sizes.allSatisfy { $0 >= 14 }, "\(name): smallest \(sizes.min() ?? 0) px")
        }
    }

    @Test("The losses chart splits completed work into useful and wasted, which add up to completed")
    func wastedVisible() throws {
        let run = ReportFixture(spec: ReportFixture.small())
        let entries = RunCharts(result: run.result, spec: run.spec).entries
        let losses = try #require(entries.first { $0.fileName == "service-api-losses.svg" })
        let series = losses.chart.panels[0].series
        let useful = try #require(series.first { $0.name.hasPrefix("useful") })
        let wasted = try #require(series.first { $0.name.hasPrefix("wasted") })
        #expect(!series.contains { $0.name.hasPrefix("completed") })
        // The fixture's spike makes callers time out (0.5 s) while their attempts still queue, so
        // some work is wasted: the split is then visible, not one line hiding the other.
        #expect(wasted.values.contains { $0 > 0 })
        let ends = try #require(run.result.timeSeries.column("time"))
        let completions = try #require(run.result.timeSeries.column("services.api.completions"))
        let wastedCounts = try #require(run.result.timeSeries.column("services.api.wasted"))
        var previous = 0.0
        for index in ends.indices {
            let width = ends[index] - previous
            previous = ends[index]
            // Per second, exactly: useful + wasted = completed (counts divided by one width).
            let completed = completions[index] / width
            #expect(abs(useful.values[index] + wasted.values[index] - completed) <= 1e-9 * max(1, completed))
            #expect(abs(wasted.values[index] - wastedCounts[index] / width) <= 1e-9 * max(1, completed))
        }
    }

    @Test("Latency panels share one unit chosen once from all clients: seconds when any reaches 1 s")
    func oneLatencyUnit() {
        let fast = (name: "fast", p99: [0.2, 0.3, .nan], mean: [0.05, 0.1, .nan])
        let slow = (name: "slow", p99: [0.4, 2.5, 1.2], mean: [0.2, 1.1, 0.6])
        let mixed = RunCharts.latencyPanels([fast, slow])
        #expect(mixed.map(\.yAxis) == [.linear(scale: 1), .linear(scale: 1)])
        #expect(mixed.allSatisfy { $0.title.contains("latency (s)") })
        let quick = RunCharts.latencyPanels([fast, fast])
        #expect(quick.map(\.yAxis) == [.linear(scale: 1000), .linear(scale: 1000)])
        #expect(quick.allSatisfy { $0.title.contains("latency (ms)") })
    }

    @Test("The palette is Okabe-Ito, one colour per meaning, and each chart series keeps its meaning's colour")
    func palette() {
        // Okabe & Ito (2008), "Color Universal Design": the eight colours.
        let okabeIto: Set<String> = ["#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"]
        let hexes = ChartColor.allCases.map(\.hex)
        #expect(Set(hexes).count == hexes.count)
        #expect(Set(hexes).isSubset(of: okabeIto))
        // The meaning of each series of a run's charts, as ChartColor's table states it.
        let expected: [String: ChartColor] = [
            "requests offered": .demand, "attempts sent (with retries)": .waste, "successes (goodput)": .useful,
            "p99": .waiting, "mean": .waiting, "utilization": .capacity, "queue length": .waiting,
            "instances": .capacity, "useful (caller waiting)": .useful, "wasted (caller gone)": .waste,
            "rejected": .turnedAway, "dropped": .turnedAway,
        ]
        let run = ReportFixture(spec: ReportFixture.small())
        for entry in RunCharts(result: run.result, spec: run.spec).entries {
            for panel in entry.chart.panels {
                for series in panel.series {
                    #expect(expected[series.name] == series.color, "\(entry.fileName): \(series.name) is \(series.color)")
                }
                // Within a panel, two series of one colour differ by their stroke.
                let styles = panel.series.map { "\($0.color.hex) \($0.stroke)" }
                #expect(Set(styles).count == styles.count, "\(entry.fileName): \(styles)")
            }
            #expect(!entry.chart.svg().contains("stroke=\"\(ChartColor.fault.hex)\""), "\(entry.fileName): a line in the fault colour")
        }
    }
}

extension ChartReadabilityTests {
    @Test("A service's chart has lanes for its own ejections, kills and scaling decisions, and none for others'")
    func eventLanes() throws {
        var run = ReportFixture(spec: ReportFixture.small())
        run.result.events += [
            // Four ejections at one instant (lockstep probes): one span of level 4, not four glyphs.
            RunEvent(time: 14, kind: .instanceEjected, subject: "api", detail: "instance 0 ejected"),
            RunEvent(time: 14, kind: .instanceEjected, subject: "api", detail: "instance 1 ejected"),
            RunEvent(time: 14, kind: .instanceEjected, subject: "api", detail: "instance 2 ejected"),
            RunEvent(time: 14, kind: .instanceEjected, subject: "api", detail: "instance 3 ejected"),
            RunEvent(time: 22, kind: .scaled, subject: "api", detail: "target_tracking scaled from 2 to 3 instances"),
            RunEvent(time: 25, kind: .instanceKilled, subject: "elsewhere", detail: "instance 0 another service's"),
            RunEvent(time: 26, kind: .breakerOpened, subject: "api", detail: "not an instance event"),
        ]
        let entries = RunCharts(result: run.result, spec: run.spec).entries
        let chart = try #require(entries.first { $0.fileName == "service-api.svg" }).chart
        #expect(chart.lanes.map(\.name) == [
            // Whole intervals: the band is the exact count, so it does not say "mean per interval".
            "api: instances ejected by health checks (up to 4 at once; darker is more)",
            "api: kills (K) and scaling decisions (\u{2192} new count)",
        ])
        let service = chart.svg()
        #expect(service.contains(">\u{2192}3</text>"), "the scaling decision shows its new count")
        #expect(!service.contains(">K</text>"), "another service's kill drawn on api's chart")
        #expect(service.contains(">4</text>"), "the ejected count is written in its band")
        let goodput = try #require(entries.first { $0.fileName == "goodput.svg" }).chart
        #expect(goodput.lanes.isEmpty)
        #expect(XMLCheck.isWellFormed(service))
        // Without events the chart has no lane.
        let quiet = ReportFixture(spec: ReportFixture.small())
        let plain = try #require(RunCharts(result: quiet.result, spec: quiet.spec).entries.first { $0.fileName == "service-api.svg" })
        #expect(plain.chart.lanes.isEmpty)
    }
}
