import Foundation
import Testing

/// Paths of the repository, the test fixtures and the golden files, found from this file's path
/// so tests run the same from any working directory.
enum TestFiles {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let goldenDirectory = testsDirectory.appendingPathComponent("Golden")
    static let fixturesDirectory = goldenDirectory.appendingPathComponent("Fixtures")
    static let repositoryRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String { fixturesDirectory.appendingPathComponent(name).path }

    static func fixtureText(_ name: String) throws -> String {
        try String(contentsOfFile: fixture(name), encoding: .utf8)
    }

    /// The YAML files of a directory, sorted by name (empty when the directory does not exist).
    static func yamlFiles(in directory: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    /// `Scenarios/*.yaml` at the repository root.
    static var shippedScenarios: [String] { yamlFiles(in: repositoryRoot.appendingPathComponent("Scenarios")) }

    static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil }
}

/// Compares `actual` with the golden file `Golden/<name>`; with `RECORD_SNAPSHOTS` set, writes it
/// and fails so that a recording is never mistaken for a pass. A missing golden file fails.
func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    let url = TestFiles.goldenDirectory.appendingPathComponent(name)
    let text = actual.hasSuffix("\n") ? actual : actual + "\n"
    if TestFiles.isRecording {
        do {
            try text.write(to: url, atomically: true, encoding: .utf8)
            Issue.record("Recorded new baseline \(name)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("Could not record \(name): \(error)", sourceLocation: sourceLocation)
        }
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("Missing golden file \(name); run with RECORD_SNAPSHOTS=1 to create it", sourceLocation: sourceLocation)
        return
    }
    #expect(text == expected, "differs from golden file \(name)", sourceLocation: sourceLocation)
}
