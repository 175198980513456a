import Foundation
import Testing
@testable import SatsimCLI

@Suite struct ValidateCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SatsimScenarioTests/Golden/Fixtures")

    @Test func validFileIsReportedOK() {
        let file = Self.fixtures.appendingPathComponent("minimal.yaml").path
        let report = ValidateCommand.report(files: [file])
        #expect(report.allValid)
        #expect(report.output == "\(file): OK")
    }

    @Test func anyBadFileFailsAndEveryFileIsReported() throws {
        let good = Self.fixtures.appendingPathComponent("minimal.yaml").path
        // The full contract is valid; a file that changes a fixed setting mid-run is not.
        let unsupported = try CLIHarness.scenarioFile(
            (try String(contentsOf: Self.fixtures.appendingPathComponent("full-contract.yaml"), encoding: .utf8))
                .replacingOccurrences(of: "\nvariants:\n", with: "\n  - { at: 1m, kind: set, path: duration, value: 5m }\nvariants:\n")).path
        let report = ValidateCommand.report(files: [good, "missing.yaml", unsupported])
        #expect(!report.allValid)
        let lines = report.output.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(good): OK")
        #expect(lines.contains("missing.yaml:1:1: error: no such file"))
        #expect(lines.contains { $0.hasPrefix("\(unsupported):") && $0.contains("cannot change duration mid-run") })
    }

    @Test func exitCodeIsTwoWhenAFileIsBad() throws {
        var command = try ValidateCommand.parse(["missing.yaml"])
        #expect(throws: (any Error).self) { try command.run() }
        do {
            try command.run()
        } catch {
            #expect(ValidateCommand.exitCode(for: error).rawValue == 2)
        }
        command = try ValidateCommand.parse([Self.fixtures.appendingPathComponent("minimal.yaml").path])
        #expect(throws: Never.self) { try command.run() }
    }
}
