import Testing
@testable import SatsimCLI
import SatsimSweep

/// The sweep's text table: a figure that only some of a point's runs have says over how many runs
/// it was taken, and a legend says what the cells are. A recovery time exists only for a run that
/// recovered, so "1.50 ± 6.35" taken over 2 runs of 5 would read as a figure of the whole point.
@Suite("Sweep table")
struct SweepTableTests {
    static let layout = ResultsLayout(identity: "x", scenario: "s", replications: 4, columns: ["timeline.0.for"],
                                      points: [["1s"], ["2s"]], figures: ["clients.users.goodput_per_s", "recovery_time"])

    static func record(point: Int, _ r: Int, _ outcome: String, goodput: Double, recovery: Double?) -> RunRecord {
        RunRecord(key: RunKey(point: point, replication: r), seed: UInt64(r), outcome: outcome, limit: nil,
                  values: [goodput, recovery])
    }

    @Test("A recovery time over fewer runs than the point has names its count; one over all of them does not")
    func partialFiguresNameTheirCount() {
        let whole = PointSummary(point: 0, values: ["1s"], records: (0..<4).map {
            Self.record(point: 0, $0, "recovered", goodput: 600, recovery: 1 + Double($0))
        }, figureCount: 2)
        let partial = PointSummary(point: 1, values: ["2s"], records: [
            Self.record(point: 1, 0, "recovered", goodput: 590, recovery: 2),
            Self.record(point: 1, 1, "recovered", goodput: 580, recovery: 4),
            Self.record(point: 1, 2, "metastable", goodput: 170, recovery: nil),
            Self.record(point: 1, 3, "metastable", goodput: 171, recovery: nil),
        ], figureCount: 2)
        let text = SweepOutputs.table(layout: Self.layout, summaries: [whole, partial])
        let lines = text.split(separator: "\n").map(String.init)
        let first = lines.first { $0.hasPrefix("0 ") } ?? ""
        let second = lines.first { $0.hasPrefix("1 ") } ?? ""
        #expect(!first.contains(" of "), "every run of point 0 has a recovery time: \(first)")
        #expect(second.contains("3.00 ± ") && second.hasSuffix("(2 of 4)"), "\(second)")
        // The goodput of point 1 is over all four runs: no count.
        #expect(!second.contains("(4 of 4)"))
        #expect(text.contains("(k of n): over k of the point's n runs"))
        #expect(text.contains("95% Wilson interval") && text.contains("95% t interval"))
    }

    @Test("Without a partial figure the legend does not mention counts")
    func legendWithoutPartialFigures() {
        let whole = PointSummary(point: 0, values: ["1s"], records: (0..<4).map {
            Self.record(point: 0, $0, "recovered", goodput: 600, recovery: 1 + Double($0))
        }, figureCount: 2)
        let text = SweepOutputs.table(layout: Self.layout, summaries: [whole])
        #expect(!text.contains("(k of n)"))
        #expect(text.contains("(none from one run)."))
        #expect(!text.contains("no run has it"))
    }

    @Test("A point where no run has the figure shows '-', and the legend says what '-' means")
    func missingFigures() {
        let none = PointSummary(point: 0, values: ["1s"], records: (0..<3).map {
            Self.record(point: 0, $0, "metastable", goodput: 170, recovery: nil)
        }, figureCount: 2)
        let text = SweepOutputs.table(layout: Self.layout, summaries: [none])
        let row = text.split(separator: "\n").first { $0.hasPrefix("0 ") } ?? ""
        #expect(row.hasSuffix(" -"), "\(row)")
        #expect(text.contains("-: no run has it"))
    }

