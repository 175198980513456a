import CSQLite
import Foundation
import Testing

/// Hostile input to `merge`, and to `sweep` and `chaos` where they read what a shard left,
/// through the built binary under a 2 GiB address-space cap and a 60 s kill
/// (``HostilePlanTests/satsim(_:in:)``), as ``HostileRunTests`` does for the single-run commands.
///
/// The contract (scenario-format.md): `satsim merge DIR... --out DIR # join shards of one sweep`;
/// "N cluster tasks together do the whole sweep, and the result of merging them equals the result
/// of one unsharded run"; exit 2 for bad input. Each case here trapped, hung, failed a valid
/// merge or wrote the wrong outputs before its fix.
@Suite("hostile input to the results store: sweep, chaos and merge")
struct HostileStoreTests {
    static let tiny = HostilePlanTests.tiny

    static func expect(_ outcome: HostilePlanTests.Outcome, _ status: Int32, _ phrases: [String],
                       in stream: KeyPath<HostilePlanTests.Outcome, String> = \.stderr,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        HostilePlanTests.expect(outcome, status, phrases, in: stream, sourceLocation: sourceLocation)
    }

    static func satsim(_ arguments: [String]) throws -> HostilePlanTests.Outcome { try HostilePlanTests.satsim(arguments) }

    /// A sweep of 2 points x 2 replications into a new folder; its path.
    static func sweep(_ extra: [String] = []) throws -> String {
        let out = try HostilePlanTests.folder("shard")
        let outcome = try satsim(["sweep", try HostilePlanTests.file(tiny), "--out", out, "--vary", "services.api.instances=1,2",
                                  "--replications", "2", "--format", "json"] + extra)
        expect(outcome, 0, [])
        return out
    }

    /// Runs `sql` on the store in `folder`, as a user's `sqlite3` would.
    static func damage(_ folder: String, _ sql: String) {
        var db: OpaquePointer?
        guard sqlite3_open(folder + "/results.sqlite", &db) == SQLITE_OK else {
            Issue.record("cannot open \(folder)/results.sqlite")
            return
        }
        defer { sqlite3_close(db) }
        #expect(sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK, "\(sql)")
    }

    // MARK: - Many shards

