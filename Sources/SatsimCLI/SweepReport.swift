import SatsimAnalysis
import SatsimMetrics
import SatsimReport
import SatsimSweep

/// A sweep's report.html and its charts, from the store's layout and point summaries. With two
/// varied paths: heatmaps of P(metastable) and of the mean recovery time over them (the phase
/// diagram); with one: the same two as lines with their interval bands; otherwise the table only.
struct SweepReport {
    let layout: ResultsLayout
    let summaries: [PointSummary]
    let runCount: Int

    struct Entry {
        var fileName: String
        var svg: String
    }

    /// The charts, each also written as its own SVG.
    var charts: [Entry] {
        let byPoint = Dictionary(uniqueKeysWithValues: summaries.map { ($0.point, $0) })
        let recovery = layout.figures.firstIndex(of: "recovery_time")
        func share(_ s: PointSummary?) -> (Double, Double, Double)? {
            s?.share(of: .metastable).map { ($0.proportion, $0.low, $0.high) }
        }
        func meanRecovery(_ s: PointSummary?) -> (Double, Double, Double)? {
            guard let recovery, let m = s?.figures[recovery] else { return nil }
            let h = m.halfWidth.flatMap { $0.isFinite ? $0 : nil } ?? 0
            return (m.mean, max(0, m.mean - h), m.mean + h)
        }
        // How many runs a cell's value was taken over, out of the point's runs: P(metastable) over
        // the runs given an outcome, the recovery time over the runs that recovered.
        func shareCount(_ s: PointSummary?) -> Int? { s?.share(of: .metastable)?.trials }
        func recoveryCount(_ s: PointSummary?) -> Int? { recovery.flatMap { s?.figures[$0]?.count } }
        func hover(_ v: (Double, Double, Double)?, _ s: PointSummary?, over count: Int?) -> String {
            guard let v else { return "no value" + (s.map { " (\($0.runs) runs)" } ?? "") }
            let runs = s?.runs ?? 0
            let taken = count.map { $0 < runs ? "\($0) of \(runs) runs" : "\(runs) runs" } ?? "\(runs) runs"
            // One run gives a value but no t interval: say so rather than print [v, v].
            if count == 1 && v.1 == v.0 && v.2 == v.0 { return "\(PhaseDiagram.short(v.0)) (one run, no interval), \(taken)" }
            return "\(PhaseDiagram.short(v.0)) [95%: \(PhaseDiagram.short(v.1)), \(PhaseDiagram.short(v.2))], \(taken)"
        }
        switch layout.columns.count {
        case 2:
            let xs = axisValues(1), ys = axisValues(0)
            // Row-major grid: point = y x |xs| + x.
            func grid(_ read: (PointSummary?) -> (Double, Double, Double)?, count: (PointSummary?) -> Int?) -> ([[Double?]], [[String]]) {
                let cells = ys.indices.map { y in xs.indices.map { x in read(byPoint[y * xs.count + x]).map(\.0) } }
                let hovers = ys.indices.map { y in xs.indices.map { x in
                    let s = byPoint[y * xs.count + x]
                    return hover(read(s), s, over: count(s))
                } }
                return (cells, hovers)
            }
            let (p, pHover) = grid(share, count: shareCount)
            let (r, rHover) = grid(meanRecovery, count: recoveryCount)
            return [
                Entry(fileName: "phase-p-metastable.svg", svg: PhaseDiagram(
                    // Not "the share of runs that stay down": overloaded and degraded runs stay
                    // down too, and read 0 here (an overloaded point looked the safest).
                    title: "P(metastable): share of runs that ended metastable (overloaded or degraded ones count 0)", fileName: "phase-p-metastable.svg",
                    xLabel: axisLabel(1), xValues: xs, yLabel: axisLabel(0), yValues: ys, cells: p, hovers: pHover,
                    scaleLabel: "P(metastable)", scaleRange: 0...1).svg()),
                Entry(fileName: "phase-recovery-time.svg", svg: PhaseDiagram(
                    title: "Mean recovery time of the runs that recovered", fileName: "phase-recovery-time.svg",
                    xLabel: axisLabel(1), xValues: xs, yLabel: axisLabel(0), yValues: ys, cells: r, hovers: rHover,
                    scaleLabel: "recovery [s]", scaleRange: nil, emptyMeaning: "no run recovered").svg()),
            ]
        case 1:
            let xs = axisValues(0)
            return [
                Entry(fileName: "phase-p-metastable.svg", svg: IntervalLineChart(
                    title: "P(metastable), 95% Wilson interval (overloaded or degraded runs count 0)", fileName: "phase-p-metastable.svg", xLabel: axisLabel(0),
                    xValues: xs, yLabel: "P(metastable)", points: xs.indices.map { share(byPoint[$0]) }, yMaximum: 1).svg()),
                Entry(fileName: "phase-recovery-time.svg", svg: IntervalLineChart(
                    title: "Mean recovery time, 95% t interval", fileName: "phase-recovery-time.svg", xLabel: axisLabel(0),
                    xValues: xs, yLabel: "recovery time [s]", points: xs.indices.map { meanRecovery(byPoint[$0]) }).svg()),
            ]
        default:
            return []
        }
    }

