import Foundation
import SatsimModel
import SatsimTestSupport
import Testing
@testable import SatsimScenario

/// Mutation fuzzing from the shipped scenarios and the fixtures: no input may crash, trap or
/// hang, and every refusal must be a ``ScenarioError`` whose every diagnostic has a position.
@Suite struct FuzzTests {
    static let iterations = 10_000

    /// Values that break types: wrong kinds, non-finite and huge numbers, YAML features refused.
    static let hostileValues = [
        "[]", "{}", "-1", "0", "1e400", ".inf", "-.nan", "abc", "\"\"", "~", "[1, 2]", "{a: 1}", "99999999999999999999999",
        "1s", "0s", "100/s", "0.5", "true", "&a x", "*a", "!!binary aGk=", "|\n  text", "'", "\"\\u0000\"", "1.5h", "2",
        "[timeout, error]", "{ dist: constant, value: 1ms }", "- x", "? a", "@", "`", "%YAML 1.2",
    ]

    static func corpus() throws -> [String] {
        var texts: [String] = []
        for file in TestFiles.shippedScenarios + TestFiles.yamlFiles(in: TestFiles.fixturesDirectory) {
            texts.append(try String(contentsOfFile: file, encoding: .utf8))
        }
        texts.append(DiagnosticGoldenTests.base)
        return texts
    }

    /// One to three random mutations of `text`, as bytes (some mutations make invalid UTF-8).
    static func mutate(_ text: String, _ rng: inout SplitMix64) -> [UInt8] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var bytes: [UInt8]?
        for _ in 0..<Int.random(in: 1...3, using: &rng) {
            let index = lines.isEmpty ? 0 : Int.random(in: 0..<lines.count, using: &rng)
            switch Int.random(in: 0..<10, using: &rng) {
            case 0 where !lines.isEmpty:  // delete a line (a key, or part of a block)
                lines.remove(at: index)
            case 1 where !lines.isEmpty:  // duplicate a line: duplicated keys
                lines.insert(lines[index], at: index)
            case 2 where !lines.isEmpty:  // swap a value's type
                let line = lines[index]
                if let colon = line.firstIndex(of: ":") {
                    lines[index] = String(line[...colon]) + " " + hostileValues.randomElement(using: &rng)!
                } else {
                    lines[index] = line + " " + hostileValues.randomElement(using: &rng)!
                }
            case 3 where lines.count > 1:  // swap two lines
                lines.swapAt(index, Int.random(in: 0..<lines.count, using: &rng))
            case 4 where !lines.isEmpty:  // change indentation
                let shift = Int.random(in: -4...4, using: &rng)
                lines[index] = shift >= 0 ? String(repeating: " ", count: shift) + lines[index]
                    : String(lines[index].drop { $0 == " " }.prefix(10_000))
            case 5 where !lines.isEmpty:  // misspell a key
                var scalars = Array(lines[index].unicodeScalars)
                if scalars.count > 2 {
                    let i = Int.random(in: 0..<(scalars.count - 1), using: &rng)
                    scalars.swapAt(i, i + 1)
                    lines[index] = String(String.UnicodeScalarView(scalars))
                }
            case 6:  // truncate
                var raw = Array(lines.joined(separator: "\n").utf8)
                raw.removeLast(Int.random(in: 0...raw.count, using: &rng))
                lines = String(decoding: raw, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            case 7:  // random bytes, possibly not UTF-8
                var raw = bytes ?? Array(lines.joined(separator: "\n").utf8)
                let at = Int.random(in: 0...raw.count, using: &rng)
                let junk = (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                raw.insert(contentsOf: junk, at: at)
                bytes = raw
            case 8 where !lines.isEmpty:  // replace one character by a YAML indicator
                var scalars = Array(lines[index].unicodeScalars)
                if !scalars.isEmpty {
                    let indicators: [Unicode.Scalar] = ["[", "]", "{", "}", ":", "-", "&", "*", "!", "|", ">", "'", "\"", "#", ",", "?", "\t"]
                    scalars[Int.random(in: 0..<scalars.count, using: &rng)] = indicators.randomElement(using: &rng)!
                    lines[index] = String(String.UnicodeScalarView(scalars))
                }
            default:  // splice a line from elsewhere in the file
                if !lines.isEmpty { lines.insert(lines.randomElement(using: &rng)!, at: index) }
            }
        }
        return bytes ?? Array(lines.joined(separator: "\n").utf8)
    }

    @Test func mutatedScenariosNeverCrashAndEveryRefusalHasAPosition() throws {
        let corpus = try Self.corpus()
        var rng = SplitMix64(seed: 20_261_123)
        var accepted = 0
        var refused = 0
        for iteration in 0..<Self.iterations {
            let base = corpus[iteration % corpus.count]
            let bytes = Self.mutate(base, &rng)
            let requireSupported = Bool.random(using: &rng)
            let variant: String? = Int.random(in: 0..<8, using: &rng) == 0 ? ["lifo", "no-retries", "more-workers", "nope"].randomElement(using: &rng) : nil
            let overrides: [ScalarOverride] = Int.random(in: 0..<8, using: &rng) == 0
                ? [ScalarOverride(path: ["services.api.workers", "clients.users.timeout", "timeline.0.factor", "a.b"].randomElement(using: &rng)!,
                                  value: Self.hostileValues.randomElement(using: &rng)!)]
                : []
            do throws(ScenarioError) {
                let text = try ScenarioLoader.decodeUTF8(bytes, file: "fuzz.yaml")
                _ = try ScenarioLoader.parse(text: text, file: "fuzz.yaml", overrides: overrides, variant: variant,
                                             requireSupported: requireSupported)
                accepted += 1
            } catch {
                refused += 1
                let positioned = !error.diagnostics.isEmpty && error.diagnostics.allSatisfy { $0.line >= 1 && $0.column >= 1 }
                if !positioned {
                    Issue.record("iteration \(iteration): unpositioned refusal:\n\(error)\n--- input ---\n\(String(decoding: bytes, as: UTF8.self))")
                    return
                }
            }
        }
        #expect(accepted + refused == Self.iterations)
        // Mutations are mild often enough that some inputs survive; all refused would mean a broken corpus.
        #expect(accepted > 0 && refused > 0)
    }
}
