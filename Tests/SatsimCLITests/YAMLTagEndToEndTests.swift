import Foundation
import Testing

/// A scenario with a tag outside YAML 1.2's core schema (YAML 1.2.2 section 10.3) is bad input:
/// every command that reads it refuses it with a located diagnostic and exit code 2.
@Suite("A foreign YAML tag exits 2")
struct YAMLTagEndToEndTests {
    @Test("validate, run and sweep refuse !!python/object:os.system with file:line:col, the key and what was expected")
    func foreignTagExitsTwo() throws {
        let text = RunEndToEndTests.small.replacingOccurrences(
            of: "description: Two instances", with: "description: !!python/object:os.system Two instances")
        let file = try CLIHarness.scenarioFile(text, name: "tagged.yaml")
        for arguments in [["validate", file.path], ["run", file.path], ["sweep", file.path, "--vary", "seed=1,2"]] {
            let result = try CLIHarness.run(arguments, timeout: 120)
            #expect(result.status == 2, "\(arguments[0]): \(result.stdout) \(result.stderr)")
            #expect((result.stdout + result.stderr).contains(
                "tagged.yaml:2:14: error: description: found the tag '!!python/object:os.system'; expected no tag"),
                "\(arguments[0]): \(result.stdout) \(result.stderr)")
        }
    }
}
