import Foundation
import Testing
@testable import SatsimSweep

/// A store whose figures need more columns than one SQLite table holds. SQLite creates no table
/// of more than SQLITE_MAX_COLUMN columns, 2000 by default ("Limits In SQLite",
/// https://sqlite.org/limits.html, item 2), and `points` keeps four per figure, so a scenario of
/// 22 clients and 22 services (507 figures, 2,055 columns) could not be swept at all. The figures
/// past the limit now continue in `runs_2`, `points_2`, ..., keyed like the first table, and come
/// back whole.
@Suite("The results store past SQLite's column limit")
struct WideStoreTests {
    /// Two varied paths, two points of two replications, and `count` figures.
    static func layout(figures count: Int) -> ResultsLayout {
        ResultsLayout(identity: "wide", scenario: "wide", replications: 2, columns: ["a.x", "b.y"],
                      points: [["1", "2"], ["3", "4"]], figures: (0..<count).map { "services.s\($0).utilization" })
    }

    /// Every value distinct and exact in binary, some missing.
    static func records(figures count: Int) -> [RunRecord] {
        [RunKey(point: 0, replication: 0), RunKey(point: 0, replication: 1), RunKey(point: 1, replication: 0), RunKey(point: 1, replication: 1)]
            .map { key in
                let base = Double(key.point * 10 + key.replication)
                return RunRecord(key: key, seed: UInt64(key.point * 2 + key.replication), outcome: "stable", limit: nil,
                                 values: (0..<count).map { $0 % 97 == 5 ? nil : base + Double($0) / 4 })
            }
    }

    static func columns(of table: String, in path: String) throws -> [String] {
        let statement = try SQLiteDatabase(path: path).prepare("SELECT name FROM pragma_table_info('\(table)')")
        var names: [String] = []
        while try statement.next() { names.append(statement.text(0) ?? "") }
        return names
    }

    @Test("The tables are cut at 2000 columns, each keyed, the figures in order")
    func tablesAreCutAtTheLimit() {
        let layout = Self.layout(figures: 5000)
        let runs = layout.runsTables
        // runs: point, replication, 2 varied paths, seed, outcome, limit_hit, then 1,993 figures.
        #expect(runs.map(\.name) == ["runs", "runs_2", "runs_3"])
        #expect(runs.map(\.figures) == [0..<1993, 1993..<3991, 3991..<5000])
        // points: point, 2 paths, runs, stopped_at_limit and 4 per outcome (29), then 4 per figure.
        let points = layout.pointsTables
        #expect(points.first?.figures == 0..<492)
        #expect(points.dropFirst().allSatisfy { $0.figures.count <= 499 })
        #expect(points.map(\.figures.count).reduce(0, +) == 5000 && points.last?.figures.upperBound == 5000)
        // A layout that fits keeps one table of each, as the contract names them.
        #expect(Self.layout(figures: 400).runsTables.map(\.name) == ["runs"])
        #expect(Self.layout(figures: 400).pointsTables.map(\.name) == ["points"])
    }

    @Test("Runs and points of 5,000 figures come back whole, and the tables stay within the limit")
    func wideRunsComeBackWhole() throws {
        let count = 5000
        let path = try ResultsStoreTests.folder() + "/results.sqlite"
        let store = try ResultsStore(path: path, layout: Self.layout(figures: count))
        for record in Self.records(figures: count).reversed() { try store.insert(record) }
        let back = try ResultsStore(existingAt: path).records()
        #expect(back == Self.records(figures: count))
        try store.writePoints(try store.summaries())
        try store.canonicalize(through: path + ".tmp")
        #expect(try store.records() == Self.records(figures: count), "canonicalize keeps every table's rows")
        for table in ["runs", "runs_2", "runs_3"] + Self.layout(figures: count).pointsTables.map(\.name) {
            let names = try Self.columns(of: table, in: path)
            #expect(!names.isEmpty && names.count <= ResultsLayout.maximumColumns, "\(table): \(names.count) columns")
        }
        // The points tables, joined on `point`, are points.csv's columns in order.
        let csv = ResultsCSV.points(try store.summaries(), layout: Self.layout(figures: count))
        let header = csv.split(separator: "\n")[0].split(separator: ",").map(String.init)
        var joined: [String] = []
        for (index, table) in Self.layout(figures: count).pointsTables.enumerated() {
            joined += try Self.columns(of: table.name, in: path).dropFirst(index == 0 ? 0 : 1)
        }
        #expect(joined == header)
        let statement = try SQLiteDatabase(path: path).prepare("SELECT \"services.s4999.utilization_mean\" FROM points_11 WHERE point = 1")
        #expect(try statement.next())
        #expect(statement.real(0) == (10 + 11) / 2 + 4999.0 / 4, "the mean of replications 10 and 11 plus 4999/4")
    }

    @Test("A run whose continuation row is missing is a damaged store, not a run with holes")
    func aMissingContinuationIsDamage() throws {
        let path = try ResultsStoreTests.folder() + "/results.sqlite"
        do {
            let store = try ResultsStore(path: path, layout: Self.layout(figures: 2500))
            for record in Self.records(figures: 2500) { try store.insert(record) }
        }
        try SQLiteDatabase(path: path).execute("DELETE FROM runs_2 WHERE point = 1 AND replication = 0")
        #expect {
            _ = try ResultsStore(existingAt: path).records()
        } throws: { error in
            "\(error)".contains("the run of point 1, replication 0 lacks its row in runs_2")
        }
    }
}
