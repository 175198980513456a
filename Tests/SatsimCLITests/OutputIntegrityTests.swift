import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `--out DIR` holds one run's set of outputs at every instant, even when satsim is killed with
/// SIGKILL partway through replacing it, and the next run cleans up after a killed one without
/// touching the user's own files (OutputDirectory's protocol).
@Suite("Output folders are never a mix of two runs")
struct OutputIntegrityTests {
    /// Two services: more charts than ``RunEndToEndTests/small`` draws, so that sets differ in
    /// their names, not only in their bytes.
    static let twoServices = """
        name: two-services
        description: An API and its database.
        duration: 12s
        warmup: 2s
        seed: 1
        clients:
          users:
            target: api
            arrival: { process: poisson, rate: 200/s }
            timeout: 500ms
        services:
          api:
            instances: 2
            workers: 4
            service_time: { dist: exponential, mean: 5ms }
            calls:
              - service: db
                timeout: 200ms
          db:
            instances: 1
            workers: 8
            service_time: { dist: exponential, mean: 10ms }
        """

    /// The visible files of a folder and their bytes.
    static func files(in folder: URL) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) where !name.hasPrefix(".") {
            result[name] = try Data(contentsOf: folder.appendingPathComponent(name))
        }
        return result
    }

    static func hiddenNames(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix(".") }.sorted()
    }

    /// Copies every file (hidden ones included: the manifest) of `source` into `target`.
    static func copyFolder(_ source: URL, to target: URL) throws {
        try? FileManager.default.removeItem(at: target)
        try FileManager.default.copyItem(at: source, to: target)
    }

    /// Every k from 1 on: the folder holds a complete earlier run (one service) and the user's
    /// note; a run of another scenario (two services, more charts) is killed with SIGKILL right
    /// after its k-th change to the folder. The folder must then hold a subset of one run's
    /// files, byte for byte, and summary.json only beside the whole set. The next run (one
    /// service again, another seed) must leave exactly its own complete set, the note and the
    /// manifest: the killed run's extra charts too must go, though neither the earlier set nor
    /// the next one names them.
    @Test("kill -9 after every step: no mix, summary.json means complete, the next run cleans up")
    func killAtEveryStep() throws {
        let root = try CLIHarness.temporaryDirectory()
        let oneService = root.appendingPathComponent("one.yaml"), twoServices = root.appendingPathComponent("two.yaml")
        try Data(RunEndToEndTests.small.utf8).write(to: oneService)
        try Data(Self.twoServices.utf8).write(to: twoServices)
        let note = Data("my own notes, not satsim's\n".utf8)

        // Complete runs to compare with: the earlier set, the killed run's, the next run's.
        let old = root.appendingPathComponent("old"), new = root.appendingPathComponent("new")
        let next = root.appendingPathComponent("next")
        #expect(try CLIHarness.run(["run", oneService.path, "--seed", "1", "--out", old.path], timeout: 120).status == 0)
        #expect(try CLIHarness.run(["run", twoServices.path, "--seed", "2", "--out", new.path], timeout: 120).status == 0)
        #expect(try CLIHarness.run(["run", oneService.path, "--seed", "3", "--out", next.path], timeout: 120).status == 0)
        let oldSet = try Self.files(in: old), newSet = try Self.files(in: new), nextSet = try Self.files(in: next)
        #expect(newSet.count > oldSet.count, "the killed run should have more charts")
        #expect(Set(nextSet.keys) == Set(oldSet.keys))
        #expect(oldSet["summary.json"] != newSet["summary.json"])

        var killed = 0
        for k in 1...200 {
            let folder = root.appendingPathComponent("out-\(k)")
            try Self.copyFolder(old, to: folder)
            try note.write(to: folder.appendingPathComponent("notes.txt"))
            let result = try CLIHarness.run(
                ["run", twoServices.path, "--seed", "2", "--out", folder.path, "--format", "json"],
                environment: ["SATSIM_TEST_KILL_AFTER_STEP": String(k)], timeout: 120)
            #expect(!result.timedOut)
            var present = try Self.files(in: folder)
            #expect(present.removeValue(forKey: "notes.txt") == note, "step \(k): the user's file changed")
            let fromOld = present.allSatisfy { oldSet[$0.key] == $0.value }
            let fromNew = present.allSatisfy { newSet[$0.key] == $0.value }
            #expect(fromOld || fromNew, "step \(k): the folder mixes two runs: \(present.keys.sorted())")
            if present["summary.json"] != nil {
                let whole = fromOld ? oldSet : newSet
                #expect(Set(present.keys) == Set(whole.keys), "step \(k): summary.json beside an incomplete set")
            }
            for name in try Self.hiddenNames(in: folder) {
                #expect(name == ".satsim-run-outputs" || name.hasPrefix(".satsim-partial-"), "step \(k): stray \(name)")
            }

            // The next run into the folder leaves its complete set, the note and the manifest.
            let rerun = try CLIHarness.run(["run", oneService.path, "--seed", "3", "--out", folder.path], timeout: 120)
            #expect(rerun.status == 0, "step \(k): \(rerun.stderr)")
            var after = try Self.files(in: folder)
            #expect(after.removeValue(forKey: "notes.txt") == note)
            #expect(after == nextSet, "step \(k): after the next run: \(after.keys.sorted())")
            #expect(try Self.hiddenNames(in: folder) == [".satsim-run-outputs"], "step \(k): partial files remain")
            try? FileManager.default.removeItem(at: folder)

            if result.reason == .exit {
                #expect(result.status == 0, "step \(k): \(result.stderr)")
                break
            }
            #expect(result.reason == .uncaughtSignal && result.status == SIGKILL)
            killed += 1
        }
        // Writing n files, the manifest, n' removals, n renames, the manifest: every step was
        // visited, and there are at least as many as the files of both sets.
        #expect(killed >= oldSet.count + 2 * newSet.count + 2, "only \(killed) steps")
        // Sanity of the check itself: a folder holding one file of each run would be a mix.
        #expect(!(oldSet["report.html"] == newSet["report.html"] || oldSet["timeseries.csv"] == newSet["timeseries.csv"]))
    }

    /// The same for `compare`, whose set is comparison.json (the seal), comparison.csv and
    /// report.html.
    @Test("compare: kill -9 after every step leaves no mix")
    func compareKillAtEveryStep() throws {
        let scenario = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let root = scenario.deletingLastPathComponent()
        let old = root.appendingPathComponent("old"), new = root.appendingPathComponent("new")
        let common = ["compare", scenario.path, "--replications", "2", "--jobs", "1"]
        #expect(try CLIHarness.run(common + ["--seed", "1", "--out", old.path], timeout: 120).status == 0)
        #expect(try CLIHarness.run(common + ["--seed", "2", "--out", new.path], timeout: 120).status == 0)
        let oldSet = try Self.files(in: old), newSet = try Self.files(in: new)
        #expect(Set(oldSet.keys) == ["comparison.json", "comparison.csv", "report.html"])
        var killed = 0
        for k in 1...50 {
            let folder = root.appendingPathComponent("out-\(k)")
            try Self.copyFolder(old, to: folder)
            let result = try CLIHarness.run(common + ["--seed", "2", "--out", folder.path],
                                            environment: ["SATSIM_TEST_KILL_AFTER_STEP": String(k)], timeout: 120)
            let present = try Self.files(in: folder)
            let fromOld = present.allSatisfy { oldSet[$0.key] == $0.value }
            let fromNew = present.allSatisfy { newSet[$0.key] == $0.value }
            #expect(fromOld || fromNew, "step \(k): mixed: \(present.keys.sorted())")
            if present["comparison.json"] != nil {
                #expect(present.count == 3, "step \(k): comparison.json beside an incomplete set")
            }
            if result.reason == .exit { break }
            killed += 1
        }
        #expect(killed >= 3 + 1 + 3 + 3)
    }

    /// Each output is renamed over the old one, never rewritten in place: a hard link to the old
    /// file (another name for the same inode) keeps the old bytes. A writer that truncated and
    /// rewrote summary.json at its final name would change them, and a reader could see half a
    /// file.
    @Test("Outputs are written by rename, not in place")
    func outputsAreRenamedIntoPlace() throws {
        let scenario = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let root = scenario.deletingLastPathComponent()
        let out = root.appendingPathComponent("out")
        #expect(try CLIHarness.run(["run", scenario.path, "--seed", "1", "--out", out.path], timeout: 120).status == 0)
        let names = try Self.files(in: out).keys.sorted()
        var before: [String: Data] = [:]
        for name in names {
            let link = root.appendingPathComponent("link-\(name)")
            #expect(Glibc.link(out.appendingPathComponent(name).path, link.path) == 0)
            before[name] = try Data(contentsOf: link)
        }
        #expect(try CLIHarness.run(["run", scenario.path, "--seed", "2", "--out", out.path], timeout: 120).status == 0)
        for name in names {
            let link = root.appendingPathComponent("link-\(name)")
            #expect(try Data(contentsOf: link) == before[name], "\(name) was rewritten in place")
            var a = stat(), b = stat()
            #expect(stat(link.path, &a) == 0 && stat(out.appendingPathComponent(name).path, &b) == 0)
            #expect(a.st_ino != b.st_ino, "\(name) is the same file as before")
        }
        #expect(try Data(contentsOf: out.appendingPathComponent("summary.json")) != before["summary.json"])
    }

    /// `--out .` in a folder of the user's: satsim removes only what its manifest lists (its own
    /// earlier outputs, including charts the new run no longer draws) and partial files of dead
    /// satsim processes; a live process's partial file stays.
    @Test("Only satsim's own files are removed, even with --out .")
    func userFilesSurvive() throws {
        let root = try CLIHarness.temporaryDirectory()
        let oldScenario = root.appendingPathComponent("old.yaml"), newScenario = root.appendingPathComponent("new.yaml")
        try Data(Self.twoServices.utf8).write(to: oldScenario)
        try Data(RunEndToEndTests.small.utf8).write(to: newScenario)
        let mine = ["notes.txt", "draft.svg", "summary.json.bak", ".hidden", "old.yaml", "new.yaml"]
        for name in mine where !name.hasSuffix(".yaml") {
            try Data("mine: \(name)\n".utf8).write(to: root.appendingPathComponent(name))
        }
        #expect(try CLIHarness.run(["run", "old.yaml", "--out", "."], currentDirectory: root, timeout: 120).status == 0)
        let oldNames = Set(try Self.files(in: root).keys)
        #expect(oldNames.contains("service-db.svg"))

        // A partial file of a process that has ended, and one of this (live) test process.
        let ended = Process()
        ended.executableURL = URL(fileURLWithPath: "/bin/true")
        try ended.run()
        ended.waitUntilExit()
        let stale = ".satsim-partial-\(ended.processIdentifier).report.html"
        let live = ".satsim-partial-\(getpid()).report.html"
        // The form earlier versions of satsim used, and a look-alike that is not an output name.
        let legacy = ".timeseries.csv.partial-\(ended.processIdentifier)"
        let lookAlike = ".notes.txt.partial-\(ended.processIdentifier)"
        for name in [stale, live, legacy, lookAlike] { try Data("half".utf8).write(to: root.appendingPathComponent(name)) }

        #expect(try CLIHarness.run(["run", "new.yaml", "--out", "."], currentDirectory: root, timeout: 120).status == 0)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: root.path))
        for name in mine { #expect(names.contains(name), "\(name) of the user was removed") }
        for name in mine where !name.hasSuffix(".yaml") {
            #expect(try Data(contentsOf: root.appendingPathComponent(name)) == Data("mine: \(name)\n".utf8))
        }
        #expect(!names.contains("service-db.svg"), "a chart of the earlier run was left beside the new set")
        #expect(!names.contains(stale), "the dead run's partial file was left")
        #expect(names.contains(live), "a live process's partial file was removed")
        #expect(!names.contains(legacy), "an earlier version's partial file was left")
        #expect(names.contains(lookAlike), "a file that only looks like a partial output was removed")
        let manifest = try String(contentsOf: root.appendingPathComponent(".satsim-run-outputs"), encoding: .utf8)
        #expect(manifest.split(separator: "\n").first == "summary.json")
        #expect(Set(manifest.split(separator: "\n").map(String.init)) == Set(names.filter { !$0.hasPrefix(".") }).subtracting(mine))
    }

    /// A manifest edited to name files outside the folder, or satsim's bookkeeping, is ignored
    /// for those names.
    @Test("A manifest naming paths outside the folder removes nothing there")
    func manifestCannotEscape() throws {
        let scenario = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let root = scenario.deletingLastPathComponent()
        let out = root.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        try Data("keep\n".utf8).write(to: root.appendingPathComponent("outside.txt"))
        try Data("summary.json\n../outside.txt\n\(root.path)/outside.txt\n..\n".utf8)
            .write(to: out.appendingPathComponent(".satsim-run-outputs"))
        #expect(try CLIHarness.run(["run", scenario.path, "--out", out.path], timeout: 120).status == 0)
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("outside.txt").path))
        #expect(FileManager.default.fileExists(atPath: scenario.path))
    }

    @Test("--out '' and folders that cannot be written: exit 2 and one plain sentence", arguments: [
        (["run"], ""), (["compare", "--replications", "1"], ""),
        (["run"], "FILE/inside"), (["run"], "FILE"), (["compare", "--replications", "1"], "FILE/inside"),
        (["run"], "/proc/satsim-cannot-be-here"),
    ])
    func unwritableFolders(command: [String], out: String) throws {
        let scenario = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let file = scenario.deletingLastPathComponent().appendingPathComponent("a-file")
        try Data("x".utf8).write(to: file)
        let target = out.replacingOccurrences(of: "FILE", with: file.path)
        let result = try CLIHarness.run([command[0], scenario.path] + command.dropFirst() + ["--out", target], timeout: 120)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stdout.isEmpty, "nothing is run or printed: \(result.stdout)")
        let message = result.stderr.split(separator: "\n").first.map(String.init) ?? ""
        #expect(message.contains("--out"), "\(result.stderr)")
        for dump in ["Error Domain", "NSError", "UserInfo", "NSCocoaErrorDomain", "NSFilePath"] {
            #expect(!result.stderr.contains(dump), "\(result.stderr)")
        }
        if !target.isEmpty {
            #expect(result.stderr.split(separator: "\n").count == 1, "more than one line: \(result.stderr)")
        } else {
            #expect(message.contains("--out needs a folder path"), "\(result.stderr)")
        }
    }

    /// swift-corelibs-foundation's `deletingLastPathComponent` trapped on a one-character
    /// relative path, so `--out o` crashed the run instead of writing its outputs.
    @Test("One-character and nested relative folders are created: o, a/b, c/")
    func shortRelativeFolders() throws {
        let scenario = try CLIHarness.scenarioFile(Self.twoServices)
        let workspace = try CLIHarness.temporaryDirectory()
        for folder in ["o", "a/b", "c/"] {
            let result = try CLIHarness.run(["run", scenario.path, "--out", folder], currentDirectory: workspace)
            #expect(result.status == 0, "--out \(folder): \(result.stderr)")
            let summary = workspace.appendingPathComponent(folder).appendingPathComponent("summary.json")
            #expect(FileManager.default.fileExists(atPath: summary.path), "--out \(folder)")
        }
    }
}