    /// The Slurm script merges up to 1000 shard folders in one `merge`. Every store was held open
    /// until the end, three file descriptors each (the file, its WAL and the WAL index), so under
    /// the usual `ulimit -n 1024` the 340th failed to open, and was called "not a satsim results
    /// store that can be read ... remove it": a valid shard, and the whole merge, lost. Here 60
    /// shards under a limit of 64 descriptors (the store was refused at about the 20th).
    @Test func manyShardsMergeUnderTheDescriptorLimit() throws {
        let one = try Self.sweep()
        var folders: [String] = []
        for i in 0..<60 {
            let folder = try HostilePlanTests.folder("s\(i)")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: one + "/results.sqlite", toPath: folder + "/results.sqlite")
            folders.append(folder)
        }
        let out = try HostilePlanTests.folder("merged")
        let output = try CLIHarness.run(["merge"] + folders + ["--out", out], timeout: 60, fileLimit: 64)
        #expect(output.reason == .exit && output.status == 0, "exit \(output.status): \(output.stderr.prefix(400))")
        let runs = try String(contentsOfFile: out + "/runs.csv", encoding: .utf8)
        #expect(runs == (try String(contentsOfFile: one + "/runs.csv", encoding: .utf8)))
    }

    // MARK: - Sweep outputs

    /// report.html names each path's distinct values in grid order; they were found by searching
    /// the list so far for every point, n^2/2 string comparisons, several times over: a one-path
    /// sweep of 100,000 points (the most a plan may have) ran for more than ten minutes after its
    /// runs were stored. 30,000 points here, one run stored (a shard), the rest of the report
    /// from the plan: the kill at 60 s stopped it before the fix.
    @Test func aLongOnePathSweepWritesItsReport() throws {
        let out = try HostilePlanTests.folder()
        let outcome = try Self.satsim(["sweep", try HostilePlanTests.file(Self.tiny), "--out", out, "--replications", "1",
                                       "--vary", "clients.users.arrival.rate=1/s..30000/s/30000", "--shard", "0/30000",
                                       "--format", "json"])
        Self.expect(outcome, 0, ["the store holds 1 of the sweep's 30000 runs"])
        #expect(try String(contentsOfFile: out + "/report.html", encoding: .utf8).contains("30000 points x 1 replication"))
    }

    /// A varied text value holding a line break (`sweep.vary: { description: [...] }`) split its
    /// row of the points table over two lines; it is written `\n`, as an escape, in the cell.
    @Test func aVariedValueWithALineBreakStaysOnItsRow() throws {
        let file = try HostilePlanTests.file(Self.tiny + "sweep: { vary: { description: [\"one\\ntwo\", plain] }, replications: 1 }\n")
        let outcome = try Self.satsim(["sweep", file, "--out", try HostilePlanTests.folder()])
        Self.expect(outcome, 0, [])
        let rows = outcome.stdout.split(separator: "\n").filter { $0.contains("stable 1") || $0.contains("recovered 1") }
        #expect(rows.count == 2 && rows[0].contains("one\\ntwo"), "\(outcome.stdout)")
    }

    // MARK: - Slurm arrays

    /// The merge job names every shard folder on one command line. `--tasks 100000` (accepted up
    /// to 1,000,000) printed a script whose merge job is over Slurm's default max_script_size of
    /// 4 MB (slurm.conf(5)) and whose `exec` fails with E2BIG past ARG_MAX (execve(2): 2 MiB for
    /// an 8 MiB stack), found out only after every task of the array had run. Now refused with
    /// the most tasks that fit, which is itself accepted, and one more is not.
    @Test func anArrayWhoseMergeCannotRunIsRefusedWithTheMostTasksThatFit() throws {
        let file = try HostilePlanTests.file(Self.tiny)
        let grid = ["sweep", file, "--vary", "services.api.workers=1..100/100", "--replications", "10000", "--slurm"]
        let refused = try Self.satsim(grid + ["--tasks", "100000"])
        Self.expect(refused, 2, ["satsim: --tasks 100000: the merge job would name 100000 shard folders in one command line of ",
                                 "bytes; expected at most 1048576"])
        guard let use = refused.stderr.range(of: "use --tasks "),
              let fits = Int(refused.stderr[use.upperBound...].prefix { $0.isNumber }) else {
            Issue.record("no task count in: \(refused.stderr)")
            return
        }
        #expect((10_000...100_000).contains(fits), "\(fits)")
        let script = try Self.satsim(grid + ["--tasks", String(fits)])
        Self.expect(script, 0, [])
        let merge = script.stdout.components(separatedBy: "exec ").last?.components(separatedBy: "SATSIM_MERGE").first ?? ""
        // The shard folders as execve(2) counts them: each argument and its NUL.
        let folders = merge.split(separator: "\n").filter { $0.contains("/shards/") }
            .map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \\'")) }
        #expect(folders.count == fits && folders.last?.hasSuffix("/shards/\(fits - 1)") == true, "\(folders.suffix(1))")
        #expect(folders.reduce(0) { $0 + $1.utf8.count + 1 } <= 1 << 20)
        #expect(script.stdout.utf8.count < 4_000_000)
        Self.expect(try Self.satsim(grid + ["--tasks", String(fits + 1)]), 2, ["use --tasks \(fits) or fewer"])
    }

    // MARK: - Damaged stores

    /// A store changed after satsim wrote it: a `replications` of 10^9 made merge walk 2 x 10^9
    /// missing runs (killed after 60 s); -1 or 0 trapped on a range from 0 to a negative number;
    /// a run outside the plan trapped on the insert's precondition. Now each is refused, naming
    /// the file and what is wrong with it, exit 2, and no output is written.
    @Test(arguments: [
        ("UPDATE sweep SET value = '1000000000' WHERE key = 'replications'", "it plans 2 points x 1000000000 replications"),
        ("UPDATE sweep SET value = '-1' WHERE key = 'replications'", "it plans 2 points x -1 replications"),
        ("UPDATE runs SET point = 5 WHERE point = 1", "it holds a run of point 5, replication 1, outside its plan of 2 points x 2 replications"),
        ("DELETE FROM plan_points WHERE point = 1", "it holds a run of point 1, replication 1, outside its plan of 1 point x 2 replications"),
        ("UPDATE runs SET seed = 'none'", "the run of point 0, replication 1 has no seed"),
    ])
    func aDamagedStoreIsRefusedNotTrusted(sql: String, says: String) throws {
        let shard = try Self.sweep(["--shard", "1/2"])
        Self.damage(shard, sql)
        let out = try HostilePlanTests.folder("merged")
        Self.expect(try Self.satsim(["merge", shard, "--out", out]), 2, ["satsim: \(shard)/results.sqlite is a damaged results store: \(says)"])
        #expect(!FileManager.default.fileExists(atPath: out + "/runs.csv"))
    }

    /// A figure edited to a magnitude no run produces (1e19 requests/s): the phase diagram's
    /// label trapped converting it to Int ("Double value cannot be converted to Int"), leaving a
    /// merge with the store and no CSV or report. It is written out with an exponent instead.
    @Test(arguments: ["1e19", "-1e308", "1e308"])
    func anAbsurdFigureInAStoreMergesWithoutATrap(value: String) throws {
        let folder = try Self.sweep()
        Self.damage(folder, "UPDATE runs SET \"clients.users.goodput_per_s\" = \(value) WHERE point = 0 AND replication = 0")
        let out = try HostilePlanTests.folder("merged")
        Self.expect(try Self.satsim(["merge", folder, "--out", out]), 0, [])
        for name in ["runs.csv", "points.csv", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + name), "\(name)")
        }
    }

    /// Two copies of one sweep, one edited: the merge refuses them (the same run differs), and
    /// writes nothing. It used to leave the first folder's runs in a store in --out, which
    /// `sweep --resume` then trusted ("ran 0, 4 already stored"), publishing the edited run. Into
    /// a folder that already held a merged store, a failed merge leaves that store as it was.
    @Test func aMergeThatFailsWritesNothing() throws {
        let good = try Self.sweep()
        let edited = try HostilePlanTests.folder("edited")
        try FileManager.default.copyItem(atPath: good, toPath: edited)
        Self.damage(edited, "UPDATE runs SET outcome = 'metastable' WHERE point = 0 AND replication = 0")
        let out = try HostilePlanTests.folder("merged")
        Self.expect(try Self.satsim(["merge", edited, good, "--out", out]), 2, ["run 0/0 differs between the stores"])
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { $0.hasPrefix("results.sqlite") }
        #expect(left.isEmpty, "a failed merge left \(left)")
        let resumed = try Self.satsim(["sweep", try HostilePlanTests.file(Self.tiny), "--out", out, "--vary", "services.api.instances=1,2",
                                       "--replications", "2", "--resume"])
        Self.expect(resumed, 0, [])
        #expect(resumed.stdout.contains("ran 4, 0 already stored"), "\(resumed.stdout)")
        // Merged once from the good folder, then a failing merge into it: the store keeps its 4 runs.
        let merged = try HostilePlanTests.folder("merged-twice")
        Self.expect(try Self.satsim(["merge", good, "--out", merged]), 0, [])
        let before = try SQLiteTables.rows(merged + "/results.sqlite", "SELECT point, replication, outcome FROM runs ORDER BY point, replication")
        Self.expect(try Self.satsim(["merge", edited, "--out", merged]), 2, ["differs between the stores"])
        let after = try SQLiteTables.rows(merged + "/results.sqlite", "SELECT point, replication, outcome FROM runs ORDER BY point, replication")
        #expect(before == after && before.count == 4, "\(before) -> \(after)")
    }

    /// `sweep --resume` into a folder whose store holds a run outside the plan: the run was
    /// summarised as if it had run, and runs.csv trapped looking up its point.
    @Test func resumingADamagedStoreIsRefused() throws {
        let folder = try Self.sweep()
        Self.damage(folder, "UPDATE runs SET replication = 9 WHERE point = 1 AND replication = 1")
        let outcome = try Self.satsim(["sweep", try HostilePlanTests.file(Self.tiny), "--out", folder, "--vary", "services.api.instances=1,2",
                                       "--replications", "2", "--resume"])
        Self.expect(outcome, 2, ["results.sqlite is a damaged results store: it holds a run of point 1, replication 9, outside its plan"])
    }

    /// ... and refused before anything is simulated or written into it: the resume above ran the
    /// missing run (point 1, replication 1) and inserted it, then refused; a store without its
    /// points table ran, then stopped on SQLite's "no such table: points" (a hostile-input audit).
    @Test(arguments: ["UPDATE runs SET replication = 9 WHERE point = 1 AND replication = 1", "DROP TABLE points", "DROP TABLE plan_points"])
    func aDamagedStoreIsRefusedBeforeAnythingRuns(sql: String) throws {
        let folder = try Self.sweep()
        Self.damage(folder, sql)
        let store = folder + "/results.sqlite", keys = "SELECT point, replication FROM runs ORDER BY point, replication"
        let before = try SQLiteTables.rows(store, keys)
        let outcome = try Self.satsim(["sweep", try HostilePlanTests.file(Self.tiny), "--out", folder, "--vary", "services.api.instances=1,2",
                                       "--replications", "2", "--resume"])
        // The plan's own table gone, the store's layout cannot be read at all: "not a satsim
        // results store that can be read (SQLite: no such table: plan_points)".
        Self.expect(outcome, 2, [sql.hasSuffix("plan_points") ? "results.sqlite is not a satsim results store that can be read"
                                                               : "results.sqlite is a damaged results store: "])
        #expect(!outcome.stderr.contains("runs in"), "nothing ran: \(outcome.stderr)")
        #expect(try SQLiteTables.rows(store, keys) == before, "a run was added to the damaged store")
    }

    // MARK: - Wide scenarios

    /// A results store keeps a column per figure in `runs` and four in `points` (12 figures per
    /// client, 11 per service), and SQLite creates no table of more than 2000 columns
    /// (https://sqlite.org/limits.html). 22 clients and 22 services (507 figures, 2,055 columns
    /// in `points`) were refused; the figures past the limit now continue in `points_2`, and the
    /// sweep, its Slurm script, its shards' merge and a chaos search of the same file all run.
    @Test func aScenarioWiderThanOneTableIsSweptIntoContinuationTables() throws {
        let wide = try HostilePlanTests.file(HostileRunTests.fleet(clients: 22))
        let out = try HostilePlanTests.folder()
        Self.expect(try Self.satsim(["sweep", wide, "--out", out, "--replications", "2"]), 0, [])
        let store = out + "/results.sqlite"
        let tables = try SQLiteTables.names(store)
        #expect(tables.contains("points") && tables.contains("points_2") && !tables.contains("points_3"), "\(tables)")
        #expect(tables.contains("runs") && !tables.contains("runs_2"), "\(tables)")
        // points joined with points_2 on `point` is points.csv: the same columns, the same numbers.
        let csv = try String(contentsOfFile: out + "/points.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = csv[0].split(separator: ",").map(String.init)
        #expect(try SQLiteTables.columns(store, "points") + SQLiteTables.columns(store, "points_2").dropFirst() == header)
        // The last figure's mean that has a value (recovery_time, last, has none without a fault),
        // in points_2 and in points.csv.
        let values = csv[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(header.indices.last { header[$0].hasSuffix("_mean") && !values[$0].isEmpty })
        let mean = header[index], written = values[index]
        let stored = try #require(try SQLiteTables.text(store, "SELECT \"\(mean)\" FROM points_2 WHERE point = 0"))
        #expect(mean.hasSuffix("_mean") && Double(stored) != nil && Double(stored) == Double(written), "\(mean): \(stored) in the store, \(written) in points.csv")
        Self.expect(try Self.satsim(["sweep", wide, "--slurm"]), 0, ["sbatch --parsable", "--shard"], in: \.stdout)
        // Two shards merged are the whole sweep, byte for byte.
        let (first, second, merged) = (try HostilePlanTests.folder(), try HostilePlanTests.folder(), try HostilePlanTests.folder())
        Self.expect(try Self.satsim(["sweep", wide, "--out", first, "--replications", "2", "--shard", "0/2"]), 0, [])
        Self.expect(try Self.satsim(["sweep", wide, "--out", second, "--replications", "2", "--shard", "1/2"]), 0, [])
        Self.expect(try Self.satsim(["merge", first, second, "--out", merged]), 0, [])
        for file in ["runs.csv", "points.csv"] {
            #expect(FileManager.default.contents(atPath: merged + "/" + file) == FileManager.default.contents(atPath: out + "/" + file), "\(file)")
        }
        let chaos = try HostilePlanTests.file(HostileRunTests.fleet(clients: 22)
            + "chaos: { at: 1s, replications: 1, faults: [ { kind: kill, service: s0, count: 1 } ] }\n")
        Self.expect(try Self.satsim(["chaos", chaos, "--out", try HostilePlanTests.folder()]), 0, [])
    }

    // MARK: - Chaos labels

    /// scenario-format.md: `label` is a fault's name in outputs. A label with a line break split
    /// the ranking's table row over two lines, and made the plan's identity (one line per fault)
    /// unreadable as a search: `merge` of the search's shards wrote a sweep's outputs (no
    /// chaos.json), not "the result of one unsharded run". Refused where it is written.
    @Test func aLabelOnTwoLinesIsRefusedWhereItIsWritten() throws {
        let text = HostilePlanTests.chaos(["{ kind: kill, service: api, count: 1, label: \"lose\\none\" }",
                                           "{ for: 1s, kind: load_spike, client: users, factor: 1.5, label: burst }"])
        let file = try HostilePlanTests.file(text)
        let phrase = "scenario.yaml:23:52: error: chaos.faults.0.label: found a label of 2 lines, expected a label on one line, such as 'lose one'"
        Self.expect(try Self.satsim(["chaos", file, "--out", try HostilePlanTests.folder()]), 2, [phrase])
        Self.expect(try Self.satsim(["validate", file]), 2, [phrase], in: \.stdout)
        let set = try Self.satsim(["chaos", try HostilePlanTests.file(text.replacingOccurrences(of: "lose\\none", with: "lose-one")),
                                   "--out", try HostilePlanTests.folder(), "--set", "chaos.faults.1.label=a\rb"])
        Self.expect(set, 2, ["chaos.faults.1.label: found a label of 2 lines"])
        // One line, spaces and all, is a label; its shards merge into the search's own outputs.
        let one = try HostilePlanTests.file(text.replacingOccurrences(of: "lose\\none", with: "lose one"))
        let a = try HostilePlanTests.folder("a"), b = try HostilePlanTests.folder("b"), merged = try HostilePlanTests.folder("m")
        Self.expect(try Self.satsim(["chaos", one, "--out", a, "--shard", "0/2"]), 0, [])
        Self.expect(try Self.satsim(["chaos", one, "--out", b, "--shard", "1/2"]), 0, [])
        Self.expect(try Self.satsim(["merge", a, b, "--out", merged]), 0, [])
        #expect(FileManager.default.fileExists(atPath: merged + "/chaos.json"))
    }

    // MARK: - Usage

    /// argument-parser writes `satsim sweep [<options>] <file>` for a command of many options;
    /// the short hint was cut at the first '[' and said `satsim sweep [options]`, without the file
    /// the command needs, where run's says `satsim run <file> [options]`.
    @Test(arguments: ["sweep", "chaos"])
    func theUsageHintNamesTheFile(command: String) throws {
        let outcome = try Self.satsim([command])
        Self.expect(outcome, 2, ["Error: Missing expected argument '<file>'",
                                 "Usage: satsim \(command) <file> [options] (see 'satsim \(command) --help')"])
    }
}

/// Reads a results store as a user's `sqlite3` would: its tables, a table's columns, one value.
enum SQLiteTables {
    struct Failure: Error, CustomStringConvertible { var description: String }

    static func rows(_ path: String, _ sql: String) throws -> [[String?]] {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else { throw Failure(description: "cannot open \(path)") }
        defer { sqlite3_close(db) }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(db, sql, -1, &statement, nil) == SQLITE_OK else {
            throw Failure(description: "\(sql): \(String(cString: sqlite3_errmsg(db)))")
        }
        defer { sqlite3_finalize(statement) }
        var rows: [[String?]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            rows.append((0..<sqlite3_column_count(statement)).map { column in
                sqlite3_column_text(statement, column).map { String(cString: $0) }
            })
        }
        return rows
    }

    static func names(_ path: String) throws -> [String] {
        try rows(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").compactMap { $0.first ?? nil }
    }

    static func columns(_ path: String, _ table: String) throws -> [String] {
        try rows(path, "SELECT name FROM pragma_table_info('\(table)')").compactMap { $0.first ?? nil }
    }

    static func text(_ path: String, _ sql: String) throws -> String? {
        try rows(path, sql).first?.first ?? nil
    }
}
