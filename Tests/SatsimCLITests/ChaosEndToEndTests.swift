import Foundation
import Testing

/// `satsim chaos` as a user runs it, on a library whose ground truth is known by construction.
///
/// Four instances of one worker each serve exponential 20 ms requests (200/s) at 120/s offered,
/// utilisation 0.6; clients time out after 1 s and retry up to four attempts. Killing one
/// instance for its 20 s boot leaves 150/s (utilisation 0.8); adding 8 ms to every request for
/// 20 s leaves 4/28 ms = 143/s (0.84): each alone passes. Together 3/28 ms = 107/s < 120/s: for
/// 20 s the queues grow by about 13 requests a second, about 87 per instance, a wait of 2.4 s
/// past the 1 s timeout, so every attempt times out and is retried, and four attempts per
/// request (480/s) keep the 200/s API down after both faults end: metastable, the retry storm
/// of the Google SRE book ("Addressing Cascading Failures"). The third fault, a 5% burst of 5 s,
/// is harmless. The seeds: Netflix's ChAP fails one thing at a time for an experiment
/// cohort; "Lorin's law" says big incidents come from several things at once. The pair must be
/// the only emergent combination.
@Suite("satsim chaos, end to end")
struct ChaosEndToEndTests {
    static let base = """
        name: small-pair
        description: Four small instances; losing one or slowing all passes alone, both together tip retries into a storm.
        duration: 170s
        warmup: 5s
        seed: 11
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 120/s }
            timeout: 1s
            retry: { max_attempts: 4, on: [timeout, error] }
        services:
          api:
            instances: 4
            workers: 1
            service_time: { dist: exponential, mean: 20ms }
            queue: { capacity: 300 }
            boot_time: 20s

        """

    static let library = base + """
        chaos:
          at: 10s
          max_together: 2
          replications: 3
          faults:
            - { kind: kill, service: api, count: 1, label: kill-one }
            - { for: 20s, kind: latency, service: api, add: { dist: constant, value: 8ms }, label: slow }
            - { for: 5s, kind: load_spike, client: users, factor: 1.05, label: harmless }

        """

