import Foundation
import SatsimScenario
import Testing

/// Every wrong flag says what was wrong, with exit code 2: negative numbers are read as values
/// (not taken for flags and reported as "Missing value"), a repeated `--variant` is refused
/// rather than half applied, a duration says which forms are accepted, and no message carries
/// the reference table's markdown (`\|`).
@Suite("Flag and value messages")
struct FlagMessageTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// Texts the message must hold.
        var says: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let cases: [Case] = [
        Case(arguments: ["run", "FILE", "--seed", "-1"], says: ["'-1' is invalid for '--seed <seed>'", "cannot be negative"]),
        Case(arguments: ["run", "FILE", "--seed", "1.5"], says: ["'1.5' is invalid for '--seed", "whole number from 0 to 18446744073709551615"]),
        Case(arguments: ["run", "FILE", "--seed", "18446744073709551616"], says: ["whole number from 0 to 18446744073709551615"]),
        Case(arguments: ["check", "FILE", "--seed", "-7"], says: ["'-7' is invalid for '--seed <seed>'", "cannot be negative"]),
        Case(arguments: ["compare", "FILE", "--seed", "-1"], says: ["'-1' is invalid for '--seed <seed>'"]),
        Case(arguments: ["compare", "FILE", "--jobs", "-3"], says: ["'-3' is invalid for '--jobs <jobs>'", "whole number >= 1, found -3"]),
        Case(arguments: ["compare", "FILE", "--jobs", "0"], says: ["'0' is invalid for '--jobs <jobs>'", "whole number >= 1, found 0"]),
        Case(arguments: ["compare", "FILE", "--replications", "-2"], says: ["'-2' is invalid for '--replications", "from 1 to 100000, found -2"]),
        Case(arguments: ["compare", "FILE", "--replications", "100001"], says: ["from 1 to 100000, found 100001"]),
        Case(arguments: ["compare", "FILE", "--replications", "many"], says: ["'many' is invalid for '--replications", "from 1 to 100000"]),
        Case(arguments: ["run", "FILE", "--format", "jsn"], says: ["'jsn' is invalid for '--format <format>'", "expected text or json; did you mean 'json'?"]),
        Case(arguments: ["sweep", "FILE", "--format", "JSON"], says: ["expected text or json; did you mean 'json'?"]),
        Case(arguments: ["explain", "FILE", "--format", "txt"], says: ["expected text or json; did you mean 'text'?"]),
        Case(arguments: ["compare", "FILE", "--format", "xml"], says: ["'xml' is invalid for '--format <format>': expected text or json"]),
        Case(arguments: ["run", "FILE", "--max-events", "-1"], says: ["'-1' is invalid for '--max-events", "whole number >= 1, found -1"]),
        Case(arguments: ["check", "FILE", "--max-in-flight", "-5"], says: ["'-5' is invalid for '--max-in-flight", "found -5"]),
        Case(arguments: ["run", "FILE", "--variant", "slow", "--variant", "fast"],
             says: ["--variant was given 2 different names (slow, fast); run applies one variant",
                    "satsim compare FILE --variant slow --variant fast"]),
        Case(arguments: ["check", "FILE", "--variant", "slow", "--variant", "fast"],
             says: ["--variant was given 2 different names (slow, fast); check applies one variant"]),
        // explain explained the last --variant and dropped the others without a word.
        Case(arguments: ["explain", "FILE", "--variant", "slow", "--variant", "fast"],
             says: ["--variant was given 2 different names (slow, fast); explain applies one variant"]),
        // A point of a sweep is one run: the sweep block is not a path to vary.
        Case(arguments: ["sweep", "FILE", "--vary", "sweep.replications=1,2"],
             says: ["--vary:1:1: error: sweep.replications: the sweep block describes the sweep itself, not a run"]),
        Case(arguments: ["run", "FILE", "--set", "duration=1ns"],
             says: ["found 1ns, expected a duration > 0", "'ns' is not a unit; the units are us, ms, s, m and h"]),
        Case(arguments: ["run", "FILE", "--set", "duration=5m59s"],
             says: ["found 5m59s", "write one number with one unit, not several parts", "did you mean '359s'?"]),
        Case(arguments: ["run", "FILE", "--set", "clients.users.timeout=1h30m"], says: ["not several parts", "did you mean '90m'?"]),
        Case(arguments: ["run", "FILE", "--set", "clients.users.timeout=2 sec"], says: ["write one number with one unit; the units are us, ms, s, m and h"]),
        Case(arguments: ["run", "FILE", "--set", "clients.users.timeout=1e3ms"], says: ["without an exponent"]),
        Case(arguments: ["run", "FILE", "--set", "clients.users.timeout=-1s"], says: ["a duration has no sign"]),
        Case(arguments: ["run", "FILE", "--set", "clients.users.retry.on=5"], says: ["is a list (each item one of timeout, error, rejected), not a scalar; give the whole list, as [a, b], or name one of its items by its index"]),
    ]

    static let scenario = RunEndToEndTests.small + """

        variants:
          slow: { services.api.workers: 2 }
          fast: { services.api.workers: 8 }
        """

    @Test("Exit code 2 and a message that says what was wrong", arguments: cases)
    func message(_ c: Case) throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let result = try CLIHarness.run(c.arguments.map { $0 == "FILE" ? file.path : $0 }, timeout: 120)
        #expect(result.status == 2, "stdout: \(result.stdout) stderr: \(result.stderr)")
        let output = result.stdout + result.stderr
        for text in c.says {
            #expect(output.contains(text.replacingOccurrences(of: "FILE", with: "FILE")), "lacks \(text): \(output)")
        }
        #expect(!output.contains("Missing value"), "\(output)")
        #expect(!output.contains("\\|"), "markdown in a message: \(output)")
    }

    @Test("The same --variant twice is one request, applied")
    func sameVariantTwice() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let twice = try CLIHarness.run(["run", file.path, "--variant", "fast", "--variant", "fast", "--format", "json"], timeout: 120)
        let once = try CLIHarness.run(["run", file.path, "--variant", "fast", "--format", "json"], timeout: 120)
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(twice.stdout == once.stdout)
    }

    @Test("The schema's phrases, which messages quote, carry no markdown")
    func noMarkdownInPhrases() {
        let schema = ScenarioSchema.standard
        var keys: [SchemaKey] = []
        for shape in [schema.root] + schema.shapes {
            keys += shape.keys
            for c in shape.cases { keys += c.keys }
        }
        #expect(keys.count > 50)
        for key in keys {
            #expect(!key.type.phrase.contains("\\|"), "\(key.name): \(key.type.phrase)")
        }
        // The reference table's terse form does use it: the check above is not vacuous.
        #expect(keys.contains { $0.type.shortPhrase.contains("\\|") })
    }
}

