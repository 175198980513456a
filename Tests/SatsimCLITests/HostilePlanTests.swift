import SatsimMetrics
import Foundation
import SatsimScenario
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Hostile input to the newer surfaces, `sweep`, `merge`, `chaos`, timeline `set` with `for` and
/// cohort `share`, through the built binary under a 2 GiB address-space cap and a 60 s kill.
///
/// The contract (/work/shared/scenario-format.md, "What `satsim run` writes"): exit 0 success, 1 a
/// run that hit a limit, 2 bad input (scenario or flags). The product bar adds: a bad scenario or
/// flag gets its file, line and column, the key, what was expected and a did-you-mean; no input
/// traps, aborts, hangs or exhausts memory. So every case below checks the exit code, that no
/// signal ended the process, that it finished before the kill, and the located sentence.
@Suite("hostile sweep, merge, chaos and set input")
struct HostilePlanTests {
    /// A five-second scenario (a few milliseconds a run in a debug build).
    static let tiny = """
        name: tiny
        description: a tiny scenario for hostile sweeps
        duration: 5s
        seed: 3
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 50/s }
            timeout: 1s
            retry: { max_attempts: 2 }
        services:
          api:
            instances: 2
            workers: 2
            service_time: { dist: exponential, mean: 10ms }
        timeline:
          - { at: 2s, for: 1s, kind: load_spike, client: users, factor: 2 }

        """

    struct Outcome {
        var status: Int32
        var signalled: Bool
        var timedOut: Bool
        var stdout: String
        var stderr: String
    }

    /// Runs satsim under `ulimit -v` 2 GiB through /bin/sh (exec, so a signal is the child's
    /// own), killed after 60 s: a grid or a combination count allocated in full reached 6 GB and
    /// ran for minutes before these fixes, so either limit catches it.
    static func satsim(_ arguments: [String], in directory: URL? = nil) throws -> Outcome {
        let folder = try CLIHarness.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try CLIHarness.run(arguments, currentDirectory: directory ?? folder, timeout: 60,
                                        memoryLimitKiB: 2 * 1024 * 1024)
        return Outcome(status: output.status, signalled: output.reason == .uncaughtSignal, timedOut: output.timedOut,
                       stdout: output.stdout, stderr: output.stderr)
    }

