import Foundation
import SatsimMetrics
import SatsimModel
@testable import SatsimReport
import Testing

/// What keeps a chart readable when the run does something extreme (issue 7, "Charts a room can
/// read"): a spike far above the baseline, a crowded timeline, stretches with no successes, and a
/// mechanism that acts hundreds of times.
@Suite("Chart scale, lanes and gaps")
struct ChartScaleTests {
    /// retry-storm's shape: 600/s for 340 intervals, a 20-interval spike to 8000/s.
    static func storm(spikes: ChartPanel.SpikeScale) -> ChartPanel {
        let values = (0..<360).map { i in (120..<140).contains(i) ? 8000.0 : 600 + Double(i % 7) }
        return ChartPanel(title: "per second", series: [ChartSeries(name: "attempts", values: values, color: .waste)], spikes: spikes)
    }

    @Test("A spike 13x the baseline is cut off: the baseline fills most of the axis, the peak is written")
    func spikeClipped() {
        let clipped = SVGChartWriter.valueAxis(Self.storm(spikes: .clip))
        #expect(clipped.clipped)
        // The axis stops at a round number above 1.15 x the level held 90% of the time (606/s):
        // 800, so the baseline sits at three quarters of the plot's height, not at 1/16 of it.
        #expect(clipped.top == 800)
        let fitted = SVGChartWriter.valueAxis(Self.storm(spikes: .fit))
        #expect(!fitted.clipped)
        #expect(fitted.top == 8000)
        let chart = Chart(title: "t", times: (0..<360).map { Double($0) + 0.5 }, duration: 360, panels: [Self.storm(spikes: .clip)])
        let svg = chart.svg()
        #expect(svg.contains(">8.0k</text>"), "the peak's value is written")
        #expect(svg.contains(">above the axis (peak value written)</text>"), "the legend says what the triangle means")
        #expect(svg.components(separatedBy: "<polygon").count - 1 == 2, "one triangle for the one spike, one in the legend")
        #expect(XMLCheck.isWellFormed(svg))
    }

