import Foundation
import Testing
@testable import SatsimSweep

/// A results store changed or damaged after satsim wrote it: read back, it is refused with a
/// sentence naming the file and what departs from a store satsim writes, never trusted.
///
/// scenario-format.md: `merge` joins shards of one sweep, and "the result of merging them equals
/// the result of one unsharded run"; the product bar: no input, however extreme, traps, aborts,
/// hangs or exhausts memory. Each case below trapped `merge` (a precondition on the run's key, a
/// range from 0 to a negative count) or ran for minutes (10^9 replications) before its check.
@Suite("damaged results stores")
struct DamagedStoreTests {
    /// A store of ``ResultsStoreTests/layout(identity:)`` (2 points x 2 replications) with its
    /// three runs, then `sql` run on the file as a user's `sqlite3` would.
    static func damaged(_ sql: String) throws -> String {
        let path = try ResultsStoreTests.folder() + "/results.sqlite"
        do {
            let store = try ResultsStore(path: path, layout: ResultsStoreTests.layout())
            for record in ResultsStoreTests.records { try store.insert(record) }
        }
        try SQLiteDatabase(path: path).execute(sql)
        return path
    }

    static func refusal(_ body: () throws -> Void) -> String {
        do {
            try body()
            return "(accepted)"
        } catch {
            return "\(error)"
        }
    }

    @Test(arguments: [
        ("UPDATE sweep SET value = '-1' WHERE key = 'replications'", "it plans 2 points x -1 replications"),
        ("UPDATE sweep SET value = '0' WHERE key = 'replications'", "it plans 2 points x 0 replications"),
        ("UPDATE sweep SET value = '1000000000' WHERE key = 'replications'", "it plans 2 points x 1000000000 replications"),
        ("UPDATE sweep SET value = '600000' WHERE key = 'replications'", "it plans 2 points x 600000 replications"),
        ("DELETE FROM plan_points", "it plans 0 points x 2 replications"),
    ])
    func aPlanBeyondWhatSatsimWritesIsRefused(sql: String, says: String) throws {
        let path = try Self.damaged(sql)
        let message = Self.refusal { _ = try ResultsStore(existingAt: path) }
        #expect(message.contains("\(path) is a damaged results store: \(says); expected 1 to 100000 points and 1 to 1000000 runs"),
                "\(message)")
        // 500,000 x 2 is the most runs a plan may have, and is read.
        let most = try Self.damaged("UPDATE sweep SET value = '500000' WHERE key = 'replications'")
        #expect(try ResultsStore(existingAt: most).layout.runCount == 1_000_000)
    }

    @Test(arguments: [
        ("UPDATE runs SET point = 5 WHERE point = 1", "it holds a run of point 5, replication 0, outside its plan of 2 points x 2 replications"),
        ("UPDATE runs SET point = -1 WHERE point = 1", "it holds a run of point -1, replication 0, outside its plan"),
        ("UPDATE runs SET replication = 7 WHERE point = 1", "it holds a run of point 1, replication 7, outside its plan"),
        ("DELETE FROM plan_points WHERE point = 1", "it holds a run of point 1, replication 0, outside its plan of 1 point x 2 replications"),
        ("UPDATE runs SET seed = 'x' WHERE point = 1", "the run of point 1, replication 0 has no seed"),
    ])
    func aRunOutsideThePlanIsRefused(sql: String, says: String) throws {
        let path = try Self.damaged(sql)
        let message = Self.refusal { _ = try ResultsStore(existingAt: path).records() }
        #expect(message.contains("\(path) is a damaged results store: \(says)"), "\(message)")
        // Opened for the plan it should hold (sweep --resume), the same.
        let resumed = Self.refusal { _ = try ResultsStore(path: path, layout: ResultsStoreTests.layout()).records() }
        if !sql.contains("plan_points") {
            #expect(resumed.contains("is a damaged results store: \(says)"), "\(resumed)")
        }
    }

    /// Values no satsim run writes: `merge` took an outcome of escape codes (counted under no
    /// outcome, copied raw into the merged store) and a figure of text (SQLite reads 'abc' as a
    /// number as 0: a silently wrong mean), and a table with a column dropped failed with
    /// SQLite's own "table runs has N columns but M values were supplied".
    @Test(arguments: [
        ("UPDATE runs SET outcome = char(27) || '[31mevil' WHERE point = 1",
         "the run of point 1, replication 0 has the outcome '\\u{1B}[31mevil', which is none of stable, recovered, degraded, metastable, oscillating, overloaded"),
        ("UPDATE runs SET \"clients.users.goodput_per_s\" = 'abc' WHERE point = 1",
         "the run of point 1, replication 0 holds 'abc' as clients.users.goodput_per_s in table runs, not a finite number"),
        ("UPDATE runs SET recovery_time = x'00ff' WHERE point = 0 AND replication = 1",
         "the run of point 0, replication 1 holds"),
        // SQLite keeps an infinite real (it stores NaN as null): no run writes one.
        ("UPDATE runs SET \"clients.users.goodput_per_s\" = -1e308 * 10 WHERE point = 1",
         "the run of point 1, replication 0 holds '-Inf' as clients.users.goodput_per_s in table runs, not a finite number"),
        ("ALTER TABLE runs DROP COLUMN recovery_time",
         "its table runs has 8 columns, where its plan's varied paths and figures make 9"),
    ])
    func valuesNoRunWritesAreRefused(sql: String, says: String) throws {
        let path = try Self.damaged(sql)
        let message = Self.refusal { _ = try ResultsStore(existingAt: path).records() }
        #expect(message.contains("\(path) is a damaged results store: \(says)"), "\(message)")
    }

    /// ChaosSearch names its points `baseline`, then ascending fault indices joined by `+`, each
    /// once: a store whose points say otherwise is not read as a chaos search (the ranking looks
    /// combinations up by their faults, and trapped on two points of the same faults).
    @Test func aChaosPlanWithRepeatedOrUnorderedCombinationsIsNotASearch() {
        func layout(_ names: [String]) -> ResultsLayout {
            ResultsLayout(identity: "scenario s\nfault 0 a at 1000000000ns+0ns\nfault 1 b at 1000000000ns+0ns\ncommon seeds",
                          scenario: "s", replications: 1, columns: [ChaosSearch.column], points: names.map { [$0] }, figures: [])
        }
        #expect(ChaosOutline(layout: layout(["baseline", "0", "1", "0+1"])) != nil)
        #expect(ChaosOutline(layout: layout(["baseline", "0", "0"])) == nil)
        #expect(ChaosOutline(layout: layout(["baseline", "0", "1", "1+0"])) == nil)
        #expect(ChaosOutline(layout: layout(["baseline", "0+0"])) == nil)
    }
}
