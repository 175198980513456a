import SatsimMetrics
import CSQLite
import Foundation
import SatsimAnalysis
import SatsimScenario

/// A sweep's results: `results.sqlite` in the sweep's folder, one row per finished run.
///
/// Crash safety: the database runs in WAL mode and every run is inserted in a transaction of its
/// own as soon as it finishes, so a process killed at any moment (`kill -9`, a node lost) loses
/// only the runs still simulating; SQLite's journal makes each commit all or nothing. With
/// `synchronous = NORMAL` a commit in WAL mode survives the process being killed, though not the
/// machine losing power before the next checkpoint, which is the trade SQLite documents for WAL.
/// Once the runs are in, the outputs rewrite the file in one canonical layout
/// (``canonicalize(through:)``), so the same runs make the same bytes whatever the order they
/// finished in.
///
/// Tables (the contract's, scenario-format.md):
/// - `runs`: `point`, `replication`, one TEXT column per varied path, `seed` (decimal text: it is
///   a full 64-bit unsigned number), `outcome`, `limit_hit`, one REAL column per figure;
/// - `points`: per point its column values, `runs`, `stopped_at_limit`, for each outcome
///   `n_OUTCOME`, `p_OUTCOME`, `p_OUTCOME_low`, `p_OUTCOME_high` (Wilson), for each figure
///   `FIGURE_n`, `FIGURE_mean`, `FIGURE_low`, `FIGURE_high` (Student t);
/// - `runs_2`, `points_2`, ...: only when the figures need more columns than one SQLite table
///   holds (``ResultsLayout/maximumColumns``): the next figures, keyed by `point` (and
///   `replication`), in the same order (``ResultsLayout/runsTables``);
/// - `sweep` (key, value) and `plan_points`: the layout, so that `merge` needs no scenario file.
///
/// Not thread-safe: `@unchecked Sendable` only so that the runner's hand-over, which calls one
/// closure at a time under a lock, may commit from whichever thread finished a run.
public final class ResultsStore: @unchecked Sendable {
    /// The store's file name in a sweep's folder.
    public static let fileName = "results.sqlite"

    private var database: SQLiteDatabase
    /// The layout the store holds.
    public let layout: ResultsLayout
    /// One statement per table of ``ResultsLayout/runsTables``; empty once closed.
    private var insertRun: [SQLiteStatement] = []

    /// Opens the store at `path` for `layout`: creates it when the file is new, and otherwise
    /// checks that it holds the same plan.
    /// - Throws: ``StoreError`` when the file is not a store, or holds another plan.
    public init(path: String, layout: ResultsLayout) throws(StoreError) {
        let database = try Self.open(path)
        self.database = database
        if let stored = try Self.readable({ () throws(StoreError) in try Self.readLayout(database) }, path) {
            guard stored.identity == layout.identity else {
                throw StoreError("\(TerminalText.inline(path)) holds the results of another sweep (\(Self.difference(stored.identity, layout.identity))); "
                                 + "use another --out, or remove the folder to start again")
            }
        } else {
            try Self.create(database, layout: layout)
        }
        self.layout = layout
        insertRun = try Self.insertRunStatements(database, layout)
    }