    /// The values of column `c` in grid order (the distinct values, as they first appear).
    /// Membership is looked up in a set: a search of the list so far made a one-path sweep of
    /// 100,000 points (the most a plan may have) take 10^10 comparisons, and it hung for more
    /// than ten minutes after its runs, writing its report.
    func axisValues(_ c: Int) -> [String] {
        var seen: [String] = []
        var known: Set<String> = []
        for point in layout.points where known.insert(point[c]).inserted { seen.append(point[c]) }
        return seen
    }

    /// The path, with the unit its values share (`timeline.0.for [s]`, `clients.users.arrival.rate [/s]`).
    func axisLabel(_ c: Int) -> String {
        let units = Set(axisValues(c).map { value in
            String(value.drop { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" })
        })
        guard units.count == 1, let unit = units.first, !unit.isEmpty else { return layout.columns[c] }
        return "\(layout.columns[c]) [\(unit)]"
    }

    var html: String {
        let recovery = layout.figures.firstIndex(of: "recovery_time")
        let goodput = layout.figures.firstIndex { $0.hasSuffix(".goodput_per_s") }
        var header = ["point"] + layout.columns + ["runs"] + Outcome.allCases.map(\.rawValue)
        header += ["P(metastable)", "95% low", "95% high"]
        if let goodput { header += [layout.figures[goodput] + " mean", "±95%"] }
        if recovery != nil { header += ["recovery time [s] mean", "±95%"] }
        let rows = summaries.map { s -> [String] in
            var row = [String(s.point)] + s.values + [String(s.runs)] + s.outcomes.map { String($0.count) }
            if let w = s.share(of: .metastable) {
                row += [PhaseDiagram.short(w.proportion), PhaseDiagram.short(w.low), PhaseDiagram.short(w.high)]
            } else {
                row += ["-", "-", "-"]
            }
            for index in [goodput, recovery].compactMap({ $0 }) {
                let m = s.figures[index]
                row += [m.map { PhaseDiagram.short($0.mean) } ?? "-",
                        m?.halfWidth.flatMap { $0.isFinite ? PhaseDiagram.short($0) : nil } ?? "-"]
            }
            return row
        }
        var lines: [String] = [
            "\(Counted.grid(points: layout.points.count, replications: layout.replications)) = \(Counted.text(layout.runCount, "run")) planned; \(runCount) stored.",
            "Varied: " + (layout.columns.isEmpty ? "nothing (replications only)" : layout.columns.joined(separator: ", ")) + ".",
        ]
        if let settings = layout.settingsSentence { lines.append(settings) }
        lines.append("P(metastable) is the share of judged runs whose outcome is metastable, with its 95% Wilson score interval "
            + "(Wilson 1927); means carry a 95% Student-t interval. Recovery time averages the runs that recovered.")
        if layout.columns.count == 2 {
            lines.append("Hover a cell for its value, interval and run count; the table below lists every point.")
        } else if layout.columns.count > 2 {
            lines.append("Phase diagrams are drawn for one or two varied paths; with \(layout.columns.count), see the table.")
        }
        return SweepReportPage.render(scenario: layout.scenario, description: layout.description, lines: lines, charts: charts.map(\.svg), header: header, rows: rows)
    }
}
