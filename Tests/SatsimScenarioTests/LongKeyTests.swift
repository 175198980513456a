import Foundation
import Testing
@testable import SatsimScenario

/// A key of more than 1024 characters: YAML reads a key written without '?' only when its ':'
/// comes at most 1024 Unicode characters after the key's start (YAML 1.2.2,
/// https://yaml.org/spec/1.2.2/#742-flow-mappings, and #822-block-mappings for block keys).
/// libyaml then said "could not find expected ':'", "mapping values are not allowed in this
/// context" or "did not find expected ',' or '}'" depending on where the key stood, at the ':'
/// and with no key path; a 5,000-character component name got only that. Now: the key's line
/// and column, its path, and what is wrong, whichever of the three it was.
@Suite struct LongKeyTests {
    static let long = String(repeating: "a", count: 5_000)

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var parent: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // libyaml: "mapping values are not allowed in this context" (the key was read as the value of `clients`).
        Case(name: "first key of a block mapping", text: "name: x\nclients:\n  \(long):\n    target: api\n",
             line: 3, column: 3, parent: "clients."),
        // libyaml: "could not find expected ':'" (a key that must start its line).
        Case(name: "later key of a block mapping", text: "name: x\nservices:\n  api:\n    workers: 2\n  \(long):\n    workers: 2\n",
             line: 5, column: 3, parent: "services."),
        Case(name: "later key after a block sequence", text: "name: x\nclients:\n  users:\n    retry:\n      on:\n      - error\n  \(long): {}\n",
             line: 7, column: 3, parent: "clients."),
        Case(name: "key of an item", text: "name: x\ntimeline:\n- at: 1m\n  \(long): 2\n", line: 4, column: 3, parent: "timeline.0."),
        Case(name: "top-level key", text: "name: x\n\(long): 1\n", line: 2, column: 1, parent: ""),
        Case(name: "spaces before the colon", text: "name: x\nclients:\n  \(long)   :\n    target: api\n", line: 3, column: 3, parent: "clients."),
        Case(name: "quoted key", text: "name: x\nservices:\n  api: {}\n  \"\(long)\": {}\n", line: 4, column: 3, parent: "services."),
        // libyaml: "did not find expected ',' or '}'".
        Case(name: "key of a flow mapping", text: "name: x\nservices: { api: {}, \(long): {} }\n", line: 2, column: 22, parent: "services."),
        // libyaml: "did not find expected ',' or ']'".
        Case(name: "key of a flow sequence's pair", text: "name: x\ndescription: [\(long): b]\n", line: 2, column: 15, parent: "description.0."),
    ]

    @Test(arguments: cases)
    func aLongKeyIsToldAtTheKey(_ c: Case) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: c.text, file: "long.yaml") }
        let diagnostic = try #require(error.diagnostics.first)
        #expect(error.diagnostics.count == 1, "\(error.description)")
        #expect(diagnostic.line == c.line, "\(error.description)")
        #expect(diagnostic.column == c.column, "\(error.description)")
        let written = c.name == "quoted key" ? 5_002 : 5_000
        #expect(diagnostic.path == c.parent + Self.long, "\(diagnostic.path.prefix(40))")
        #expect(diagnostic.message.hasPrefix("found a key of \(written) characters ('"), "\(diagnostic.message)")
        #expect(diagnostic.message.hasSuffix("...'): YAML reads a key written without '?' only when its ':' comes at most 1024 characters "
            + "after its start, so this key is not read as one; names are at most 100 characters"), "\(diagnostic.message)")
        #expect(!diagnostic.message.contains("invalid YAML"))
        // The rendered line cuts the key: the message is a line, not the user's key echoed back.
        #expect(error.description.count < 600, "\(error.description.count) characters")
    }

    /// 1024 characters is the limit: one under it is a key like any other (refused later as a
    /// name of more than 100 characters, at its path).
    @Test func aKeyWithinTheLimitIsReadAsAKey() throws {
        let key = String(repeating: "a", count: 1_000)
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: "name: x\nservices:\n  api: {}\n  \(key): {}\n", file: "long.yaml")
        }
        #expect(!error.description.contains("1024"), "\(error.description.prefix(300))")
    }

    /// A long value holding ': ' is a value written wrongly, not a long key: it keeps libyaml's
    /// own words, and so does the same mistake in a short one.
    @Test(arguments: [
        "name: x\ndescription: \(String(repeating: "word ", count: 300))note: more\n",
        "name: x\ndescription: {a: \(String(repeating: "w", count: 1_100)): b}\n",
        "name: x\ndescription: short note: more\n",
    ])
    func aLongValueHoldingAColonIsNotCalledAKey(_ text: String) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "long.yaml") }
        #expect(error.description.contains("invalid YAML: "), "\(error.description.prefix(300))")
        #expect(!error.description.contains("found a key of"), "\(error.description.prefix(300))")
    }
}