    /// Expects a clean exit with `status` whose stderr contains every one of `phrases`.
    /// `validate` prints its report, diagnostics included, on standard output: `stream` says where to look.
    static func expect(_ outcome: Outcome, _ status: Int32, _ phrases: [String], in stream: KeyPath<Outcome, String> = \.stderr,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!outcome.timedOut, "still running after 60 s", sourceLocation: sourceLocation)
        #expect(!outcome.signalled, "killed by signal \(outcome.status): \(outcome.stderr.suffix(300))", sourceLocation: sourceLocation)
        #expect(outcome.status == status, "exit \(outcome.status): \(outcome.stderr.suffix(400))", sourceLocation: sourceLocation)
        for phrase in phrases {
            #expect(outcome[keyPath: stream].contains(phrase), "output lacks '\(phrase)': \(outcome[keyPath: stream].prefix(600))",
                    sourceLocation: sourceLocation)
        }
    }

    static func file(_ text: String, name: String = "scenario.yaml") throws -> String {
        try CLIHarness.scenarioFile(text, name: name).path
    }

    static func folder(_ name: String = "out") throws -> String {
        try CLIHarness.temporaryDirectory().appendingPathComponent(name).path
    }

    // MARK: - sweep: the grid

    /// scenario-format.md: "`--vary` accepts a list (`600/s,700/s`) or a range (`0.5..1.0/6`)".
    /// Two ranges of 100,000 values are 10^10 points: before, the grid was built in full (6.7 GB
    /// after 60 s); now it is counted and refused at the widest --vary, and no folder is made.
    @Test func aGridOfYearsIsRefusedBeforeItIsBuilt() throws {
        let file = try Self.file(Self.tiny), out = try Self.folder()
        let outcome = try Self.satsim([
            "sweep", file, "--out", out, "--vary", "clients.users.arrival.rate=1/s..100/s/100000",
            "--vary", "services.api.workers=1..100000/100000",
        ])
        Self.expect(outcome, 2, ["--vary:1:1: error: clients.users.arrival.rate: the grid is 100000 x 100000 values",
                                 "expected at most 100000 points"])
        #expect(!FileManager.default.fileExists(atPath: out), "nothing is written for a refused sweep")
        // Points that fit, replications that do not: 100 x 1,000,000 runs, told at --replications.
        let runs = try Self.satsim([
            "sweep", file, "--out", out, "--vary", "services.api.workers=1..10/10", "--vary", "services.api.instances=1..10/10",
            "--replications", "1000000",
        ])
        Self.expect(runs, 2, ["--replications:1:1: error: replications: the grid is 10 x 10 values = 100 points x 1000000 replications",
                              "expected at most 1000000 runs"])
    }

    /// Ranges that are not ranges: N = 0, N not a whole number, ends that are not finite numbers.
    /// Each is refused at the --vary, column of the value, with the form expected.
    @Test(arguments: ["0..1/0", "a..b/1e12", "nan..1/3", "inf..1/3", "1e400..1/3", "1..2/-4", "1....2/3"])
    func aMalformedRangeIsLocated(range: String) throws {
        let outcome = try Self.satsim(["sweep", try Self.file(Self.tiny), "--out", try Self.folder(),
                                       "--vary", "services.api.workers=\(range)"])
        Self.expect(outcome, 2, ["--vary:1:22: error: services.api.workers: found '\(range)'", "expected LOW..HIGH/N"])
    }

    /// A descending range is a range (1, 0.5, 0); its values are typed by the key, so 0.5
    /// workers is refused at the --vary (not at a `--set` the user never wrote), with the column
    /// of the value list.
    @Test func aDescendingRangeOfWholeNumbersIsRefusedAtItsVary() throws {
        let outcome = try Self.satsim(["sweep", try Self.file(Self.tiny), "--out", try Self.folder(),
                                       "--vary", "services.api.workers=1..0/3"])
        Self.expect(outcome, 2, ["point 1 (services.api.workers=0.5) does not load",
                                 "--vary:1:22: error: services.api.workers: found 0.5, expected an integer"])
        #expect(!outcome.stderr.contains("--set:"), "no --set was given")
    }

    /// An unknown path gets a did-you-mean, located at its own --vary and at the segment it is
    /// about; a value in a list at its own column; a path naming a mapping says to name one of
    /// its keys.
    @Test func pathsAndValuesAreLocatedAtTheirVary() throws {
        let file = try Self.file(Self.tiny)
        let unknown = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--vary", "services.api.workers=1,2",
                                       "--vary", "services.api.instanses=1,2"])
        Self.expect(unknown, 2, ["--vary:2:14: error: services.api.instanses: unknown key, expected one of instances, workers, service_time, contention, queue, balancer, calls, cache, health_check, boot_time, autoscaler, outlier_detection; did you mean 'instances'?"])
        let value = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--vary", "services.api.instances=3, 0"])
        Self.expect(value, 2, ["--vary:1:27: error: services.api.instances: found 0, expected an integer >= 1"])
        let mapping = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--vary", "timeline.0=1,2"])
        Self.expect(mapping, 2, ["--vary:1:10: error: timeline.0: is a mapping (EVENT), not a scalar; name one of its keys"])
        let missing = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--vary", "timeline.7.factor=1,2"])
        Self.expect(missing, 2, ["--vary:1:10: error: timeline.7: no item 7: the list has 1 item"])
    }

    /// Two --vary of one path: keeping the last silently dropped the first's values.
    @Test func theSamePathVariedTwiceIsRefused() throws {
        let outcome = try Self.satsim(["sweep", try Self.file(Self.tiny), "--out", try Self.folder(),
                                       "--vary", "services.api.instances=1,2", "--vary", "services.api.instances=3,4"])
        Self.expect(outcome, 2, ["--vary:2:1: error: services.api.instances: already varied by --vary number 1"])
    }

    /// scenario-format.md: "`--shard I/N` runs the I-th of N disjoint slices of the runs
    /// (0-based)". `-1/2` was read as a missing value ("Missing value for '--shard'").
    @Test(arguments: ["5/3", "-1/2", "0/0", "1/1e30", "3/3", "0/-1", "0/99999999999999999999", "1/", "/2", "0/2/3"])
    func aShardOutsideZeroToNIsRefused(shard: String) throws {
        let outcome = try Self.satsim(["sweep", try Self.file(Self.tiny), "--out", try Self.folder(),
                                       "--vary", "services.api.instances=1,2", "--shard", shard])
        Self.expect(outcome, 2, ["--shard expects I/N with 0 <= I < N, such as 0/4, found '\(shard)'"])
    }

    @Test func replicationsAndJobsAtTheirExtremes() throws {
        let file = try Self.file(Self.tiny)
        for bad in ["0", "-3", "1e3", "99999999999999999999"] {
            let outcome = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--replications", bad])
            Self.expect(outcome, 2, ["The value '\(bad)' is invalid for '--replications <replications>': expected a whole number from 1 to 1000000"])
        }
        // --jobs Int.max starts no more threads than there are runs.
        let many = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--vary", "services.api.instances=1,2",
                                    "--replications", "1", "--jobs", String(Int.max)])
        Self.expect(many, 0, [])
        let zero = try Self.satsim(["sweep", file, "--out", try Self.folder(), "--jobs", "0"])
        Self.expect(zero, 2, ["expected a whole number >= 1, found 0"])
    }

    // MARK: - sweep: the store

    /// scenario-format.md: "`--resume` skips the runs already stored". A store of another plan,
    /// a file that is not SQLite, a truncated store and a folder in the store's place are each
    /// refused with exit 2 and a sentence naming the file; none is overwritten.
    @Test func resumeRefusesStoresItCannotUse() throws {
        let file = try Self.file(Self.tiny)
        let out = try Self.folder()
        let first = try Self.satsim(["sweep", file, "--out", out, "--vary", "services.api.instances=1,2", "--replications", "1"])
        Self.expect(first, 0, [])
        let other = try Self.satsim(["sweep", file, "--out", out, "--vary", "services.api.instances=1,3", "--replications", "1", "--resume"])
        Self.expect(other, 2, ["results.sqlite holds the results of another sweep",
                               "'point 1 services.api.instances=2' where this sweep has 'point 1 services.api.instances=3'"])

        let store = URL(fileURLWithPath: out).appendingPathComponent("results.sqlite")
        let bytes = try Data(contentsOf: store)
        let cases: [(String, (URL) throws -> Void, String)] = [
            ("text", { try Data("not a database, just text\n".utf8).write(to: $0) }, "is not a satsim results store that can be read (SQLite: file is not a database)"),
            ("truncated", { try bytes.prefix(100).write(to: $0) }, "is not a satsim results store that can be read"),
            ("folder", { try FileManager.default.createDirectory(at: $0, withIntermediateDirectories: true) }, "results.sqlite is a folder; expected the results store file there"),
        ]
        for (name, make, phrase) in cases {
            let folder = try Self.folder(name)
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let path = URL(fileURLWithPath: folder).appendingPathComponent("results.sqlite")
            try make(path)
            let outcome = try Self.satsim(["sweep", file, "--out", folder, "--vary", "services.api.instances=1,2",
                                           "--replications", "1", "--resume"])
            Self.expect(outcome, 2, [phrase])
            // Nothing was published beside the store it could not read.
            #expect(!FileManager.default.fileExists(atPath: folder + "/runs.csv"), "\(name): runs.csv written")
        }
        // An --out under a file cannot be a folder.
        let under = try Self.satsim(["sweep", file, "--out", file + "/out", "--replications", "1"])
        Self.expect(under, 2, ["--out \(file)/out: cannot create the folder"])
    }

    // MARK: - sweep: the file's sweep block

    /// scenario-format.md: `sweep: { vary: { KEY.PATH: [V1, V2, ...] }, replications: 5 }`.
    /// `seed` in the block collided with the store's own `seed` column ("duplicate column name:
    /// seed", exit 2 without a location); a grid of 10^6 points x 100,000 replications validated.
    @Test func theSweepBlockIsCheckedWhereItIsWritten() throws {
        let seed = try Self.file(Self.tiny + "sweep: { vary: { seed: [1, 2] }, replications: 1 }\n")
        let seedRun = try Self.satsim(["sweep", seed, "--out", try Self.folder()])
        Self.expect(seedRun, 2, ["scenario.yaml:18:18: error: sweep.vary.seed: each run's seed is derived from the scenario seed",
                                 "for more runs per point set sweep.replications"])
        // The sweep's own keys are no path of a run; an empty list says it is empty.
        let own = try Self.file(Self.tiny + "sweep: { vary: { sweep.replications: [1, 2], services.api.workers: [] } }\n")
        let ownRun = try Self.satsim(["sweep", own, "--out", try Self.folder()])
        Self.expect(ownRun, 2, ["scenario.yaml:18:18: error: sweep.vary.sweep.replications: the sweep block describes the sweep itself",
                                "error: sweep.vary.services.api.workers: found an empty list, expected a non-empty list of values"])

        let ten = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]"
        let huge = try Self.file(Self.tiny + """
            sweep:
              vary: { services.api.workers: \(ten), services.api.instances: \(ten), clients.users.retry.max_attempts: \(ten),
                      services.api.queue.capacity: \(ten), services.api.contention: \(ten), clients.users.timeout: [1s, 2s] }
              replications: 100000

            """)
        for command in ["validate", "sweep"] {
            let outcome = try Self.satsim([command, huge] + (command == "sweep" ? ["--out", try Self.folder()] : []))
            Self.expect(outcome, 2, ["scenario.yaml:19:9: error: sweep.vary: the grid is 10 x 10 x 10 x 10 x 10 x 2 values = more than 100000 points"],
                        in: command == "validate" ? \.stdout : \.stderr)
        }
        // 10 x 100,000 is exactly the limit; 11 x 100,000 is past it.
        let limit = try Self.file(Self.tiny + "sweep: { vary: { services.api.workers: \(ten) }, replications: 100000 }\n")
        Self.expect(try Self.satsim(["validate", limit]), 0, [])
        let eleven = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]"
        let runs = try Self.file(Self.tiny + "sweep: { vary: { services.api.workers: \(eleven) }, replications: 100000 }\n")
        Self.expect(try Self.satsim(["validate", runs]), 2,
                    ["sweep.replications: the grid is 11 values = 11 points x 100000 replications; expected at most 1000000 runs"], in: \.stdout)

        // Each value alone loads; a combination of two does not. It was told at `--set:1:8`, a
        // flag never given; now at the value in the file.
        let pair = try Self.file(Self.tiny + "sweep: { vary: { warmup: [1s, 4s], duration: [5s, 3s] }, replications: 1 }\n")
        Self.expect(try Self.satsim(["sweep", pair, "--out", try Self.folder()]), 2,
                    ["point 3 (warmup=4s, duration=3s) does not load",
                     "scenario.yaml:18:31: error: warmup: found 4s, expected a duration < duration (3s) (with sweep value 4s)"])

        let empty = try Self.file(Self.tiny + "sweep: { vary: {} }\n")
        Self.expect(try Self.satsim(["validate", empty]), 2, ["sweep.vary: found an empty mapping, expected a mapping of KEY.PATH"], in: \.stdout)
        let typo = try Self.file(Self.tiny + "sweep: { vary: { services.api.instanses: [1, 2] } }\n")
        // A misspelt path is the same problem for every value: told once, naming the values.
        let typoOutcome = try Self.satsim(["validate", typo])
        Self.expect(typoOutcome, 2,
                    ["scenario.yaml:18:18: error: services.api.instanses: unknown key, expected one of instances, workers, service_time, contention, queue, balancer, calls, cache, health_check, boot_time, autoscaler, outlier_detection (with sweep values 1, 2); did you mean 'instances'?"], in: \.stdout)
        #expect(typoOutcome.stdout.components(separatedBy: "instanses: unknown key").count == 2, "\(typoOutcome.stdout)")
    }

    /// Each sweep value is checked by decoding the file; the file held the block, so n values
    /// cost n decodes of n values (debug build: 5,000 values 40 s, 10,000 over 120 s). Now the
    /// block is left out of those decodes (10,000 values: 3.2 s), and a file whose checks would
    /// decode more than ``ScenarioLoader/maximumCheckedNodes`` nodes is refused at the first
    /// check past it.
    @Test func manySweepValuesAreCheckedInLinearTimeOrRefused() throws {
        let values = (1...10_000).map(String.init).joined(separator: ",")
        let many = try Self.file(Self.tiny + "sweep:\n  vary: { services.api.workers: [\(values)] }\n  replications: 1\n")
        let outcome = try Self.satsim(["validate", many])
        #expect(!outcome.timedOut && outcome.status == 0, "\(outcome.stderr.prefix(300))")
        // Planning the sweep loads every point. Each point re-checked every value and re-read the
        // text, n^2 again (300 values 20 s; 10,000 over 117 s); now the text is read once into
        // its tree and a point skips the checks its file passed (10,000 values: 4.5 s).
        let planned = try Self.satsim(["sweep", many, "--slurm"])
        Self.expect(planned, 0, [])
        #expect(planned.stdout.contains("#SBATCH") || planned.stdout.contains("sbatch"), "\(planned.stdout.prefix(300))")
        let tooMany = (1...40_000).map(String.init).joined(separator: ",")
        let refused = try Self.file(Self.tiny + "sweep:\n  vary: { services.api.workers: [\(tooMany)] }\n  replications: 1\n")
        Self.expect(try Self.satsim(["validate", refused]), 2,
                    ["error: sweep.vary.services.api.workers.", "40000 sweep values", "more than 2000000 nodes in all"], in: \.stdout)
    }

    // MARK: - merge

    /// scenario-format.md: `satsim merge DIR... --out DIR # join shards of one sweep`.
    @Test func mergeRefusesWhatIsNotOneSweep() throws {
        let file = try Self.file(Self.tiny)
        let a = try Self.folder("a"), b = try Self.folder("b"), c = try Self.folder("c")
        Self.expect(try Self.satsim(["sweep", file, "--out", a, "--vary", "services.api.instances=1,2", "--replications", "2", "--shard", "0/2"]), 0, [])
        Self.expect(try Self.satsim(["sweep", file, "--out", b, "--vary", "services.api.instances=1,2", "--replications", "2", "--shard", "1/2"]), 0, [])
        Self.expect(try Self.satsim(["sweep", file, "--out", c, "--vary", "services.api.workers=1,2", "--replications", "2"]), 0, [])

        Self.expect(try Self.satsim(["merge", "--out", try Self.folder()]), 2, ["Missing expected argument '<folders> ...'"])
        // Where the plans first differ is named (it said only "holds another sweep").
        Self.expect(try Self.satsim(["merge", a, c, "--out", try Self.folder()]), 2,
                    ["c holds another sweep than ", "(it has 'column services.api.workers' where ", " has 'column services.api.instances'): they cannot be merged"])
        let empty = try Self.folder("empty")
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        Self.expect(try Self.satsim(["merge", a, empty, "--out", try Self.folder()]), 2, ["results.sqlite: no results store here"])
        let corrupt = try Self.folder("corrupt")
        try FileManager.default.createDirectory(atPath: corrupt, withIntermediateDirectories: true)
        try Data(repeating: 0x41, count: 5000).write(to: URL(fileURLWithPath: corrupt).appendingPathComponent("results.sqlite"))
        Self.expect(try Self.satsim(["merge", a, corrupt, "--out", try Self.folder()]), 2, ["is not a satsim results store that can be read"])

        // The same folder twice, however it is spelled, is refused by name before anything is
        // written: `a a` is most likely a slip for `a b` (it was merged as `a` once, exit 1 for
        // the runs of b, which did not say why). The two shards make the whole sweep. One
        // shard alone is an incomplete merge: partial outputs, the missing shard named, exit 1
        // (the contract's "ran but hit a limit").
        let twice = try Self.folder("twice"), once = try Self.folder("once"), whole = try Self.folder("whole")
        Self.expect(try Self.satsim(["merge", a, a, "--out", twice]), 2, ["Error: the folder \(a) is given twice; give each shard's folder once"])
        Self.expect(try Self.satsim(["merge", a, b, a + "/./", "--out", twice]), 2, ["Error: the folder \(a)/./ is given twice (also as \(a))"])
        #expect(!FileManager.default.fileExists(atPath: twice), "nothing is written")
        Self.expect(try Self.satsim(["merge", a, "--out", once]), 1, ["2 of 4 runs are missing, from shard 1/2"])
        // A shard's own folder as --out (however it is spelled) is refused and left as it was.
        let before = try String(contentsOfFile: a + "/runs.csv", encoding: .utf8)
        Self.expect(try Self.satsim(["merge", a, b, "--out", a + "/."]), 2, ["never replaces a shard"])
        #expect(try String(contentsOfFile: a + "/runs.csv", encoding: .utf8) == before)
        Self.expect(try Self.satsim(["merge", a, b, "--out", whole]), 0, [])
        #expect(try String(contentsOfFile: whole + "/runs.csv", encoding: .utf8).split(separator: "\n").count == 5)
    }

    // MARK: - chaos

    static func chaos(_ faults: [String], maxTogether: Int = 2) -> String {
        tiny + "chaos:\n  at: 1s\n  max_together: \(maxTogether)\n  replications: 1\n  faults:\n"
            + faults.map { "    - \($0)\n" }.joined()
    }

    /// scenario-format.md: "`max_together: 2 # combinations of 1..max_together faults`". Sixty
    /// faults taken up to ten at a time are 9 x 10^10 combinations: before, they were enumerated
    /// (5.9 GB after 60 s). Now they are counted, in the file and for --max-together.
    @Test func combinationsBeyondTheLimitAreCountedAndRefused() throws {
        let sixty = try Self.file(Self.chaos((0..<60).map { "{ kind: kill, service: api, count: 1, label: f\($0) }" }, maxTogether: 10))
        Self.expect(try Self.satsim(["chaos", sixty, "--out", try Self.folder()]), 2,
                    ["scenario.yaml:20:17: error: chaos.max_together: 60 faults taken 1 to 10 at a time make more than 100000 combinations"])
        Self.expect(try Self.satsim(["validate", sixty]), 2, ["chaos.max_together: 60 faults taken 1 to 10"], in: \.stdout)
        let thirty = try Self.file(Self.chaos((0..<30).map { "{ kind: kill, service: api, count: 1, label: f\($0) }" }))
        Self.expect(try Self.satsim(["chaos", thirty, "--out", try Self.folder(), "--max-together", "10"]), 2,
                    ["satsim: --max-together 10: 30 faults taken 1 to 10 at a time make more than 100000 combinations"])
        Self.expect(try Self.satsim(["chaos", thirty, "--out", try Self.folder(), "--replications", "10000"]), 2,
                    ["--replications 10000: 30 faults taken 1 to 2 at a time make 465 combinations and the baseline x 10000 replications"])
        Self.expect(try Self.satsim(["chaos", thirty, "--out", try Self.folder(), "--max-together", "0"]), 2,
                    ["expected a whole number from 1 to 10, found 0"])
    }

    @Test func badChaosBlocksAreLocated() throws {
        let kill = "{ kind: kill, service: api, count: 1 }"
        let cases: [(String, [String])] = [
            // `faults:` and nothing: null, which ran the baseline alone with exit 0.
            (Self.chaos([], maxTogether: 1), ["scenario.yaml:22:10: error: chaos.faults: found nothing, expected at least one candidate fault"]),
            (Self.tiny + "chaos: { at: 1s, faults: [] }\n", ["chaos.faults: found an empty list, expected at least one candidate fault"]),
            (Self.chaos([kill], maxTogether: 0), ["scenario.yaml:20:17: error: chaos.max_together: found 0, expected an integer >= 1"]),
            (Self.chaos([kill], maxTogether: 99_999_999_999), ["chaos.max_together: found 99999999999, expected an integer <= 10"]),
            (Self.chaos(["{ kind: kil, service: api }"], maxTogether: 1), ["chaos.faults.0.kind: found kil, expected one of"]),
            (Self.chaos(["{ kind: kill, service: api, label: a }", "{ kind: kill, service: api, count: 2, label: a }"], maxTogether: 1),
             ["chaos.faults.1.label: found 'a', already the label of chaos.faults.0"]),
            // A `set` fault is checked on its own as a timeline `set` is: its path, whether the
            // setting can change mid-run, and its value.
            (Self.chaos(["{ for: 1s, kind: set, path: services.api.service_tim.mean, value: 2s }"], maxTogether: 1),
             ["scenario.yaml:23:35: error: services.api.service_tim: unknown key, expected one of instances, workers, service_time, contention, queue, balancer, calls, cache, health_check, boot_time, autoscaler, outlier_detection (set by chaos.faults.0); did you mean 'service_time'?"]),
            (Self.chaos(["{ kind: set, path: duration, value: 2s }"], maxTogether: 1),
             ["scenario.yaml:23:26: error: chaos.faults.0.path: cannot change duration mid-run"]),
            (Self.chaos(["{ kind: set, path: services.api.workers, value: many }"], maxTogether: 1),
             ["chaos.faults.0", "many", "set by chaos.faults.0"]),
        ]
        for (text, phrases) in cases {
            Self.expect(try Self.satsim(["chaos", try Self.file(text), "--out", try Self.folder()]), 2, phrases)
        }
    }

    /// A candidate load spike counts against the event budget in the runs that add it: a factor
    /// of 10^9 on 50/s for three seconds passed (chaos faults are not in the base run) and every
    /// combination with it simulated past the 60 s limit (the hostile CLI campaign, Tests/Fuzz/hostile_cli.py).
    /// Refused at the factor, alone or with the spikes a combination runs together; `run`, which
    /// adds no fault, still runs the file.
    @Test func aCandidateSpikePastTheEventBudgetIsRefusedAtItsFactor() throws {
        let small = "{ for: 1s, kind: load_spike, client: users, factor: 2 }"
        let alone = try Self.file(Self.chaos([small, "{ for: 3s, kind: load_spike, client: users, factor: 1000000000 }"]))
        Self.expect(try Self.satsim(["chaos", alone, "--out", try Self.folder()]), 2, [
            "scenario.yaml:24:59: error: chaos.faults.1.factor: found 1000000000, with which a chaos run of this fault alone sends at least",
            "more than the event budget of 2000000000 counted events", "expected a smaller factor or a shorter window"])
        #expect(try Self.satsim(["run", alone]).status == 0)
        // 10^5 each: 1.5 x 10^7 requests alone, 10^10 x 50/s for 3 s together.
        let pair = try Self.file(Self.chaos(["{ for: 3s, kind: load_spike, client: users, factor: 100000 }",
                                             "{ for: 3s, kind: load_spike, client: users, factor: 100001 }"]))
        Self.expect(try Self.satsim(["chaos", pair, "--out", try Self.folder()]), 2, [
            "scenario.yaml:24:59: error: chaos.faults.1.factor: found 100001, with which a chaos run of faults 0, 1 together (up to max_together = 2)"])
    }

    /// A candidate `set` of a pacing key (a client's rate, a probe, autoscaler or outlier
    /// interval) counts against the event budget from the moment the combination puts it in force,
    /// as the same `set` in the timeline does: `{ kind: set, path: services.api.health_check.interval,
    /// value: 1us }` passed (only spikes were counted) and every run with it simulated until the
    /// budget stopped it, minutes each. Refused at its value with the value that fits; `run`, which
    /// adds no fault, still runs the file.
    @Test func aCandidateSetPastTheEventBudgetIsRefusedAtItsValue() throws {
        let small = "{ for: 1s, kind: load_spike, client: users, factor: 2 }"
        let file = try Self.file(Self.chaos([small, "{ kind: set, path: clients.users.arrival.rate, value: 1000000000/s }"]))
        Self.expect(try Self.satsim(["chaos", file, "--out", try Self.folder()]), 2, [
            "scenario.yaml:24:61: error: chaos.faults.1.value: found 1000000000/s, with which a chaos run of this fault alone "
                + "puts clients.users.arrival.rate in force at 1s and makes at least",
            "more than the event budget of 2000000000 counted events", "expected a rate <= 500000000/s, or a `for` that ends the set sooner"])
        #expect(try Self.satsim(["run", file, "--max-events", "100000"]).status != 2)
        // Switched off, or slow enough: searched.
        let slow = try Self.file(Self.chaos([small, "{ kind: set, path: clients.users.arrival.rate, value: 60/s }"]))
        #expect(try Self.satsim(["chaos", slow, "--out", try Self.folder()]).status == 0)
    }

    /// scenario-format.md: chaos `faults` are "candidate faults: timeline events", and `set` is
    /// one ("change any KEY.PATH mid-run"). It was refused as a fault, since a combination's
    /// timeline did not carry the settings it puts in force (it would have done nothing). Now
    /// 2 s service times for a second lose goodput (ChaosSetFaultTests holds the runs to the file's own timeline, bit for bit).
    @Test func aSetFaultActsAsInTheTimeline() throws {
        let fault = "{ for: 1s, kind: set, path: services.api.service_time.mean, value: 2s }"
        let file = try Self.file(Self.chaos([fault, "{ kind: kill, service: api, count: 1 }"], maxTogether: 2))
        let outcome = try Self.satsim(["chaos", file, "--out", try Self.folder(), "--format", "json"])
        Self.expect(outcome, 0, [])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(outcome.stdout.utf8)) as? [String: Any])
        let combinations = try #require(json["combinations"] as? [[String: Any]])
        let alone = try #require(combinations.first { ($0["faults"] as? [Int]) == [0] })
        let lost = try #require(alone["goodput_lost"] as? Double)
        #expect(lost > 0.05, "\(alone)")
    }

    /// DESIGN.md: no scenario text reaches a terminal as control characters, file names included
    /// (Console escapes every line it writes; the refusal of a file without a chaos block is one).
    @Test func aFileNameReachesTheTerminalEscaped() throws {
        let file = try Self.file(Self.tiny, name: "x\u{1B}[2Jy.yaml")
        let outcome = try Self.satsim(["chaos", file, "--out", try Self.folder()])
        Self.expect(outcome, 2, ["no `chaos` block"])
        #expect(!outcome.stderr.unicodeScalars.contains { $0.value == 0x1B }, "\(outcome.stderr)")
    }

    /// scenario-format.md: "`enabled` (default true)" on chaos faults; "a switched-off fault
    /// joins no combination". With every fault off there is nothing to search: chaos says so
    /// (exit 2, with the --set that switches one back on), while `run` of the file still works.
    @Test func everyFaultSwitchedOffIsNothingToSearch() throws {
        let off = try Self.file(Self.chaos(["{ kind: kill, service: api, count: 1, enabled: false }",
                                            "{ kind: scale, service: api, to: 3, enabled: false }"]))
        Self.expect(try Self.satsim(["chaos", off, "--out", try Self.folder(), "--format", "json"]), 2,
                    ["scenario.yaml:23:5: error: chaos.faults: every fault of the chaos block has `enabled: false`",
                     "--set chaos.faults.0.enabled=true"])
        let on = try Self.satsim(["chaos", off, "--set", "chaos.faults.0.enabled=true", "--out", try Self.folder(), "--format", "json"])
        Self.expect(on, 0, [])
        #expect(on.stdout.contains("\"combinations\""))
        Self.expect(try Self.satsim(["run", off, "--out", try Self.folder()]), 0, [])
    }

    /// DESIGN.md: user text reaching a terminal goes through TerminalText.escaped; a label of
    /// escape sequences is printed escaped, and an enormous one stays within the file's bound.
    @Test func labelsReachTheTerminalEscaped() throws {
        let file = try Self.file(Self.chaos([#"{ kind: kill, service: api, count: 1, label: "x\u001b[2J\u0007y" }"#], maxTogether: 1))
        let outcome = try Self.satsim(["chaos", file, "--out", try Self.folder()])
        Self.expect(outcome, 0, [])
        #expect(!outcome.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
        #expect(outcome.stdout.contains(#"x\u{1B}[2J\u{7}y"#))
        // The table is measured after escaping: the label (right-aligned, as every column but the
        // first) ends where its header "faults" ends.
        let lines = outcome.stdout.split(separator: "\n").map(String.init)
        if let header = lines.first(where: { $0.contains("goodput lost") }), let faults = header.range(of: "faults"),
           let row = lines.first(where: { $0.contains(#"x\u{1B}[2J\u{7}y"#) }), let label = row.range(of: #"x\u{1B}[2J\u{7}y"#) {
            #expect(header.distance(from: header.startIndex, to: faults.upperBound) == row.distance(from: row.startIndex, to: label.upperBound),
                    "misaligned:\n\(header)\n\(row)")
        } else {
            Issue.record("no table row with the label: \(outcome.stdout)")
        }
        let long = String(repeating: "L", count: 500_000)
        let big = try Self.file(Self.chaos(["{ kind: kill, service: api, count: 1, label: \(long) }"], maxTogether: 1))
        Self.expect(try Self.satsim(["chaos", big, "--out", try Self.folder()]), 0, [])
    }

    // MARK: - timeline set with for, cohorts

    /// scenario-format.md: "`- { at: 11m, for: 1m, kind: set, path: services.api.queue.timeout,
    /// value: 500ms } # with `for`: reverts after`". `for` at its extremes: 0 and 1ns are not
    /// durations of the format, one nanosecond (0.001us) is, and a window past the run's end or
    /// beyond 100000h is refused where it is written.
    @Test func setWithForAtItsExtremes() throws {
        let cases: [(String, Int32, [String])] = [
            ("0s", 2, ["scenario.yaml:18:20: error: timeline.1.for: found 0s, expected a duration > 0"]),
            ("1ns", 2, ["timeline.1.for: found 1ns", "'ns' is not a unit"]),
            ("0.001us", 0, []),
            ("10s", 2, ["timeline.1.for: the window ends at 11s, after the run ends at 5s"]),
            ("100001h", 2, ["timeline.1.for: found 100001h, expected a duration <= 100000h"]),
            (".nan", 2, ["timeline.1.for: found .nan"]),
        ]
        for (window, status, phrases) in cases {
            let file = try Self.file(Self.tiny + "  - { at: 1s, for: \(window), kind: set, path: clients.users.timeout, value: 10ms }\n")
            Self.expect(try Self.satsim(["run", file, "--out", try Self.folder()]), status, phrases)
        }
        // Overlapping sets of one path at the type's extremes, each reverting to what was in force.
        let overlapping = try Self.file(Self.tiny + """
              - { at: 1s, for: 3s, kind: set, path: services.api.workers, value: 10000 }
              - { at: 2s, for: 1s, kind: set, path: services.api.workers, value: 1 }
              - { at: 2500ms, for: 0.001us, kind: set, path: clients.users.timeout, value: 0.001us }

            """)
        Self.expect(try Self.satsim(["run", overlapping, "--out", try Self.folder()]), 0, [])
    }

    /// `set` values at the extremes of their types, for a window: a rate of 10^30/s stops at the
    /// event budget with exit 1 and its partial results ("A run that hits a limit stops cleanly");
    /// values past the schema are refused at the event, naming it.
    @Test func setValuesAtTheirTypeExtremes() throws {
        let cases: [(String, Int32, [String])] = [
            ("clients.users.arrival.rate, value: 999999999999999999999999999999/s", 1,
             ["the run stopped at 1s of simulated time, after its event budget of 200000 events"]),
            ("services.api.workers, value: 100000000", 2,
             ["scenario.yaml:18:70: error: services.api.workers: found 100000000, expected an integer <= 100000 (set by timeline.1)"]),
            ("services.api.queue.capacity, value: 9223372036854775807", 2, ["expected an integer <= 100000000 (set by timeline.1)"]),
            ("services.api.contention, value: 1.7976931348623157e308", 0, []),
            ("services.api.service_time.mean, value: 100000h", 0, []),
            ("clients.users.timeout, value: 0.001us", 0, []),
        ]
        for (assignment, status, phrases) in cases {
            let file = try Self.file(Self.tiny + "  - { at: 1s, for: 2s, kind: set, path: \(assignment) }\n")
            let out = try Self.folder()
            Self.expect(try Self.satsim(["run", file, "--out", out, "--max-events", "200000"]), status, phrases)
            if status == 1 {
                #expect(FileManager.default.fileExists(atPath: out + "/summary.json"), "the partial results are written")
            }
        }
    }

    /// Each `set` is checked, and its settings in force resolved, by decoding the whole file: 1,600
    /// sets took more than 100 s (400 took 29 s). Past ``ScenarioLoader/maximumCheckedNodes`` the
    /// file is refused at the first `set` over the budget; variants beside a long timeline the same.
    @Test func manySetsOrVariantsBesideALongTimelineAreRefusedNotChecked() throws {
        let sets = (0..<1_600).map { "  - { at: \(1_000 + $0 % 1_000)ms, for: 3s, kind: set, path: clients.users.timeout, value: \(10 + $0)ms }\n" }
        let file = try Self.file(Self.tiny + sets.joined())
        Self.expect(try Self.satsim(["validate", file]), 2, ["error: timeline.", "1600 `set` events", "more than 2000000 nodes in all"], in: \.stdout)
        let spikes = (0..<1_000).map { "  - { at: \(1_000 + $0 % 3_000)ms, for: 1ms, kind: load_spike, client: users, factor: 1.1 }\n" }
        let variants = "variants:\n" + (0..<400).map { "  v\($0): { services.api.instances: \(1 + $0 % 5) }\n" }.joined()
        let many = try Self.file(Self.tiny + spikes.joined() + variants)
        Self.expect(try Self.satsim(["validate", many]), 2, ["error: variants.v", "400 variants", "more than 2000000 nodes in all"], in: \.stdout)
    }

    /// scenario-format.md: "`share`: only that share of the clients' requests ... (the experiment
    /// cohort)", a ratio in [0, 1]. 0, 1 and the subnormal edges run; NaN and infinity written as
    /// YAML's `.nan`/`.inf` are refused where they are written.
    @Test func cohortSharesAtTheirExtremes() throws {
        let cases: [(String, Int32)] = [("0", 0), ("1", 0), ("1e-300", 0), ("5e-324", 0), ("-0.0", 0),
                                        (".nan", 2), (".NaN", 2), (".inf", 2), ("-1e-300", 2), ("1.0000001", 2)]
        for (share, status) in cases {
            let file = try Self.file(Self.tiny + "  - { at: 2s, for: 1s, kind: errors, service: api, ratio: 1.0, share: \(share) }\n")
            let outcome = try Self.satsim(["run", file, "--out", try Self.folder(), "--format", "json"])
            Self.expect(outcome, status, status == 2 ? ["scenario.yaml:18:71: error: timeline.1.share: found \(share), expected a number in [0, 1]"] : [])
            if status == 0 { #expect(outcome.stdout.contains("\"cohorts\""), "share \(share): no cohorts in summary.json") }
        }
    }
}
