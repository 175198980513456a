import Foundation
import SatsimTestSupport
import Testing
@testable import SatsimScenario

/// Inputs meant to crash, hang or exhaust a parser: each must end in a positioned diagnostic,
/// quickly.
@Suite struct HostileInputTests {
    func expectRefused(_ text: String, within limit: Duration = .seconds(5), sourceLocation: SourceLocation = #_sourceLocation) {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try ScenarioLoader.parse(text: text, file: "hostile.yaml")
            Issue.record("accepted hostile input", sourceLocation: sourceLocation)
        } catch {
            #expect(!error.diagnostics.isEmpty, sourceLocation: sourceLocation)
            #expect(error.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 }, sourceLocation: sourceLocation)
        }
        #expect(clock.now - start < limit, sourceLocation: sourceLocation)
    }

    @Test func billionLaughsIsRefusedBeforeExpansion() {
        var text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1..<30 {
            text += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        expectRefused(text)
    }

    @Test func aliasAsMappingKeyIsRefused() {
        expectRefused("a: &k x\n? *k\n: 1\n")
    }

    @Test func deepNestingIsRefusedWithoutRecursion() {
        expectRefused(String(repeating: "[", count: 200_000))
        expectRefused(String(repeating: "{a: ", count: 100_000))
        var block = ""
        for depth in 0..<500 { block += String(repeating: " ", count: depth) + "a:\n" }
        expectRefused(block)
        expectRefused(String(repeating: "- ", count: 5_000) + "x\n")
    }

    @Test func hugeAndNonFiniteNumbersAreRefused() {
        let base = try? TestFiles.fixtureText("minimal.yaml")
        for bad in ["workers: 1e400", "workers: .inf", "workers: -.inf", "workers: .nan", "workers: 18446744073709551616",
                    "workers: 0x10", "workers: 1_000", "workers: " + String(repeating: "9", count: 5_000)] {
            expectRefused(base?.replacingOccurrences(of: "workers: 8", with: bad) ?? bad)
        }
        for bad in ["seed: -1", "seed: 18446744073709551616", "duration: 1e400h", "duration: 99999999999999999999999999s",
                    "duration: .infs", "duration: nanm"] {
            let text = base?.replacingOccurrences(of: bad.hasPrefix("seed") ? "seed: 42" : "duration: 10m", with: bad) ?? bad
            expectRefused(text)
        }
    }

    @Test func largeSeedIsAccepted() throws {
        let base = try TestFiles.fixtureText("minimal.yaml")
        let spec = try ScenarioLoader.parse(text: base.replacingOccurrences(of: "seed: 42", with: "seed: 18446744073709551615"), file: "x")
        #expect(spec.seed == UInt64.max)
    }

    @Test func binaryGarbageIsRefused() {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<200 {
            let count = Int(generator.next() % 2_000)
            let bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            do {
                let text = try ScenarioLoader.decodeUTF8(bytes, file: "garbage.bin")
                expectRefused(text)
            } catch {
                #expect(error.diagnostics.allSatisfy { $0.line >= 1 })
            }
        }
    }

    @Test func emptyAndBlankFilesAreRefused() {
        for text in ["", " ", "\n\n", "# only a comment", "---", "...", "~", "null"] { expectRefused(text) }
    }

    @Test func oversizedTextIsRefusedBeforeParsing() {
        expectRefused("description: " + String(repeating: "x", count: ScenarioLoader.maximumFileSize + 1))
    }

    @Test func manyNodesAreRefused() {
        expectRefused("a: [" + Array(repeating: "1", count: YAMLReader.maximumNodes + 10).joined(separator: ",") + "]", within: .seconds(30))
    }

    @Test func manyKeysAreReportedInBoundedTime() throws {
        let keys = (0..<30_000).map { "k\($0): 1" }.joined(separator: ", ")
        expectRefused("{" + keys + "}", within: .seconds(10))
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: "{" + keys + "}", file: "keys.yaml") }
        #expect(error.diagnostics.count <= ScenarioLoader.maximumDiagnostics + 1)
    }

    @Test func oversizedFileIsRefusedBeforeReading() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-big-\(UInt32.random(in: 0...UInt32.max)).yaml")
        try Data(count: ScenarioLoader.maximumFileSize + 1).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(file: url.path) }
        #expect(error.diagnostics.first?.message.contains("at most") == true)
    }

    @Test func nonUTF8FileIsRefusedWithItsPosition() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-latin1-\(UInt32.random(in: 0...UInt32.max)).yaml")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0x0A]).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.load(file: url.path) }
        #expect(error.diagnostics.map(\.line) == [1])
        #expect(error.diagnostics.map(\.column) == [7])
    }
}

