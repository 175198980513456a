import Foundation
import SatsimMetrics
import Testing

/// A line break inside the user's text (a file name, an output folder, a key, a variant name, a
/// chaos label) must not reach the terminal as a line break: it would split one of satsim's lines
/// in two and let the rest of the name pose as a line of its own (a forged "OK", a second
/// diagnostic). Such text is printed with its line breaks written `\n` (and its other controls,
/// ESC included, as `\u{1B}`, ECMA-48 5th ed. section 5.3); the only raw line feeds are the ones
/// satsim's own layout writes between its lines.
@Suite("Line breaks and escapes in file names, folders, keys and labels")
struct LineBreakEscapingTests {
    /// A file name holding a line feed and an SGR escape ("red").
    static let hostileName = "x\ny\u{1B}[31m.yaml"
    /// The same, as satsim prints it.
    static let shownName = "x\\ny\\u{1B}[31m.yaml"

    /// No raw control character but line feeds in either stream, and none of `fragments` (user
    /// text with a line feed) raw: each would mean a line feed from the user's text reached the
    /// terminal.
    static func expectClean(_ output: CLIHarness.Output, _ context: String, fragments: [String],
                            sourceLocation: SourceLocation = #_sourceLocation) {
        for (stream, text) in [("stdout", output.stdout), ("stderr", output.stderr)] {
            let raw = text.unicodeScalars.filter { TerminalEscapingTests.isControl($0) || $0 == "\t" }
            #expect(raw.isEmpty, "\(context): \(stream) holds raw \(raw.map { String($0.value, radix: 16) })",
                    sourceLocation: sourceLocation)
            for fragment in fragments {
                #expect(!text.contains(fragment), "\(context): \(stream) breaks a line inside \(fragment.debugDescription): \(text)",
                        sourceLocation: sourceLocation)
            }
        }
    }

    static let scenario = RunEndToEndTests.small + """

        expect: { outcome: stable }
        variants:
          fast:
            services.api.instances: 3
        chaos:
          at: 5s
          max_together: 1
          replications: 1
          faults:
            - { kind: kill, service: api, count: 1, label: "lose\\tan instance\\e[31m" }

        """

    static func hostileFile(_ text: String = scenario) throws -> URL {
        let file = try CLIHarness.temporaryDirectory().appendingPathComponent(hostileName)
        try Data(text.utf8).write(to: file)
        return file
    }

    @Test("inline: line feed and tab as \\n and \\t, the separators and the other controls as escaped does")
    func inlineFunction() {
        #expect(TerminalText.inline("a\nb\tc\r\n\u{1B}[31md\u{2028}e\u{2029}") == #"a\nb\tc\u{D}\n\u{1B}[31md\u{2028}e\u{2029}"#)
        #expect(TerminalText.inline("plain ± é 🙂") == "plain ± é 🙂")
        // Its output holds nothing escaped would change (the console escapes once more).
        let once = TerminalText.inline("x\u{0}\u{7F}\u{9B}\u{202E}\n")
        #expect(TerminalText.escaped(once) == once && !once.unicodeScalars.contains { TerminalEscapingTests.isControl($0) || $0 == "\n" })
    }

    @Test("validate, check and scenarios show the file name on one line")
    func fileNameInNormalOutput() throws {
        let file = try Self.hostileFile()
        let validate = try CLIHarness.run(["validate", file.path], timeout: 120)
        #expect(validate.status == 0, "\(validate.stderr)")
        Self.expectClean(validate, "validate", fragments: ["x\ny"])
        #expect(validate.stdout.contains(Self.shownName + ": OK"), "\(validate.stdout)")

        let check = try CLIHarness.run(["check", file.path], timeout: 120)
        #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        Self.expectClean(check, "check", fragments: ["x\ny"])
        #expect(check.stdout.contains(Self.shownName))

        let listing = try CLIHarness.run(["scenarios", "--directory", file.deletingLastPathComponent().path], timeout: 120)
        Self.expectClean(listing, "scenarios", fragments: ["x\ny"])
        #expect(listing.stdout.contains(Self.shownName))
    }

    @Test("Diagnostics show the file name, the key and the value on one line, exit 2")
    func fileNameAndKeyInDiagnostics() throws {
        let bad = Self.scenario.replacingOccurrences(of: "    timeout: 500ms", with: "    \"time\\nout\": 500ms")
        let file = try Self.hostileFile(bad)
        let validate = try CLIHarness.run(["validate", file.path], timeout: 120)
        #expect(validate.status == 2)
        Self.expectClean(validate, "validate (bad key)", fragments: ["x\ny", "time\nout"])
        #expect(validate.stdout.contains(Self.shownName + ":"), "\(validate.stdout)")
        #expect(validate.stdout.contains("time\\nout"), "\(validate.stdout)")

        let missing = try CLIHarness.run(["run", file.deletingLastPathComponent().appendingPathComponent("no\nsuch.yaml").path], timeout: 120)
        #expect(missing.status == 2)
        Self.expectClean(missing, "missing file", fragments: ["no\nsuch"])

        let good = try Self.hostileFile()
        let variant = try CLIHarness.run(["run", good.path, "--variant", "sl\now"], timeout: 120)
        #expect(variant.status == 2)
        Self.expectClean(variant, "unknown variant", fragments: ["sl\now", "x\ny"])

        // A variant name and a chaos label are refused when they hold a line break; the refusal
        // quotes them on one line.
        let names = Self.scenario.replacingOccurrences(of: "  fast:", with: "  \"fa\\nst\":")
            .replacingOccurrences(of: "lose\\tan instance", with: "lose\\tan\\ninstance")
        let refused = try CLIHarness.run(["validate", try Self.hostileFile(names).path], timeout: 120)
        #expect(refused.status == 2)
        Self.expectClean(refused, "variant name and label", fragments: ["x\ny", "fa\nst", "an\ninstance"])
        #expect(refused.stdout.contains("'fa\\nst'"), "\(refused.stdout)")
        #expect(refused.stdout.contains("'lose\\tan instance\\u{1B}[31m'"), "\(refused.stdout)")

        let set = try CLIHarness.run(["run", good.path, "--set", "clients.users.time\nout=1s"], timeout: 120)
        #expect(set.status == 2)
        Self.expectClean(set, "--set", fragments: ["time\nout", "x\ny"])
    }

    @Test("run, sweep and chaos: output folders, progress lines, variant names and chaos labels")
    func foldersAndLabels() throws {
        let file = try Self.hostileFile()
        let folder = file.deletingLastPathComponent()
        let run = try CLIHarness.run(["run", file.path, "--variant", "fast", "--out", folder.appendingPathComponent("r\nun").path], timeout: 300)
        #expect(run.status == 0, "\(run.stderr)")
        Self.expectClean(run, "run", fragments: ["x\ny", "r\nun"])
        #expect(run.stdout.contains("r\\nun/summary.json"), "\(run.stdout)")

        let sweep = try CLIHarness.run(
            ["sweep", file.path, "--vary", "services.api.instances=2,3", "--replications", "1", "--jobs", "1",
             "--out", folder.appendingPathComponent("s\nweep").path], timeout: 300)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        Self.expectClean(sweep, "sweep", fragments: ["x\ny", "s\nweep"])

        let chaos = try CLIHarness.run(
            ["chaos", file.path, "--jobs", "1", "--out", folder.appendingPathComponent("c\nhaos").path], timeout: 300)
        #expect(chaos.status == 0, "\(chaos.stderr)")
        Self.expectClean(chaos, "chaos", fragments: ["x\ny", "c\nhaos"])
        #expect(chaos.stdout.contains("lose\\tan instance\\u{1B}[31m"), "\(chaos.stdout)")
    }
}
