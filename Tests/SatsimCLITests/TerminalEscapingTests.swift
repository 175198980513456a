import SatsimMetrics
import Foundation
import SatsimCLI
import Testing

/// Text from a scenario, a flag or a path never reaches the terminal as raw control characters:
/// ESC would start an ANSI/ECMA-48 control sequence (ECMA-48 5th ed., section 5.3: ESC and CSI
/// introduce control functions; OSC can retitle the window), BEL rings, NUL and CR hide text.
/// Every line satsim prints goes through `TerminalText.escaped`, which writes them as `\u{1B}`.
@Suite("Control characters are escaped on the terminal")
struct TerminalEscapingTests {
    /// The characters that must not be printed raw, defined here independently of the code under
    /// test: C0 controls but line feed and tab, DEL, C1 controls, and the twelve characters of
    /// Unicode's Bidi_Control property (PropList.txt: U+061C, U+200E..U+200F, U+202A..U+202E,
    /// U+2066..U+2069), the overrides, embeddings, isolates and marks of "Trojan Source"
    /// (Boucher and Anderson 2021).
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return (v < 0x20 && v != 0x0A && v != 0x09) || v == 0x7F || (0x80...0x9F).contains(v)
            || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x061C || v == 0x200E || v == 0x200F
    }

    static func expectClean(_ output: CLIHarness.Output, _ context: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for (stream, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            let raw = text.unicodeScalars.filter(isControl)
            #expect(raw.isEmpty, "\(context): \(stream) holds raw \(raw.map { String($0.value, radix: 16) })",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("The escaping function: what it escapes, how, and what it keeps")
    func escapingFunction() {
        #expect(TerminalText.escaped("a\u{1B}[31mb\u{07}c\u{0}d") == "a\\u{1B}[31mb\\u{7}c\\u{0}d")
        #expect(TerminalText.escaped("\r\u{7F}\u{9B}\u{202E}x") == "\\u{D}\\u{7F}\\u{9B}\\u{202E}x")
        // The marks: a right-to-left mark before "10 runs" shows it as "runs 10" on some terminals.
        #expect(TerminalText.escaped("a\u{200F}10\u{200E}\u{61C}") == "a\\u{200F}10\\u{200E}\\u{61C}")
        #expect(TerminalText.escaped("\u{200F}", style: .json) == "\\u200f")
        #expect(TerminalText.escaped("line\n\tindented ± é 🙂 µs") == "line\n\tindented ± é 🙂 µs")
        #expect(TerminalText.escaped("\"\u{1B}\u{7F}\"", style: .json) == "\"\\u001b\\u007f\"")
        for value in UInt32(0)...0x2100 {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(TerminalText.isUnsafe(scalar) == Self.isControl(scalar), "U+\(String(value, radix: 16))")
        }
    }

    static let hostile = """
        name: hostile
        description: "Red \\e[31mtext\\e[0m, a bell \\a, a NUL \\0, a DEL \\x7F, a CSI \\u009B2J, a CR \\r, an RLM \\u200F, the end."
        duration: 10s
        warmup: 1s
        seed: 1
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 50/s }
            timeout: 1s
        services:
          api:
            service_time: { dist: exponential, mean: 5ms }
        variants:
          fast:
            services.api.service_time.mean: 1ms
        """

    @Test("A description with ESC, BEL, NUL, DEL, CSI and CR: run, scenarios and json")
    func description() throws {
        let file = try CLIHarness.scenarioFile(Self.hostile)
        let run = try CLIHarness.run(["run", file.path], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectClean(run, "run")
        #expect(run.stdout.contains("Red \\u{1B}[31mtext\\u{1B}[0m, a bell \\u{7}, a NUL \\u{0}, a DEL \\u{7F}, a CSI \\u{9B}2J"))
        #expect(run.stdout.contains("an RLM \\u{200F}, the end."))

        let listing = try CLIHarness.run(["scenarios", "--directory", file.deletingLastPathComponent().path], timeout: 120)
        Self.expectClean(listing, "scenarios")
        #expect(listing.stdout.contains("\\u{1B}[31m"))

        let json = try CLIHarness.run(["run", file.path, "--variant", "fast", "--format", "json"], timeout: 120)
        #expect(json.status == 0, "\(json.stderr)")
        Self.expectClean(json, "run --format json")
        #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [String: Any])
    }

    @Test("Names, variant names, --set values, flags and paths in error messages", arguments: [
        "key", "variant", "set", "flag", "missing-path", "variant-did-you-mean", "variant-name",
    ])
    func errorMessages(kind: String) throws {
        let file = try CLIHarness.scenarioFile(Self.hostile)
        let arguments: [String]
        switch kind {
        case "key":
            let bad = Self.hostile.replacingOccurrences(of: "    timeout: 1s", with: "    \"time\\eout\\a\": 1s")
            arguments = ["validate", try CLIHarness.scenarioFile(bad).path]
        case "variant": arguments = ["run", file.path, "--variant", "\u{1B}[2Jgone\u{0007}"]
        case "variant-did-you-mean": arguments = ["run", file.path, "--variant", "fas\u{1B}t"]
        case "variant-name":
            let bad = Self.hostile.replacingOccurrences(of: "  fast:", with: "  \"fast\\e]0;owned\\a\":")
            arguments = ["validate", try CLIHarness.scenarioFile(bad).path]
        case "set": arguments = ["run", file.path, "--set", "duration=\u{1B}[2J\u{07}", "--set", "clients.us\u{1B}ers.timeout=1s"]
        case "flag": arguments = ["run", file.path, "--form\u{1B}[31mat", "json"]
        default: arguments = ["check", file.deletingLastPathComponent().appendingPathComponent("no\u{1B}[31mpe\u{07}.yaml").path]
        }
        let result = try CLIHarness.run(arguments, timeout: 120)
        #expect(result.status == 2, "\(kind): \(result.stdout) \(result.stderr)")
        Self.expectClean(result, kind)
        #expect((result.stdout + result.stderr).contains("\\u{1B}"), "\(kind): the escape is not shown: \(result.stderr)")
    }

    @Test("A path with ESC in validate's OK line and in check's title")
    func pathsInNormalOutput() throws {
        let folder = try CLIHarness.temporaryDirectory()
        let file = folder.appendingPathComponent("x\u{1B}[31m.yaml")
        try Data((RunEndToEndTests.small + "\nexpect: { outcome: stable }\n").utf8).write(to: file)
        let validate = try CLIHarness.run(["validate", file.path], timeout: 120)
        #expect(validate.status == 0)
        Self.expectClean(validate, "validate")
        #expect(validate.stdout.contains("x\\u{1B}[31m.yaml: OK"))
        let check = try CLIHarness.run(["check", file.path], timeout: 120)
        Self.expectClean(check, "check")
        #expect(check.stdout.contains("x\\u{1B}[31m.yaml"))
        let out = folder.appendingPathComponent("o\u{1B}ut")
        let run = try CLIHarness.run(["run", file.path, "--out", out.path], timeout: 120)
        #expect(run.status == 0)
        Self.expectClean(run, "run --out")
        #expect(run.stdout.contains("o\\u{1B}ut/summary.json"))
    }
}
