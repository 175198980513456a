import Foundation
import SatsimTestSupport
import Testing

/// `satsim run --explain`: the analysis of `satsim explain` run inside `run`, on the small retry
/// storm of ``ExplainEndToEndTests`` (retrying at once without a budget amplifies a spike into a
/// lasting failure: AWS Architecture Blog, "Exponential Backoff And Jitter"; Google SRE book,
/// "Addressing Cascading Failures"). A few replications keep each run within seconds.
@Suite("satsim run --explain, end to end")
struct RunExplainEndToEndTests {
    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// explain's findings join the story's list (DESIGN.md, "The story"): this run names no
    /// cause, so they are told at its end, after the story's own sentences, in the text and in
    /// report.html alike.
    @Test("The story tells explain's findings, in the text and in report.html")
    func storyTellsFindings() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("run")
        let result = try CLIHarness.run(["run", file.path, "--explain", "--replications", "5", "--jobs", "2", "--out", out.path])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // The story is the block after "what happened:", up to the first blank line.
        let afterHeader = try #require(result.stdout.components(separatedBy: "what happened:\n").dropFirst().first)
        let story = afterHeader.components(separatedBy: "\n\n")[0]
        let flat = story.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let retries = try #require(flat.range(of: "Without client retries (clients.users.retry), over 5 replications on seeds 7 to 11"), "\(flat)")
        let spike = try #require(flat.range(of: "Without the event load_spike on users at 20s for 5s (timeline.0), over 5 replications"), "\(flat)")
        let ended = try #require(flat.range(of: "the system was still unhealthy"), "\(flat)")
        // After the story's own ending, the cause decided first (both by the bad outcomes, equal
        // weight: the table's order), and nothing after them.
        #expect(ended.upperBound < retries.lowerBound && retries.upperBound < spike.lowerBound)
        #expect(flat[retries.lowerBound...].contains("— a cause: fewer runs ended degraded, metastable, oscillating or overloaded without it"))
        // Every base run bad and none without: McNemar's mid-p 2 (1/32 - 1/64) (2 replications
        // cannot tell 2 flips of 2 from chance: mid-p 0.25).
        #expect(flat.hasSuffix("and McNemar's test of the runs paired by seed tells the two apart at 95% (mid-p value 0.031)."), "\(flat)")
        // The same sentences, last in report.html's story section.
        let html = try String(contentsOf: out.appendingPathComponent("report.html"), encoding: .utf8)
        let section = try #require(html.components(separatedBy: "<h2 id=\"story\">").dropFirst().first?.components(separatedBy: "</ol>").first)
        let items = section.components(separatedBy: "<li>").dropFirst()
        let last = try #require(items.last)
        #expect(items.filter { $0.hasPrefix("Without ") }.count == 2)
        #expect(last.hasPrefix("Without the event load_spike on users at 20s for 5s"), "\(last)")
        #expect(last.contains("a cause: fewer runs ended degraded, metastable, oscillating or overloaded without it"))
    }

    @Test("summary.json's explain equals explain --format json's object for the same inputs")
    func summaryExplainEqualsExplain() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        let common = ["--variant", "budget", "--set", "clients.users.timeout=250ms", "--seed", "11", "--replications", "2"]
        let run = try CLIHarness.run(["run", file.path, "--format", "json", "--explain", "--jobs", "2"] + common)
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let explain = try CLIHarness.run(["explain", file.path, "--format", "json", "--jobs", "1"] + common)
        #expect(explain.status == 0, "stderr: \(explain.stderr)")
        let summary = try Self.json(run.stdout)
        let embedded = try #require(summary["explain"] as? [String: Any])
        let standalone = try Self.json(explain.stdout)
        #expect(NSDictionary(dictionary: embedded).isEqual(to: standalone))
        #expect(embedded["replications"] as? Int == 2)
        // Without --explain summary.json has no explain member.
        let plain = try CLIHarness.run(["run", file.path, "--format", "json", "--variant", "budget"])
        #expect(try Self.json(plain.stdout)["explain"] == nil)
    }

    @Test("--replications and --jobs without --explain are refused with exit 2")
    func countsNeedExplain() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        for flag in ["--replications", "--jobs"] {
            let result = try CLIHarness.run(["run", file.path, flag, "2"])
            #expect(result.status == 2, "\(flag): \(result.stderr)")
            #expect(result.stderr.contains("\(flag) is only meaningful with --explain"), "\(result.stderr)")
        }
    }

    @Test("The output is byte-identical across --jobs 1 and 2")
    func jobsDoNotChangeBytes() throws {
        let file = try CLIHarness.scenarioFile(ExplainEndToEndTests.storm)
        let dir = try CLIHarness.temporaryDirectory()
        var texts: [String] = []
        var files: [[String]] = []
        for jobs in ["1", "2"] {
            let out = dir.appendingPathComponent("jobs-\(jobs)")
            let result = try CLIHarness.run(["run", file.path, "--explain", "--replications", "3", "--jobs", jobs, "--out", out.path])
            #expect(result.status == 0, "stderr: \(result.stderr)")
            texts.append(result.stdout.replacingOccurrences(of: out.path, with: "OUT"))
            files.append(try ["summary.json", "report.html"].map {
                try String(contentsOf: out.appendingPathComponent($0), encoding: .utf8)
            })
        }
        #expect(texts[0] == texts[1])
        #expect(files[0] == files[1])
        #expect(texts[0].contains("over 3 replications on seeds 7 to 9"))
    }
}
