import Foundation
import Testing

/// A name the user wrote is echoed cut, never whole: a value may be most of a 1 MiB file, or a
/// flag of any length (DESIGN.md, "Errors and bad input": the message is a line that says what
/// was wrong, not the user's text sent back). Before, `no service named '...'` wrote the whole
/// name: 200 KB for a `target` of 200,000 characters, and a `--vary` of 100,000 wrote it twice
/// in the sweep's "point 0 (...) does not load" line.
@Suite("long names are echoed cut")
struct LongValueEchoTests {
    static let long = String(repeating: "x", count: 200_000)
    /// Linux takes one argument of at most 128 KiB (MAX_ARG_STRLEN).
    static let longFlag = String(repeating: "x", count: 100_000)
    /// What the messages show of it: its first 60 characters and "...".
    static let cut = String(repeating: "x", count: 60) + "..."

    @Test func aTargetInTheFile() throws {
        let text = HostilePlanTests.tiny.replacingOccurrences(of: "target: api", with: "target: \(Self.long)")
        let outcome = try HostilePlanTests.satsim(["validate", try HostilePlanTests.file(text)])
        HostilePlanTests.expect(outcome, 2, ["clients.users.target: no service named '\(Self.cut)'"], in: \.stdout)
        #expect(outcome.stdout.count < 1_000, "\(outcome.stdout.count) characters")
    }

    @Test func aTargetOrAServiceInASet() throws {
        let file = try HostilePlanTests.file(HostilePlanTests.tiny)
        let target = try HostilePlanTests.satsim(["run", file, "--set", "clients.users.target=\(Self.longFlag)"])
        HostilePlanTests.expect(target, 2, ["--set:1:22: error: clients.users.target: no service named '\(Self.cut)'"])
        #expect(target.stderr.count < 1_000, "\(target.stderr.count) characters")
        let service = try HostilePlanTests.satsim(["run", file, "--set", "services.\(Self.longFlag).workers=1"])
        HostilePlanTests.expect(service, 2, ["no service named '\(Self.cut)'"])
        #expect(service.stderr.count < 1_000, "\(service.stderr.count) characters")
    }

    @Test func aTargetInAVary() throws {
        let outcome = try HostilePlanTests.satsim(["sweep", try HostilePlanTests.file(HostilePlanTests.tiny), "--out", try HostilePlanTests.folder(),
                                                   "--vary", "clients.users.target=\(Self.longFlag),api"])
        HostilePlanTests.expect(outcome, 2, ["point 0 (clients.users.target=\(Self.cut)) does not load",
                                             "--vary:1:22: error: clients.users.target: no service named '\(Self.cut)'"])
        #expect(outcome.stderr.count < 1_000, "\(outcome.stderr.count) characters")
    }
}