    /// Opens an existing store and reads its layout from it (`merge`).
    public init(existingAt path: String) throws(StoreError) {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError("\(TerminalText.inline(path)): no results store here; expected the folder of a satsim sweep or chaos --out")
        }
        let database = try Self.open(path, forWriting: false)
        self.database = database
        guard let stored = try Self.readable({ () throws(StoreError) in try Self.readLayout(database) }, path) else {
            throw StoreError("\(TerminalText.inline(path)) is not a satsim results store (it has no sweep table)")
        }
        try Self.checkSizes(stored, path)
        layout = stored
        insertRun = try Self.insertRunStatements(database, stored)
    }

    /// Checks the whole store before anything is added to it (`--resume`): every table its layout
    /// needs is there, and every stored run reads back (in its plan, its figures numbers). A
    /// resume of a damaged store simulated and inserted the missing runs first and refused
    /// only at the end, or stopped on SQLite's own "no such table: points".
    public func verify() throws(StoreError) {
        let statement = try database.prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        var tables: Set<String> = []
        while try statement.next() { if let name = statement.text(0) { tables.insert(name) } }
        let needed = ["sweep", "plan_points"] + layout.runsTables.map(\.name) + layout.pointsTables.map(\.name)
        if let missing = needed.first(where: { !tables.contains($0) }) {
            throw damaged("it has no table \(missing)")
        }
        _ = try records()
    }

    /// The runs already stored.
    public func storedKeys() throws(StoreError) -> Set<RunKey> {
        let statement = try database.prepare("SELECT point, replication FROM runs")
        var keys: Set<RunKey> = []
        while try statement.next() {
            keys.insert(RunKey(point: Int(statement.integer(0)), replication: Int(statement.integer(1))))
        }
        return keys
    }

    /// Stores a finished run, committed before this returns. A run already stored is kept as it
    /// was: it was made from the same plan and seed, so it holds the same values.
    public func insert(_ record: RunRecord) throws(StoreError) {
        precondition(layout.points.indices.contains(record.key.point) && (0..<layout.replications).contains(record.key.replication),
                     "run \(record.key) is not in the plan")
        precondition(record.values.count == layout.figures.count, "a run needs one value per figure")
        let key: [SQLiteStatement.Value] = [.integer(Int64(record.key.point)), .integer(Int64(record.key.replication))]
        var values = key
        values += layout.points[record.key.point].map { .text($0) }
        values.append(.text(String(record.seed)))
        values.append(record.outcome.map { .text($0) } ?? .null)
        values.append(record.limit.map { .text($0) } ?? .null)
        let tables = layout.runsTables
        func figures(_ table: ResultsLayout.Table) -> [SQLiteStatement.Value] {
            // A figure with no finite value is stored as null, as SQLite stores NaN; reading
            // refuses an infinite one as damage.
            record.values[table.figures].map { value in value.flatMap { $0.isFinite ? SQLiteStatement.Value.real($0) : nil } ?? .null }
        }
        guard insertRun.count == tables.count else { throw StoreError("\(TerminalText.inline(database.path)): the results store was closed") }
        if tables.count == 1 {
            try insertRun[0].run(values + figures(tables[0]))
            return
        }
        // A run's row and its continuations are committed together, or not at all.
        try database.transaction { () throws(StoreError) in
            try insertRun[0].run(values + figures(tables[0]))
            for (statement, table) in zip(insertRun, tables).dropFirst() {
                try statement.run(key + figures(table))
            }
        }
    }

    /// Runs `body`, whose inserts are then all committed, or none when it throws.
    public func allOrNothing<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try database.transaction(body)
    }

    /// Notes in the store that `shard` of the plan ran into it (`sweep` and `chaos` with
    /// `--shard`), so that `merge` can name the shard a missing run belongs to. A store written
    /// by several shards notes each; a row of the `sweep` table, `shard I/N`, outside the
    /// identity, so it never stops a store from being resumed or merged.
    public func noteShard(_ shard: Shard) throws(StoreError) {
        let statement = try database.prepare("INSERT OR IGNORE INTO sweep VALUES (?, ?)")
        try statement.run([.text(Self.shardKeyPrefix + shard.description), .text("ran")])
    }

    /// The shards noted by ``noteShard(_:)``, in the order of their text; empty for a store of a
    /// whole plan, or one written before shards were noted.
    public func notedShards() throws(StoreError) -> [Shard] {
        let statement = try database.prepare("SELECT key FROM sweep WHERE key LIKE 'shard %' ORDER BY key")
        var shards: [Shard] = []
        while try statement.next() {
            if let key = statement.text(0), key.hasPrefix(Self.shardKeyPrefix),
               let shard = Shard(parsing: String(key.dropFirst(Self.shardKeyPrefix.count))) {
                shards.append(shard)
            }
        }
        return shards
    }

    private static let shardKeyPrefix = "shard "

    /// Every stored run, sorted by (point, replication).
    /// - Throws: ``StoreError`` for a row that no run of the plan writes (a point or replication
    ///   outside it, a seed that is not a 64-bit number): the file was changed or damaged after
    ///   satsim wrote it, and such a row was copied on by `merge` into a store whose checks
    ///   trap on it, or summarised as a run that never ran.
    public func records() throws(StoreError) -> [RunRecord] {
        let c = Int32(layout.columns.count)
        let tables = layout.runsTables
        // The figures kept in the continuation tables, by run.
        var continued: [RunKey: [Double?]] = [:]
        for table in tables.dropFirst() {
            // Each table's shape was checked when the store was opened (``insertRunStatements``).
            let rows = try database.prepare("SELECT * FROM \(SQLiteDatabase.quoted(table.name)) ORDER BY point, replication")
            while try rows.next() {
                let key = RunKey(point: Int(rows.integer(0)), replication: Int(rows.integer(1)))
                try checkNumbers(rows, from: 2, count: table.figures.count, table: table.name, key: key)
                continued[key, default: []] += (0..<table.figures.count).map { rows.real(2 + Int32($0)) }
            }
        }
        let statement = try database.prepare("SELECT * FROM runs ORDER BY point, replication")
        var records: [RunRecord] = []
        while try statement.next() {
            let point = statement.integer(0), replication = statement.integer(1)
            guard (0..<Int64(layout.points.count)).contains(point), (0..<Int64(layout.replications)).contains(replication) else {
                throw damaged("it holds a run of point \(point), replication \(replication), outside its plan of "
                              + Counted.grid(points: layout.points.count, replications: layout.replications))
            }
            guard let seed = statement.text(2 + c).flatMap({ UInt64($0) }) else {
                throw damaged("the run of point \(point), replication \(replication) has no seed")
            }
            let key = RunKey(point: Int(point), replication: Int(replication))
            let outcome = statement.text(3 + c)
            if let outcome, Outcome(rawValue: outcome) == nil {
                throw damaged("the run of point \(point), replication \(replication) has the outcome '\(TerminalText.inline(outcome))', "
                              + "which is none of \(Outcome.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try checkNumbers(statement, from: 5 + c, count: tables[0].figures.count, table: "runs", key: key)
            var values = (0..<tables[0].figures.count).map { statement.real(5 + c + Int32($0)) }
            if tables.count > 1 {
                let rest = continued[key] ?? []
                guard values.count + rest.count == layout.figures.count else {
                    throw damaged("the run of point \(point), replication \(replication) lacks its row in \(tables.dropFirst().map(\.name).joined(separator: " or "))")
                }
                values += rest
            }
            records.append(RunRecord(
                key: key, seed: seed, outcome: outcome, limit: statement.text(4 + c), values: values))
        }
        return records
    }

    /// Refuses a figure that is not a number or NULL (text read as a number is a silent 0).
    private func checkNumbers(_ row: SQLiteStatement, from first: Int32, count: Int, table: String, key: RunKey) throws(StoreError) {
        for k in 0..<count where !row.isNumberOrNull(first + Int32(k)) {
            let figures = layout.runsTables.first { $0.name == table }?.figures
            let name = figures.map { layout.figures[$0.lowerBound + k] } ?? "column \(first + Int32(k))"
            throw damaged("the run of point \(key.point), replication \(key.replication) holds "
                          + "'\(TerminalText.inline(row.text(first + Int32(k)) ?? ""))' as \(name) in table \(table), not a finite number")
        }
    }

    /// A store whose content no satsim run writes: `what` says where it departs.
    private func damaged(_ what: String) -> StoreError {
        Self.damaged(database.path, what)
    }

    private static func damaged(_ path: String, _ what: String) -> StoreError {
        StoreError("\(TerminalText.inline(path)) is a damaged results store: \(what); expected the store as satsim sweep or chaos wrote it: "
                   + "run that shard again into a new folder (or with --resume into a copy without the damage)")
    }

    /// The summary of every point that has runs, in point order.
    public func summaries() throws(StoreError) -> [PointSummary] {
        summaries(of: try records())
    }

    /// The summary of every point of `records` (this store's runs, already read: reading them
    /// again held a second copy of every run while the outputs were written), in point order.
    public func summaries(of records: [RunRecord]) -> [PointSummary] {
        let byPoint = Dictionary(grouping: records, by: \.key.point)
        return layout.points.indices.compactMap { point in
            guard let runs = byPoint[point] else { return nil }
            return PointSummary(point: point, values: layout.points[point], records: runs, figureCount: layout.figures.count)
        }
    }

    /// Replaces the `points` table with `summaries`, in one transaction.
    public func writePoints(_ summaries: [PointSummary]) throws(StoreError) {
        let tables = layout.pointsTables
        let fixed = PointsTable.fixedColumns(layout).count
        var inserts: [SQLiteStatement] = []
        for (index, table) in tables.enumerated() {
            let count = (index == 0 ? fixed : 1) + 4 * table.figures.count
            inserts.append(try database.prepare(Self.insertSQL(into: table.name, values: count)))
        }
        try database.transaction { () throws(StoreError) in
            for table in tables { try database.execute("DELETE FROM \(SQLiteDatabase.quoted(table.name))") }
            for summary in summaries {
                let row: [SQLiteStatement.Value] = PointsTable.row(summary).map { cell in
                    switch cell {
                    case .integer(let i): return .integer(Int64(i))
                    case .real(let x): return x.map { .real($0) } ?? .null
                    case .text(let s): return .text(s)
                    }
                }
                // The fixed columns, then four per figure: each table takes its figures' four.
                for (index, table) in tables.enumerated() {
                    let cells = row[(fixed + 4 * table.figures.lowerBound)..<(fixed + 4 * table.figures.upperBound)]
                    try inserts[index].run((index == 0 ? Array(row[..<fixed]) : [row[0]]) + cells)
                }
            }
        }
    }

    /// Rewrites the file in one layout that depends only on what it holds, so that two stores
    /// holding the same rows are the same bytes: a sweep with `--jobs 1` and with `--jobs 8`, or
    /// one killed and resumed. Runs are committed in the order they finish, and both a table's
    /// pages and the file's header (its change counter) keep a trace of that history.
    ///
    /// The rows of `runs` are put in (point, replication) order, the `sweep` table's plan first
    /// and then the shards it noted in the order of their text; `VACUUM INTO` writes a fresh copy
    /// to `temporary` (a path in the same folder), with a fixed schema cookie, which is synced, and, once this connection is
    /// closed (folding and removing its WAL), renamed over the store: one `rename(2)`, so a
    /// process killed at any point leaves either the store as it was or the canonical one, and
    /// at most the temporary file, whose name the caller chooses so that it knows to remove it.
    /// The store is then open again, on the new file, in SQLite's default journal mode (it
    /// returns to WAL when a sweep opens it to add runs).
    public func canonicalize(through temporary: String) throws(StoreError) {
        let path = database.path
        try database.transaction { () throws(StoreError) in
            for table in layout.runsTables.map({ SQLiteDatabase.quoted($0.name) }) {
                try database.execute("""
                    CREATE TEMP TABLE canonical_runs AS SELECT * FROM \(table) ORDER BY point, replication;
                    DELETE FROM \(table);
                    INSERT INTO \(table) SELECT * FROM canonical_runs ORDER BY point, replication;
                    DROP TABLE temp.canonical_runs;
                    """)
            }
            try database.execute("""
                CREATE TEMP TABLE canonical_sweep AS SELECT * FROM sweep
                    ORDER BY key LIKE 'shard %', CASE WHEN key LIKE 'shard %' THEN key END, rowid;
                DELETE FROM sweep;
                INSERT INTO sweep SELECT * FROM canonical_sweep ORDER BY rowid;
                DROP TABLE temp.canonical_sweep;
                """)
        }
        unlink(temporary)
        do throws(StoreError) {
            try database.execute("VACUUM INTO " + SQLiteDatabase.literal(temporary))
            // VACUUM gives the copy the original's schema cookie plus one, so each rewrite would
            // differ from the last; the copy is new and no other connection has read its schema,
            // so a fixed cookie is safe (SQLite warns only against changing it under readers).
            let copy = try SQLiteDatabase(path: temporary)
            try copy.execute("PRAGMA schema_version = 1")
            try copy.close()
            // SQLite does not sync the copy (its documentation of VACUUM INTO).
            guard syncFile(temporary) else {
                throw StoreError("\(TerminalText.inline(temporary)): cannot sync the rewritten results store (\(String(cString: strerror(errno))))")
            }
            insertRun = []
            try database.close()
        } catch {
            unlink(temporary)
            if insertRun.isEmpty { insertRun = (try? Self.insertRunStatements(database, layout)) ?? [] }
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            database = try SQLiteDatabase(path: path)
            insertRun = try Self.insertRunStatements(database, layout)
            throw StoreError("\(TerminalText.inline(path)): cannot replace the results store with its rewritten copy (\(reason))")
        }
        database = try SQLiteDatabase(path: path)
        insertRun = try Self.insertRunStatements(database, layout)
    }

    // MARK: - Schema

    /// Opens and configures the database at `path`, saying in plain words when the path is a
    /// folder or the file is not an SQLite database (a truncated or foreign file).
    /// A store opened only to be read (`merge`'s sources) is left in the journal mode it has:
    /// setting WAL would rewrite the header of a canonical store that a merge only reads.
    private static func open(_ path: String, forWriting: Bool = true) throws(StoreError) -> SQLiteDatabase {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw StoreError("\(TerminalText.inline(path)) is a folder; expected the results store file there: remove the folder, or choose another --out")
        }
        let database = try SQLiteDatabase(path: path)
        if forWriting { try readable({ () throws(StoreError) in try configure(database) }, path) }
        return database
    }

    /// `body`, its SQLite failure told as a file that is not a results store.
    @discardableResult
    private static func readable<T>(_ body: () throws(StoreError) -> T, _ path: String) throws(StoreError) -> T {
        do {
            return try body()
        } catch {
            // SQLite's messages begin with the path as the terminal shows it (TerminalText.inline).
            let shown = TerminalText.inline(path) + ": "
            let sqlite = error.message.hasPrefix(shown) ? String(error.message.dropFirst(shown.count)) : error.message
            throw StoreError("\(TerminalText.inline(path)) is not a satsim results store that can be read (SQLite: \(sqlite)); "
                             + "expected one written by satsim sweep or chaos: remove it, or choose another --out")
        }
    }

    private static func configure(_ database: SQLiteDatabase) throws(StoreError) {
        try database.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
    }

    /// `INSERT [OR IGNORE] INTO "table" VALUES (?, ...)` with `values` parameters.
    private static func insertSQL(into table: String, values: Int, orIgnore: Bool = false) -> String {
        "INSERT \(orIgnore ? "OR IGNORE " : "")INTO \(SQLiteDatabase.quoted(table)) VALUES ("
            + Array(repeating: "?", count: values).joined(separator: ", ") + ")"
    }

    private static func insertRunStatements(_ database: SQLiteDatabase, _ layout: ResultsLayout) throws(StoreError) -> [SQLiteStatement] {
        var statements: [SQLiteStatement] = []
        for (index, table) in layout.runsTables.enumerated() {
            let count = (index == 0 ? 5 + layout.columns.count : 2) + table.figures.count
            // A table with a column dropped or added (by hand, or another version) is told as
            // damage, not as SQLite's "table runs has 8 columns but 9 values were supplied".
            let shape = try database.prepare("SELECT * FROM \(SQLiteDatabase.quoted(table.name)) LIMIT 0")
            guard shape.columnCount == Int32(count) else {
                throw damaged(database.path, "its table \(table.name) has \(shape.columnCount) columns, where its plan's "
                              + (index == 0 ? "varied paths and figures make" : "figures make") + " \(count)")
            }
            statements.append(try database.prepare(Self.insertSQL(into: table.name, values: count, orIgnore: true)))
        }
        return statements
    }

    private static func create(_ database: SQLiteDatabase, layout: ResultsLayout) throws(StoreError) {
        let q = SQLiteDatabase.quoted
        let axisColumns = layout.columns.map { "\(q($0)) TEXT NOT NULL" }
        let key = ["point INTEGER NOT NULL", "replication INTEGER NOT NULL"]
        let runsTables = layout.runsTables.enumerated().map { index, table in
            (table.name, (index == 0 ? key + axisColumns + ["seed TEXT NOT NULL", "outcome TEXT", "limit_hit TEXT"] : key)
                + layout.figures[table.figures].map { "\(q($0)) REAL" } + ["PRIMARY KEY (point, replication)"])
        }
        let fixed = PointsTable.fixedColumns(layout).map { "\(q($0.name)) \($0.type)" }
        let pointsTables = layout.pointsTables.enumerated().map { index, table in
            (table.name, (index == 0 ? fixed : ["point INTEGER NOT NULL"])
                + layout.figures[table.figures].flatMap(PointsTable.figureColumns).map { "\(q($0.name)) \($0.type)" }
                + ["PRIMARY KEY (point)"])
        }
        try database.transaction { () throws(StoreError) in
            try database.execute("CREATE TABLE sweep (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            try database.execute("CREATE TABLE plan_points (point INTEGER PRIMARY KEY"
                                 + axisColumns.map { ", " + $0 }.joined() + ")")
            for (name, columns) in runsTables + pointsTables {
                try database.execute("CREATE TABLE \(q(name)) (" + columns.joined(separator: ", ") + ")")
            }
            let meta = try database.prepare("INSERT INTO sweep VALUES (?, ?)")
            for (key, value) in [("identity", layout.identity), ("scenario", layout.scenario),
                                 ("replications", String(layout.replications)),
                                 ("columns", layout.columns.joined(separator: "\n")),
                                 ("figures", layout.figures.joined(separator: "\n")),
                                 ("description", layout.description)] {
                try meta.run([.text(key), .text(value)])
            }
            let point = try database.prepare(Self.insertSQL(into: "plan_points", values: 1 + layout.columns.count))
            for (index, values) in layout.points.enumerated() {
                try point.run([.integer(Int64(index))] + values.map { .text($0) })
            }
        }
    }

    private static func readLayout(_ database: SQLiteDatabase) throws(StoreError) -> ResultsLayout? {
        let exists = try database.prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sweep'")
        guard try exists.next(), exists.integer(0) == 1 else { return nil }
        var meta: [String: String] = [:]
        let rows = try database.prepare("SELECT key, value FROM sweep")
        while try rows.next() {
            if let key = rows.text(0) { meta[key] = rows.text(1) ?? "" }
        }
        guard let identity = meta["identity"], let scenario = meta["scenario"],
              let replications = meta["replications"].flatMap({ Int($0) }) else {
            throw StoreError("\(database.path): the sweep table lacks identity, scenario or replications")
        }
        func lines(_ key: String) -> [String] {
            guard let text = meta[key], !text.isEmpty else { return [] }
            return text.components(separatedBy: "\n")
        }
        let columns = lines("columns")
        var points: [[String]] = []
        let statement = try database.prepare("SELECT * FROM plan_points ORDER BY point")
        while try statement.next() {
            points.append(columns.indices.map { statement.text(Int32(1 + $0)) ?? "" })
        }
        var layout = ResultsLayout(identity: identity, scenario: scenario, replications: replications, columns: columns,
                                   points: points, figures: lines("figures"))
        layout.description = meta["description"] ?? ""
        return layout
    }

    /// Refuses a layout beyond the sizes a plan may have: a `replications` changed to 10^9 made
    /// merge walk billions of runs, and 0 or -1 trapped on a range from 0 to a negative number.
    private static func checkSizes(_ layout: ResultsLayout, _ path: String) throws(StoreError) {
        let points = layout.points.count, replications = layout.replications
        guard (1...PlanLimits.maximumRuns).contains(replications), (1...PlanLimits.maximumPoints).contains(points),
              PlanLimits.excess(points: points, replications: replications) == nil else {
            throw damaged(path, "it plans \(points) points x \(replications) replications; expected 1 to "
                          + "\(PlanLimits.maximumPoints) points and 1 to \(PlanLimits.maximumRuns) runs")
        }
    }

    /// The first line where two identities differ, for the message.
    /// Where two stores' plans first differ, in words: "it has 'seed 2' where the other has
    /// 'seed 1'" (`other` names the second), or that only their descriptions differ.
    public static func difference(between stored: ResultsLayout, and other: ResultsLayout, other name: String) -> String {
        guard stored.identity == other.identity else {
            return difference(stored.identity, other.identity).replacingOccurrences(of: "where this sweep has", with: "where \(name) has")
        }
        return stored.description == other.description ? "their layouts differ" : "their descriptions differ"
    }

    private static func difference(_ stored: String, _ wanted: String) -> String {
        let a = stored.components(separatedBy: "\n"), b = wanted.components(separatedBy: "\n")
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : "nothing", y = i < b.count ? b[i] : "nothing"
            if x != y { return "it has '\(x)' where this sweep has '\(y)'" }
        }
        return "same plan"
    }
}

/// Flushes the file at `path` to its device; false when it cannot be opened or synced.
private func syncFile(_ path: String) -> Bool {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return false }
    defer { close(descriptor) }
    return fsync(descriptor) == 0
}