    @Test("P(metastable) is a share of the runs given an outcome: a run without one is left out, and the legend says so")
    func unjudgedRunsAreLeftOutOfTheShare() {
        // Two runs with an outcome (one metastable) and two without (stopped at a limit before
        // anything could be judged): P(metastable) is 1 of 2, not 1 of 4.
        let records = [
            Self.record(point: 0, 0, "metastable", goodput: 170, recovery: nil),
            Self.record(point: 0, 1, "recovered", goodput: 590, recovery: 3),
            RunRecord(key: RunKey(point: 0, replication: 2), seed: 2, outcome: nil, limit: "events", values: [nil, nil]),
            RunRecord(key: RunKey(point: 0, replication: 3), seed: 3, outcome: nil, limit: "events", values: [nil, nil]),
        ]
        let summary = PointSummary(point: 0, values: ["1s"], records: records, figureCount: 2)
        let text = SweepOutputs.table(layout: Self.layout, summaries: [summary])
        let row = text.split(separator: "\n").first { $0.hasPrefix("0 ") } ?? ""
        #expect(row.contains("0.50 ["), "\(row)")
        #expect(text.contains("of the runs given an outcome (the outcomes column)"))
    }
}

/// The sweep report's hover text on the phase diagram's cells says over how many runs each value
/// was taken, and a single run's recovery time is not given a [v, v] "interval".
@Suite("Sweep report hovers")
struct SweepReportHoverTests {
    @Test("Recovery cells name the runs that recovered; one run has no interval")
    func recoveryHoversNameTheirRuns() throws {
        let layout = ResultsLayout(identity: "x", scenario: "s", replications: 4, columns: ["a", "b"],
                                   points: [["1", "x"], ["1", "y"]], figures: ["recovery_time"])
        func record(point: Int, _ r: Int, _ outcome: String, recovery: Double?) -> RunRecord {
            RunRecord(key: RunKey(point: point, replication: r), seed: UInt64(r), outcome: outcome, limit: nil, values: [recovery])
        }
        let two = PointSummary(point: 0, values: ["1", "x"], records: [
            record(point: 0, 0, "recovered", recovery: 2), record(point: 0, 1, "recovered", recovery: 4),
            record(point: 0, 2, "metastable", recovery: nil), record(point: 0, 3, "metastable", recovery: nil),
        ], figureCount: 1)
        let one = PointSummary(point: 1, values: ["1", "y"], records: [
            record(point: 1, 0, "recovered", recovery: 7), record(point: 1, 1, "metastable", recovery: nil),
            record(point: 1, 2, "metastable", recovery: nil), record(point: 1, 3, "metastable", recovery: nil),
        ], figureCount: 1)
        let report = SweepReport(layout: layout, summaries: [two, one], runCount: 8)
        let recovery = try #require(report.charts.first { $0.fileName == "phase-recovery-time.svg" })
        #expect(recovery.svg.contains("3.00 [95%: "), "\(recovery.svg)")
        #expect(recovery.svg.contains("2 of 4 runs"))
        #expect(recovery.svg.contains("7.00 (one run, no interval), 1 of 4 runs"))
        #expect(!recovery.svg.contains("[95%: 7.00, 7.00]"))
        let share = try #require(report.charts.first { $0.fileName == "phase-p-metastable.svg" })
        #expect(share.svg.contains("], 4 runs"), "every run was judged: \(share.svg)")
    }

    @Test("P(metastable) cells name the runs given an outcome when some have none")
    func shareHoversNameTheRunsWithAnOutcome() throws {
        let layout = ResultsLayout(identity: "x", scenario: "s", replications: 3, columns: ["a", "b"],
                                   points: [["1", "x"]], figures: ["recovery_time"])
        let summary = PointSummary(point: 0, values: ["1", "x"], records: [
            RunRecord(key: RunKey(point: 0, replication: 0), seed: 0, outcome: "metastable", limit: nil, values: [nil]),
            RunRecord(key: RunKey(point: 0, replication: 1), seed: 1, outcome: "recovered", limit: nil, values: [5]),
            RunRecord(key: RunKey(point: 0, replication: 2), seed: 2, outcome: nil, limit: "events", values: [nil]),
        ], figureCount: 1)
        let report = SweepReport(layout: layout, summaries: [summary], runCount: 3)
        let share = try #require(report.charts.first { $0.fileName == "phase-p-metastable.svg" })
        #expect(share.svg.contains("], 2 of 3 runs"), "\(share.svg)")
    }
}