/// argument-parser's time grows with the square of the arguments: 20,000 `--seed 1` flags took
/// 106 s to be parsed. A command line of more than 4,096 arguments is refused at once.
@Suite("An overlong command line")
struct OverlongCommandLineTests {
    @Test("More than 4,096 arguments: exit 2 in well under a second of parsing")
    func tooManyArguments() throws {
        let file = try CLIHarness.scenarioFile("""
            name: many
            description: A scenario run with far too many flags.
            duration: 1s
            clients:
              u: { target: s, arrival: { process: poisson, rate: 1/s } }
            services:
              s: { service_time: { dist: constant, value: 1ms } }

            """).path
        let flags = Array(repeating: ["--seed", "1"], count: 10_000).flatMap { $0 }
        let started = Date()
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("out").path
        let output = try CLIHarness.run(["run", file, "--out", out] + flags)
        #expect(output.status == 2)
        #expect(output.stderr.contains("20004 arguments on the command line; expected at most 4096"), "\(output.stderr)")
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(!FileManager.default.fileExists(atPath: out))
        // As many as allowed still parse.
        let allowed = Array(repeating: ["--seed", "1"], count: 2_000).flatMap { $0 }
        #expect(try CLIHarness.run(["run", file, "--out", out] + allowed).status == 0)
    }
}
