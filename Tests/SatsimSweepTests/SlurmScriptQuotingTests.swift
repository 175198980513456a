import Foundation
import Testing
@testable import SatsimSweep

/// The Slurm script carries each job's own script in a here-document (bash(1), "Here
/// Documents": the document ends at the first line that is exactly its delimiter, quoted or
/// not). A folder, scenario or `--set` value with a line break used to be written inside single
/// quotes as it was, so a line `SATSIM_TASK` in it ended the document early and the lines after
/// it ran on the login node as commands. And sbatch reads `%` in `--output` as a replacement
/// symbol (sbatch(1), "filename pattern": `%%` is the character `%`), so logs of an `--out` with
/// a `%` in its name went elsewhere.
@Suite struct SlurmScriptQuotingTests {
    /// Texts a name or a value may hold: quotes, backslashes, a control character followed by a
    /// digit (the octal escape must not swallow it), ESC, DEL, tabs, non-ASCII.
    static let texts = [
        "plain/path", "it's", "a\nb", "x\nSATSIM_TASK\ntouch pwned\n", "back\\slash\n", "\u{1}7", "tab\there",
        "esc\u{1B}[31m", "del\u{7F}", "cr\r\n", "é ü 日本 \n", "'\n'", "$(id) `id` \"q\"\n",
    ]

    /// What bash makes of `word`: `printf %s WORD` run by bash, its output as bytes.
    static func bashReads(_ word: String) throws -> String? {
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "printf %s " + word]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func quotedTextIsReadBackAsItWasAndHasNoLineBreak() throws {
        for text in Self.texts {
            let word = SlurmScript.quoted(text)
            #expect(!word.contains("\n") && !word.contains("\r"), "\(word)")
            guard let read = try Self.bashReads(word) else {
                Issue.record("/bin/bash is not installed: the quoting cannot be checked against it")
                return
            }
            #expect(read == text, "\(word) reads back as \(read.debugDescription), not \(text.debugDescription)")
        }
        // Text without a control character keeps the plain single quotes.
        #expect(SlurmScript.quoted("/a b/it's") == "'/a b/it'\\''s'")
    }

    @Test func aLineBreakInAPathOrAValueCannotEndAHereDocument() {
        let script = SlurmScript(
            satsim: "/bin/satsim\nSATSIM_MERGE", file: "/s/x\nSATSIM_TASK\ntouch pwned\n/t.yaml",
            arguments: ["--set", "description=a\nSATSIM_MERGE\nrm -rf ~"], out: "/o\nSATSIM_TASK", scenario: "t",
            tasks: 2, cpusPerTask: 1).text
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false)
        // Each delimiter is a whole line once: where its document ends.
        #expect(lines.filter { $0 == "SATSIM_TASK" }.count == 1)
        #expect(lines.filter { $0 == "SATSIM_MERGE" }.count == 1)
        #expect(!lines.contains { $0.hasPrefix("touch") || $0.hasPrefix("rm ") })
    }

    @Test func aPercentInTheFolderIsLiteralInSbatchOutput() {
        let script = SlurmScript(satsim: "/bin/satsim", file: "/s/t.yaml", arguments: [], out: "/runs/100%x",
                                 scenario: "t", tasks: 2, cpusPerTask: 1).text
        #expect(script.contains("--output='/runs/100%%x/logs/shard-%a.out'"))
        #expect(script.contains("--output='/runs/100%%x/logs/merge.out'"))
        // Everywhere else the folder is the folder.
        #expect(script.contains("mkdir -p '/runs/100%x/shards' '/runs/100%x/logs'"))
        #expect(script.contains("--out '/runs/100%x'"))
    }
}