    /// retry-storm cut by a limit: requests peak at 1,258/s and attempts at 10,296/s in the same
    /// interval, both above an 800/s axis. The labels would collide; the one written must be the
    /// larger (the requests' 1.3k alone understated the storm eightfold), and the smaller goes
    /// on a second row.
    @Test("Two series above a clipped axis at once: the largest peak is always written, the other below it")
    func largestPeakWrittenFirst() {
        let requests = (0..<360).map { i in (120..<130).contains(i) ? 1258.0 : 600 + Double(i % 7) }
        let attempts = (0..<360).map { i in (120..<130).contains(i) ? (i == 125 ? 10296.0 : 9000) : 600 + Double(i % 5) }
        let panel = ChartPanel(title: "per second", series: [
            ChartSeries(name: "requests", values: requests, color: .demand),
            ChartSeries(name: "attempts", values: attempts, color: .waste),
        ], spikes: .clip)
        let axis = SVGChartWriter.valueAxis(panel)
        #expect(axis.clipped && axis.top < 1258, "both peaks above the axis: \(axis.top)")
        let svg = Chart(title: "t", times: (0..<360).map { Double($0) + 0.5 }, duration: 360, panels: [panel]).svg()
        let big = svg.range(of: ">10k</text>")
        let small = svg.range(of: ">1.3k</text>")
        #expect(big != nil, "the attempts' peak is written")
        #expect(small != nil, "the requests' peak is written on the second row")
        func y(_ label: String) -> Double? {
            guard let end = svg.range(of: ">\(label)</text>")?.lowerBound,
                  let start = svg[..<end].range(of: "<text ", options: .backwards)?.upperBound,
                  let yAt = svg[start..<end].range(of: "y=\"")?.upperBound else { return nil }
            return Double(svg[yAt...].prefix { $0 != "\"" })
        }
        if let yBig = y("10k"), let ySmall = y("1.3k") { #expect(yBig < ySmall, "the largest on the first row") }
        #expect(XMLCheck.isWellFormed(svg))
    }

    @Test("A rise that is not a short spike keeps the whole axis")
    func plateauNotClipped() {
        // A storm that stays at 4x for a third of the run: that is the story, not a spike.
        let values = (0..<360).map { i in i >= 240 ? 2400.0 : 600 }
        let panel = ChartPanel(title: "p", series: [ChartSeries(name: "a", values: values, color: .waste)], spikes: .clip)
        let axis = SVGChartWriter.valueAxis(panel)
        #expect(!axis.clipped)
        #expect(axis.top >= 2400)
    }

    @Test("Timeline labels never overlap, however many fall at one moment")
    func labelsNeverOverlap() {
        // Twelve steps at 60 s and a fault at 61 s: the old layout stopped at 4 rows and overprinted.
        var marks = (0..<12).map { TimeMark(kind: .step, start: 60, end: 60, label: "set clients.users.retry.max_attempts = \($0)") }
        marks.append(TimeMark(kind: .fault, start: 61, end: 70, label: "api outage (hard)"))
        let chart = Chart(title: "t", times: [0.5, 1.5], duration: 120,
                          panels: [ChartPanel(title: "p", series: [ChartSeries(name: "a", values: [1, 2], color: .useful)])], marks: marks)
        let writer = SVGChartWriter(chart: chart)
        let lanes = writer.laneAssignment()
        #expect(lanes.count == 13)
        for a in lanes.indices {
            for b in lanes.indices where b > a && lanes[a].lane == lanes[b].lane {
                let wa = SVGChartWriter.textWidth(marks[lanes[a].mark].label, size: SVGChartWriter.textSize)
                let wb = SVGChartWriter.textWidth(marks[lanes[b].mark].label, size: SVGChartWriter.textSize)
                let apart = lanes[a].x + wa <= lanes[b].x || lanes[b].x + wb <= lanes[a].x
                #expect(apart, "labels \(lanes[a].mark) and \(lanes[b].mark) overlap in lane \(lanes[a].lane)")
            }
        }
        #expect(Set(lanes.map(\.lane)).count == 13, "labels at one moment each need their own row")
    }

    @Test("Where no request succeeded, the latency panel says 'no successes' instead of a silent gap")
    func gapsLabelled() throws {
        let p99 = (0..<30).map { i in (10..<20).contains(i) ? Double.nan : 0.05 }
        let panels = RunCharts.latencyPanels([(name: "users", p99: p99, mean: p99)])
        let chart = Chart(title: "t", times: (0..<30).map { Double($0) + 0.5 }, duration: 30, panels: panels)
        let writer = SVGChartWriter(chart: chart)
        let gaps = writer.gaps(panels[0])
        #expect(gaps.count == 1)
        #expect(gaps.first?.start == 10 && gaps.first?.end == 20, "\(gaps)")
        let svg = chart.svg()
        #expect(svg.components(separatedBy: ">no successes</text>").count - 1 == 2, "on the plot and in the legend")
        let full = RunCharts.latencyPanels([(name: "users", p99: [0.05, 0.06], mean: [0.04, 0.05])])
        let quiet = Chart(title: "t", times: [0.5, 1.5], duration: 2, panels: full).svg()
        #expect(!quiet.contains("no successes"))
    }

    @Test("Ejections are one lane of how many instances were out, not a letter per ejection")
    func ejectionLane() throws {
        var events: [RunEvent] = []
        // Four instances ejected at one instant (lockstep probes), readmitted one by one.
        for n in 0..<4 { events.append(RunEvent(time: 10, kind: .instanceEjected, subject: "api", detail: "instance \(n) failed 3 health checks")) }
        for n in 0..<4 { events.append(RunEvent(time: 20 + Double(n), kind: .instanceReadmitted, subject: "api", detail: "instance \(n) passed")) }
        // An ejected instance that is killed is out of the ejected count (it is no longer there).
        events.append(RunEvent(time: 30, kind: .instanceEjected, subject: "api", detail: "instance 2 failed"))
        events.append(RunEvent(time: 35, kind: .instanceKilled, subject: "api", detail: "instance 2 killed"))
        events.append(RunEvent(time: 36, kind: .instanceEjected, subject: "other", detail: "instance 0 of another service"))
        let lanes = RunCharts.serviceLanes(events, service: "api", end: 60)
        let lane = try #require(lanes.first { $0.name.contains("ejected") })
        #expect(lane.name.contains("up to 4 at once"))
        let spans = lane.spans.map { [$0.start, $0.end, $0.level] }
        #expect(spans == [[10, 20, 4], [20, 21, 3], [21, 22, 2], [22, 23, 1], [30, 35, 1]])
        // The kill is an instant of the kills-and-scaling lane.
        let kills = try #require(lanes.first { $0.name.contains("kills") })
        #expect(kills.instants == [ChartLane.Instant(time: 35, label: "K")])

        // Averaged over 1-second intervals, the counts stay exact where they are whole.
        let averaged = RunCharts.averaged(lane.spans, ends: (1...60).map(Double.init))
        #expect(averaged.first == ChartLane.Span(start: 10, end: 20, level: 4, label: "4"))
        // Churn within an interval reads as its mean: out for 0.25 s of each second, level 0.3
        // (0.25 to one decimal), and one span for the whole stretch.
        let churn = (0..<100).map { i in ChartLane.Span(start: Double(i), end: Double(i) + 0.25, level: 1, label: "1") }
        let merged = RunCharts.averaged(churn, ends: (1...100).map(Double.init))
        #expect(merged.count == 1)
        #expect(merged.first?.level == 0.3)
    }

    @Test("A hundred ejections draw a bounded number of shapes, not a hundred letters")
    func manyEjectionsBounded() throws {
        var run = ReportFixture(spec: ReportFixture.small())
        for k in 0..<144 {
            let t = 5 + Double(k) * 0.15
            run.result.events.append(RunEvent(time: t, kind: .instanceEjected, subject: "api", detail: "instance \(k % 2) failed"))
            run.result.events.append(RunEvent(time: t + 0.1, kind: .instanceReadmitted, subject: "api", detail: "instance \(k % 2) passed"))
        }
        let entries = RunCharts(result: run.result, spec: run.spec).entries
        let svg = try #require(entries.first { $0.fileName == "service-api.svg" }).chart.svg()
        #expect(svg.contains("api: instances ejected by health checks (up to 1 at once, mean per interval; darker is more)"))
        let rects = svg.components(separatedBy: "<rect").count - 1
        // One per interval at most (30 one-second intervals), plus the background, the strip,
        // the warmup and the fault band on each of the two plots.
        #expect(rects <= 30 + 2 + 2 * 2, "\(rects) rectangles")
        #expect(!svg.contains(">E</text>"))
        #expect(XMLCheck.isWellFormed(svg))
    }

    @Test("A client's breaker is a lane of open and half-open spans on the goodput chart")
    func breakerLane() throws {
        let events = [
            RunEvent(time: 10, kind: .breakerOpened, subject: "users", detail: "circuit breaker open"),
            RunEvent(time: 15, kind: .breakerHalfOpen, subject: "users", detail: "circuit breaker half open"),
            RunEvent(time: 16, kind: .breakerOpened, subject: "users", detail: "circuit breaker open"),
            RunEvent(time: 21, kind: .breakerHalfOpen, subject: "users", detail: "circuit breaker half open"),
            RunEvent(time: 22, kind: .breakerClosed, subject: "users", detail: "circuit breaker closed"),
            RunEvent(time: 40, kind: .breakerOpened, subject: "other", detail: "another client's"),
        ]
        let lane = try #require(RunCharts.breakerLane(events, client: "users", end: 60))
        #expect(lane.spans.map(\.label) == ["open", "half-open", "open", "half-open"])
        #expect(lane.spans.map(\.start) == [10, 15, 16, 21])
        #expect(lane.spans.map(\.end) == [15, 16, 21, 22])
        #expect(RunCharts.breakerLane(events, client: "nobody", end: 60) == nil)
    }

    @Test("Overlays: the mean and the min-max band at each moment are over the runs that have a value")
    func overlaySummary() {
        let s = OverlayCharts.summary([[1, 2, .nan], [3, .nan, .nan], [5, 8]])
        #expect(s.mean[0] == 3 && s.low[0] == 1 && s.high[0] == 5)
        #expect(s.mean[1] == 5 && s.low[1] == 2 && s.high[1] == 8)
        #expect(s.mean[2].isNaN && s.low[2].isNaN && s.high[2].isNaN)
    }

    @Test("One latency unit for the report: its tables follow the charts into seconds when any latency reaches 1 s")
    func oneUnitPerReport() {
        let run = ReportFixture(spec: ReportFixture.small())
        let unit = LatencyUnit.of(run.result)
        let page = ReportPage.render(result: run.result, analysis: run.analysis, spec: run.spec)
        #expect(page.contains("latency, \(unit.rawValue)"))
        #expect(page.contains("latency (\(unit.rawValue)), first attempt"))
        let other = unit == .seconds ? "ms" : "s"
        #expect(!page.contains("latency, \(other)<"))
        #expect(!page.contains("latency (\(other)),"))
        #expect(LatencyUnit.forLargest(0.999) == .milliseconds)
        #expect(LatencyUnit.forLargest(1) == .seconds)
        #expect(LatencyUnit.milliseconds.format(0.0125) == "12.5")
        #expect(LatencyUnit.seconds.format(0.0126) == "0.013")
    }

    @Test("Client-side refusals counted per interval (rejected_throttle, rejected_budget) become rate lanes on the goodput chart")
    func throttleLane() throws {
        var run = ReportFixture(spec: ReportFixture.small())
        let old = run.result.timeSeries
        // The model writes the column (zeros here, the fixture has no throttle); one without it
        // gets it appended, so the test holds for series of either form.
        let name = "clients.users.rejected_throttle"
        let existing = old.columns.firstIndex(of: name)
        var series = TimeSeries(columns: Array(old.columns.dropFirst()) + (existing == nil ? [name] : []))
        for (i, row) in old.rows.enumerated() {
            // 50 refusals in each one-second interval from 12 s to 16 s, none elsewhere.
            let refusals: Double = (12..<16).contains(i) ? 50 : 0
            var values = Array(row)
            if let existing { values[existing] = refusals } else { values.append(refusals) }
            series.append(time: row[0], values: Array(values.dropFirst()))
        }
        run.result.timeSeries = series
        let goodput = try #require(RunCharts(result: run.result, spec: run.spec).entries.first { $0.fileName == "goodput.svg" })
        let lane = try #require(goodput.chart.lanes.first)
        #expect(lane.name == "users: attempts refused by the adaptive throttle (per second, up to 50/s; darker is more)")
        #expect(lane.spans.map(\.level) == [50])
        #expect(lane.spans.first?.start == 12 && lane.spans.first?.end == 16)
        // A run whose series has no such column, or only zeros, has no lane.
        let quiet = ReportFixture(spec: ReportFixture.small())
        let plain = try #require(RunCharts(result: quiet.result, spec: quiet.spec).entries.first { $0.fileName == "goodput.svg" })
        #expect(plain.chart.lanes.isEmpty)
    }
}
