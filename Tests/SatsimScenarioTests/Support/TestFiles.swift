import Foundation
import SatsimTestSupport
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

    static var isRecording: Bool { Golden.isRecording }
}

/// Compares `actual` with the golden file `Golden/<name>` (see ``Golden``).
func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) {
    Golden.expect(actual, named: name, in: TestFiles.goldenDirectory, sourceLocation: sourceLocation)
}
