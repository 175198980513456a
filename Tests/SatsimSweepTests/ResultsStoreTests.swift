import Foundation
import Testing
@testable import SatsimSweep

@Suite("The results store")
struct ResultsStoreTests {
    static func layout(identity: String = "plan A") -> ResultsLayout {
        ResultsLayout(identity: identity, scenario: "demo", replications: 2, columns: ["a.x", "b \"quoted\""],
                      points: [["1", "10s"], ["2", "10s"]], figures: ["clients.users.goodput_per_s", "recovery_time"])
    }

    static func folder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    static let records = [
        RunRecord(key: RunKey(point: 1, replication: 0), seed: UInt64.max, outcome: "metastable", limit: nil, values: [0.1 + 0.2, nil]),
        RunRecord(key: RunKey(point: 0, replication: 1), seed: 7, outcome: nil, limit: "stopped, \"quoted\"", values: [-0.0, 1e-300]),
        RunRecord(key: RunKey(point: 0, replication: 0), seed: 0, outcome: "recovered", limit: nil, values: [600, 12.5]),
    ]

    @Test func runsComeBackBitForBitSortedByKeyAfterReopening() throws {
        let path = try Self.folder() + "/results.sqlite"
        do {
            let store = try ResultsStore(path: path, layout: Self.layout())
            for record in Self.records { try store.insert(record) }
        }
        let reopened = try ResultsStore(path: path, layout: Self.layout())
        let back = try reopened.records()
        #expect(back == Self.records.sorted { $0.key < $1.key })
        #expect(back.map { $0.values.map { $0?.bitPattern } } == Self.records.sorted { $0.key < $1.key }.map { $0.values.map { $0?.bitPattern } })
        #expect(try reopened.storedKeys() == Set(Self.records.map(\.key)))
        #expect(back[1].values[0]?.sign == .plus, "-0 is stored as 0, SQLite drops a zero's sign")
        let existing = try ResultsStore(existingAt: path)
        #expect(existing.layout == Self.layout())
    }

    @Test func aRunStoredTwiceIsKeptOnce() throws {
        let store = try ResultsStore(path: try Self.folder() + "/results.sqlite", layout: Self.layout())
        try store.insert(Self.records[0])
        try store.insert(Self.records[0])
        #expect(try store.records().count == 1)
    }

    @Test func aStoreOfAnotherPlanIsRefused() throws {
        let path = try Self.folder() + "/results.sqlite"
        _ = try ResultsStore(path: path, layout: Self.layout())
        #expect(throws: StoreError.self) { try ResultsStore(path: path, layout: Self.layout(identity: "plan B")) }
        #expect(throws: StoreError.self) { try ResultsStore(existingAt: try Self.folder() + "/results.sqlite") }
    }

    @Test func theStoreIsInWALMode() throws {
        let path = try Self.folder() + "/results.sqlite"
        let store = try ResultsStore(path: path, layout: Self.layout())
        try store.insert(Self.records[0])
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
    }

    @Test func csvQuotesTextAndWritesNumbersToRoundTrip() throws {
        let csv = ResultsCSV.runs(Self.records, layout: Self.layout())
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0] == "point,replication,a.x,\"b \"\"quoted\"\"\",seed,outcome,limit_hit,clients.users.goodput_per_s,recovery_time")
        #expect(lines[1] == "0,0,1,10s,0,recovered,,600,12.5")
        #expect(lines[2] == "0,1,1,10s,7,,\"stopped, \"\"quoted\"\"\",0,1e-300")
        #expect(lines[3] == "1,0,2,10s,18446744073709551615,metastable,,0.30000000000000004,")
    }

    @Test func thePointsTableHoldsWilsonAndTColumns() throws {
        let store = try ResultsStore(path: try Self.folder() + "/results.sqlite", layout: Self.layout())
        for record in Self.records { try store.insert(record) }
        let summaries = try store.summaries()
        try store.writePoints(summaries)
        let csv = ResultsCSV.points(summaries, layout: Self.layout())
        let header = csv.split(separator: "\n")[0]
        for column in ["p_metastable", "p_metastable_low", "p_metastable_high", "n_recovered", "recovery_time_mean",
                       "recovery_time_low", "recovery_time_high", "clients.users.goodput_per_s_n"] {
            #expect(header.split(separator: ",").contains(Substring(column)), "\(column)")
        }
        #expect(summaries.map(\.point) == [0, 1])
    }
}

/// The canonical rewrite at the end of a sweep: the same rows make the same bytes, whatever the
/// order they were stored in, and a rewrite that fails leaves a store that still works.
extension ResultsStoreTests {
    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func theSameRunsInAnotherOrderMakeTheSameFile() throws {
        var paths: [String] = []
        for order in [Self.records, Self.records.reversed(), [Self.records[1], Self.records[0], Self.records[2]]] {
            let folder = try Self.folder()
            let path = folder + "/results.sqlite"
            let store = try ResultsStore(path: path, layout: Self.layout())
            for record in order { try store.insert(record) }
            try store.canonicalize(through: folder + "/.copy")
            #expect(!FileManager.default.fileExists(atPath: folder + "/.copy"), "the copy is renamed into place")
            #expect(try store.records() == Self.records.sorted { $0.key < $1.key }, "the store reads the same after")
            paths.append(path)
        }
        #expect(try Self.bytes(paths[0]) == (try Self.bytes(paths[1])))
        #expect(try Self.bytes(paths[0]) == (try Self.bytes(paths[2])))
        // Once more is the same file again (VACUUM alone would bump the schema cookie).
        let again = try ResultsStore(path: paths[0], layout: Self.layout())
        try again.canonicalize(through: paths[0] + ".copy")
        #expect(try Self.bytes(paths[0]) == (try Self.bytes(paths[1])))
    }

    @Test func aRewriteThatFailsLeavesTheStoreWhole() throws {
        let folder = try Self.folder()
        let store = try ResultsStore(path: folder + "/results.sqlite", layout: Self.layout())
        try store.insert(Self.records[0])
        // The copy cannot be made in a folder that does not exist.
        #expect(throws: StoreError.self) { try store.canonicalize(through: folder + "/missing/copy") }
        try store.insert(Self.records[1])
        #expect(try store.records().count == 2, "the store still takes runs and reads them")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(Set(names).isSubset(of: ["results.sqlite", "results.sqlite-wal", "results.sqlite-shm"]), "\(names)")
    }
}