    static func chaos(_ file: String, _ arguments: [String]) throws -> (folder: URL, output: CLIHarness.Output) {
        let folder = try CLIHarness.temporaryDirectory().appendingPathComponent("chaos")
        let output = try CLIHarness.run(["chaos", file, "--out", folder.path] + arguments)
        return (folder, output)
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func read(_ folder: URL, _ name: String) throws -> String {
        try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func thePairIsEmergentAndWorstAndNothingElseIsEmergent() throws {
        let file = try CLIHarness.scenarioFile(Self.library, name: "pair.yaml").path
        let (folder, output) = try Self.chaos(file, ["--format", "json", "--jobs", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let document = try Self.json(output.stdout)
        let combinations = try #require(document["combinations"] as? [[String: Any]])
        #expect(combinations.count == 6)
        let emergent = combinations.filter { $0["emergent"] as? Bool == true }.map { $0["faults"] as? [Int] ?? [] }
        #expect(emergent == [[0, 1]])
        let worst = try #require(combinations.first)
        #expect(worst["faults"] as? [Int] == [0, 1])
        #expect(worst["labels"] as? [String] == ["kill-one", "slow"])
        let outcomes = try #require(worst["outcomes"] as? [String: Int])
        #expect((outcomes["metastable"] ?? 0) + (outcomes["degraded"] ?? 0) >= 2)
        #expect((worst["goodput_lost"] as? Double ?? 0) > 0.5)
        for single in combinations where (single["faults"] as? [Int])?.count == 1 {
            let o = try #require(single["outcomes"] as? [String: Int])
            #expect((o["stable"] ?? 0) + (o["recovered"] ?? 0) >= 2, "\(single)")
        }
        // The contract's keys, in every combination.
        for c in combinations {
            for key in ["faults", "labels", "outcomes", "goodput_lost", "emergent"] { #expect(c[key] != nil, "\(key)") }
        }
        // chaos.json is what was printed; the report and the store are there.
        #expect(try Self.read(folder, "chaos.json") == output.stdout)
        let html = try Self.read(folder, "report.html")
        #expect(html.contains("<svg") && html.contains("kill-one + slow"))
        #expect(html.contains("<p class=\"description\">Four small instances; losing one or slowing all passes alone"))
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("results.sqlite").path))
        // The text form names the worst and the emergent pair in sentences, with figures.
        let text = try CLIHarness.run(["chaos", file, "--out", folder.path, "--resume"])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("The worst combination is kill-one + slow: it loses "))
        #expect(text.stdout.contains("Emergent: kill-one + slow ends metastable or degraded in "))
        #expect(text.stdout.contains("ran 0, 21 already stored"))
    }

    @Test func theSameSeedsGiveByteIdenticalJSONWhateverTheJobsOrShards() throws {
        let file = try CLIHarness.scenarioFile(Self.library, name: "pair.yaml").path
        let serial = try Self.chaos(file, ["--format", "json", "--jobs", "1"])
        let again = try Self.chaos(file, ["--format", "json", "--jobs", "1"])
        let parallel = try Self.chaos(file, ["--format", "json", "--jobs", "2"])
        #expect(serial.output.status == 0, "\(serial.output.stderr)")
        #expect(serial.output.stdout == again.output.stdout)
        #expect(serial.output.stdout == parallel.output.stdout)
        // The whole folder, the results store included: its rows are written as runs finish and
        // rewritten in one canonical layout at the end.
        let names = try FileManager.default.contentsOfDirectory(atPath: serial.folder.path).sorted()
        #expect(names.contains("results.sqlite") && names.contains("chaos.json"), "\(names)")
        #expect(names == (try FileManager.default.contentsOfDirectory(atPath: parallel.folder.path).sorted()))
        for name in names {
            let a = try Data(contentsOf: serial.folder.appendingPathComponent(name))
            let b = try Data(contentsOf: parallel.folder.appendingPathComponent(name))
            #expect(a == b, "\(name) differs between --jobs 1 and --jobs 2")
        }
        // Two shards, merged, then ranked from the merged store without running anything.
        let first = try Self.chaos(file, ["--shard", "0/2", "--jobs", "2"])
        let second = try Self.chaos(file, ["--shard", "1/2", "--jobs", "2"])
        #expect(first.output.status == 0 && second.output.status == 0, "\(first.output.stderr) \(second.output.stderr)")
        #expect(first.output.stderr.contains("the store holds 11 of the search's 21 runs"))
        let merged = try CLIHarness.temporaryDirectory().appendingPathComponent("merged")
        let merge = try CLIHarness.run(["merge", first.folder.path, second.folder.path, "--out", merged.path])
        #expect(merge.status == 0, "\(merge.stderr)")
        let ranked = try CLIHarness.run(["chaos", file, "--out", merged.path, "--resume", "--format", "json"])
        #expect(ranked.status == 0, "\(ranked.stderr)")
        #expect(ranked.stdout == serial.output.stdout)
    }

    /// Ten faults, up to three together: C(10,1) + C(10,2) + C(10,3) = 175 combinations and the
    /// baseline, one run each, on a scenario of a few hundred requests.
    @Test func tenFaultsThreeTogetherRun175Combinations() throws {
        var faults = ""
        for i in 0..<10 {
            faults += "    - { for: 1s, kind: latency, service: api, add: { dist: constant, value: \(i + 1)ms }, label: slow-\(i) }\n"
        }
        let text = """
            name: many
            description: Ten small slowdowns of a quiet API.
            duration: 10s
            seed: 3
            clients:
              users: { target: api, arrival: { process: poisson, rate: 30/s } }
            services:
              api: { instances: 2, workers: 2, service_time: { dist: exponential, mean: 10ms } }
            chaos:
              at: 2s
              max_together: 3
              replications: 1
              faults:

            """ + faults
        let file = try CLIHarness.scenarioFile(text, name: "many.yaml").path
        let (folder, output) = try Self.chaos(file, ["--format", "json", "--jobs", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let combinations = try #require(try Self.json(output.stdout)["combinations"] as? [[String: Any]])
        #expect(combinations.count == 175)
        #expect(Set(combinations.map { ($0["faults"] as? [Int] ?? []).description }).count == 175)
        #expect(combinations.map { ($0["faults"] as? [Int] ?? []).count }.filter { $0 == 3 }.count == 120)
        let runs = try Self.read(folder, "runs.csv").split(separator: "\n")
        #expect(runs.count == 1 + 176)
    }

    @Test func badChaosBlocksExit2WithLocatedDiagnostics() throws {
        let cases: [(block: String, expected: [String])] = [
            ("""
             chaos:
               at: 10s
               max_togther: 2
               faults:
                 - { kind: kill, service: apj, label: a }
                 - { kind: kill, service: api, label: b, colour: red }
             """,
             [":21:3: error: chaos.max_togther: unknown key, expected one of faults, at, max_together, replications; did you mean 'max_together'?",
              ":24:45: error: chaos.faults.1.colour: unknown key",
              ":23:30: error: chaos.faults.0.service: no service named 'apj'; did you mean 'api'?"]),
            ("""
             chaos:
               at: 10s
               faults:
                 - { kind: kill, service: api, label: a }
                 - { kind: scale, service: api, to: 2, label: a }
             """,
             [":23:50: error: chaos.faults.1.label: found 'a', already the label of chaos.faults.0; expected a label of its own"]),
            ("""
             chaos:
               at: 10s
               faults:
                 - { at: 200s, kind: kill, service: api }
                 - { for: 170s, kind: latency, service: api, add: { dist: constant, value: 1ms } }
             """,
             [":22:13: error: chaos.faults.0.at: starts at chaos.at + at = 210s, expected a time < duration (170s)",
              ":23:14: error: chaos.faults.1.for: the window ends at 3m, after the run ends at 170s"]),
            ("""
             chaos:
               at: 10s
               faults: []
             """,
             ["chaos.faults: found an empty list, expected at least one candidate fault"]),
            ("""
             chaos:
               faults:
                 - { kind: kil, service: api }
             """,
             [":20:3: error: chaos: missing required key 'at'", ":21:15: error: chaos.faults.0.kind: found kil, expected one of"]),
        ]
        for (block, expected) in cases {
            let file = try CLIHarness.scenarioFile(Self.base + block + "\n", name: "bad.yaml").path
            let output = try CLIHarness.run(["chaos", file])
            #expect(output.status == 2, "\(block)\n\(output.stderr)")
            for line in expected {
                #expect(output.stderr.contains(line), "expected '\(line)' in:\n\(output.stderr)")
            }
            // A plain `validate` reports the same problems: the block is part of the format.
            #expect(try CLIHarness.run(["validate", file]).status == 2)
        }
        // A file without a chaos block says so.
        let plain = try CLIHarness.scenarioFile(Self.base, name: "plain.yaml").path
        let output = try CLIHarness.run(["chaos", plain])
        #expect(output.status == 2 && output.stderr.contains("plain.yaml:1:1: error: no `chaos` block"))
    }

    /// With the harmless burst alone (and a kill the service shrugs off), nothing fails: "every
    /// combination that fails has a smaller part that fails on its own" was printed of none.
    @Test func nothingFailingSaysSo() throws {
        let harmless = Self.base + """
            chaos:
              at: 10s
              max_together: 2
              replications: 2
              faults:
                - { for: 5s, kind: load_spike, client: users, factor: 1.05, label: harmless }
                - { for: 5s, kind: load_spike, client: users, factor: 1.02, label: gentler }

            """
        let file = try CLIHarness.scenarioFile(harmless, name: "harmless.yaml").path
        let (_, output) = try Self.chaos(file, ["--jobs", "2"])
        #expect(output.status == 0, "\(output.stderr)")
        let text = output.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("No combination is emergent: none ends metastable or degraded in any run."), "\(text)")
        #expect(!text.contains("every combination that fails"), "\(text)")
    }

    /// A baseline that serves nothing after `at` (a 1 ms timeout on 20 ms of work): every
    /// combination lost 0% of nothing, and "No combination harms the system" was printed of a
    /// system whose every run ended overloaded.
    @Test func aBaselineThatServesNothingIsSaidToHaveNothingToLose() throws {
        let (text, _) = try Self.oneReplication(["--set", "clients.users.timeout=1ms"])
        #expect(text.contains("The baseline itself serves no request after 10s"), "\(text)")
        #expect(!text.contains("No combination harms the system"), "\(text)")
    }

    /// Runs a limit stopped early count no success after they stopped: a pair cut short 2 s
    /// after `at` "lost 99%" with nothing on the page to say so.
    @Test func runsStoppedAtALimitAreSaid() throws {
        let (text, errors) = try Self.oneReplication(["--max-in-flight", "60"])
        #expect(text.contains("stopped at a limit before the end (raise --max-events or --max-in-flight)"), "\(text)\n\(errors)")
    }

    /// The library searched with one replication and `flags`: its standard output on one line,
    /// and its standard error.
    static func oneReplication(_ flags: [String]) throws -> (text: String, errors: String) {
        let file = try CLIHarness.scenarioFile(Self.library, name: "library.yaml").path
        let (_, output) = try Self.chaos(file, ["--jobs", "2", "--replications", "1"] + flags)
        return (output.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " "), output.stderr)
    }
}
