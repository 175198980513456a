import Foundation
import Testing

/// Every output of `satsim run` names the variant and the overrides applied (the contract:
/// "summary.json also names the `variant` (or null) and lists the `overrides` applied (variant and
/// --set), so two reports side by side can always be told apart").
@Suite("Outputs name their variant and overrides")
struct ProvenanceEndToEndTests {
    static let scenario = RunEndToEndTests.small + """

        variants:
          no-retries:
            clients.users.retry.max_attempts: 1
            clients.users.timeout: 1s
        """

    /// The variant's pairs in file order, then each --set in command-line order.
    static let expected: [[String: String]] = [
        ["path": "clients.users.retry.max_attempts", "value": "1", "source": "variant"],
        ["path": "clients.users.timeout", "value": "1s", "source": "variant"],
        ["path": "services.api.workers", "value": "6", "source": "set"],
        ["path": "clients.users.timeout", "value": "400ms", "source": "set"],
    ]
    static let flags = ["--variant", "no-retries", "--set", "services.api.workers=6", "--set", "clients.users.timeout=400ms"]

    static func overrides(_ json: [String: Any]) -> [[String: String]]? {
        (json["overrides"] as? [[String: Any]])?.map { $0.compactMapValues { $0 as? String } }
    }

    @Test("summary.json names the variant and lists the variant's pairs, then each --set, in order")
    func summaryNamesBoth() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let result = try CLIHarness.run(["run", file.path, "--format", "json"] + Self.flags)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json["variant"] as? String == "no-retries")
        #expect(Self.overrides(json) == Self.expected)
    }

    @Test("A run of the file as written says so: variant null, no overrides")
    func plainRun() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let result = try CLIHarness.run(["run", file.path, "--format", "json"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(json.keys.contains("variant") && json["variant"] is NSNull)
        #expect(Self.overrides(json) == [])
        let text = try CLIHarness.run(["run", file.path])
        #expect(!text.stdout.contains("variant"))
    }

    @Test("The text header names the variant with its pairs, then the --set flags")
    func textHeader() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let result = try CLIHarness.run(["run", file.path] + Self.flags)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first?.hasPrefix("small (seed 5)") == true)
        // The header's lines (wrapped at 96 columns) come before the indented description.
        let header = lines.dropFirst().prefix { !$0.hasPrefix("  ") && !$0.isEmpty }
        #expect(header.allSatisfy { $0.count <= 96 })
        #expect(header.joined(separator: " ") == "variant no-retries (clients.users.retry.max_attempts=1, clients.users.timeout=1s); "
            + "--set services.api.workers=6, --set clients.users.timeout=400ms", "\(lines.prefix(4))")
    }

    @Test("report.html's title and header name the variant and overrides; summary.json is the same for the same seed")
    func reportTitleAndDeterminism() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let dir = try CLIHarness.temporaryDirectory()
        let a = dir.appendingPathComponent("a"), b = dir.appendingPathComponent("b")
        for out in [a, b] {
            let result = try CLIHarness.run(["run", file.path, "--out", out.path] + Self.flags)
            #expect(result.status == 0, "stderr: \(result.stderr)")
        }
        let html = try String(contentsOf: a.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.contains("<title>small (variant no-retries, --set services.api.workers=6, --set clients.users.timeout=400ms): satsim report</title>"))
        let header = try #require(html.range(of: "<header>").flatMap { start in
            html.range(of: "</header>", range: start.upperBound..<html.endIndex).map { String(html[start.lowerBound..<$0.upperBound]) }
        })
        var cursor = header.startIndex
        for needle in ["variant <strong><bdi>no-retries</bdi></strong>", "clients.users.retry.max_attempts=1", "clients.users.timeout=1s",
                       "--set services.api.workers=6", "--set clients.users.timeout=400ms"] {
            let found = header.range(of: needle, range: cursor..<header.endIndex)
            #expect(found != nil, "\(needle) missing from the header, or out of order: \(header)")
            if let found { cursor = found.upperBound }
        }
        for name in ["summary.json", "report.html"] {
            #expect(try Data(contentsOf: a.appendingPathComponent(name)) == Data(contentsOf: b.appendingPathComponent(name)))
        }
    }

    @Test("An override's text is escaped: HTML in the report, control characters on the terminal")
    func escaping() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let dir = try CLIHarness.temporaryDirectory()
        let hostile = "description=<b>bold</b>\u{1B}[31m"
        let result = try CLIHarness.run(["run", file.path, "--set", hostile, "--out", dir.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stdout.contains("\u{1B}"))
        #expect(result.stdout.contains("--set description=<b>bold</b>\\u{1B}[31m"))
        let html = try String(contentsOf: dir.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(!html.contains("<b>bold"))
        #expect(html.contains("--set description=&lt;b&gt;bold&lt;/b&gt;"))
        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: dir.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(Self.overrides(json) == [["path": "description", "value": "<b>bold</b>\u{1B}[31m", "source": "set"]])
    }

    @Test("comparison.json lists what each column applied: its variant's pairs, then every --set")
    func compareNamesOverrides() throws {
        let file = try CLIHarness.scenarioFile(Self.scenario)
        let result = try CLIHarness.run(["compare", file.path, "--replications", "1", "--format", "json",
                                         "--set", "services.api.workers=6"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let variants = try #require(json["variants"] as? [[String: Any]])
        let set = ["path": "services.api.workers", "value": "6", "source": "set"]
        #expect(variants.map { $0["name"] as? String } == ["base", "no-retries"])
        #expect(variants.map(Self.overrides) == [[set], [Self.expected[0], Self.expected[1], set]])
        let text = try CLIHarness.run(["compare", file.path, "--replications", "1", "--set", "services.api.workers=6"])
        #expect(text.stdout.split(separator: "\n").dropFirst().first == "--set services.api.workers=6, in every column")
    }
}
