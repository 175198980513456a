import Foundation
import Testing
@testable import SatsimSweep

/// scenario-format.md, "The command line": `satsim sweep FILE ... --slurm` prints a Slurm batch
/// script that submits with sbatch (https://slurm.schedmd.com/sbatch.html). Run where Slurm is
/// not installed, the script used to stop at bash's own "sbatch: command not found" (exit 127),
/// after creating the output folders. It now says plainly that sbatch is missing and what to do,
/// exits 1, and leaves nothing behind.
@Suite struct SlurmScriptWithoutSlurmTests {
    @Test func withoutSbatchTheScriptSaysSoPlainlyAndCreatesNothing() throws {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else {
            Issue.record("/bin/bash is not installed: the script cannot be run")
            return
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-noslurm-\(UUID().uuidString)")
        let emptyBin = root.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: emptyBin, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("sweep-out").path
        let script = SlurmScript(
            satsim: "/opt/satsim", file: "/s/t.yaml", arguments: ["--replications", "2"], out: out, scenario: "t",
            tasks: 2, cpusPerTask: 1).text

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        // A PATH with no sbatch (an empty folder), so the test cannot submit anything even on a
        // machine where Slurm is installed.
        process.environment = ["PATH": emptyBin.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = Pipe()
        try process.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationStatus == 1, "exit \(process.terminationStatus): \(message)")
        #expect(message.contains("sbatch not found"), "\(message)")
        #expect(message.contains("without --slurm"), "\(message)")
        #expect(!message.contains("command not found"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: out), "the script created \(out) before failing")
    }
}
