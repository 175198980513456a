import Foundation
import Testing
@testable import SatsimScenario

/// A key written without its ':' is the commonest slip in a hand-edited scenario. In YAML a block
/// mapping's entry is `key: value` (YAML 1.2.2, https://yaml.org/spec/1.2.2/#822-block-mappings),
/// and a line of bare words is a plain scalar that may run on over the next lines
/// (#733-plain-style). So libyaml reports the slip where it gave up: a line later, as "could not
/// find expected ':'" or "mapping values are not allowed in this context", naming neither the
/// line at fault nor the fix. The reader now points at the line without the ':' and shows it
/// written with one.
@Suite struct MissingColonTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var text: String
        var line: Int
        var column: Int
        var written: String
        var fixed: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // libyaml: 3:1 "could not find expected ':' (while scanning a simple key at line 2)".
        Case(name: "a top-level key and its value", text: "name: x\nduration 5m\nclients: {}\n",
             line: 2, column: 1, written: "duration 5m", fixed: "duration: 5m"),
        // libyaml: 4:9 "mapping values are not allowed in this context".
        Case(name: "a name above its settings", text: "name: x\nclients:\n  users\n    rate: 5\n",
             line: 3, column: 3, written: "users", fixed: "users:"),
        // libyaml: 4:8, the same words; the bare word runs on into a line at its own indentation.
        Case(name: "a bare word above a sibling", text: "name: x\nclients:\n  users\n  other: 5\n",
             line: 3, column: 3, written: "users", fixed: "users:"),
        // libyaml: 6:5 "did not find expected key (while parsing a block mapping at line 3)": the
        // comment ends the plain text; it and the blank line after it are skipped.
        Case(name: "a setting above another, with a comment", text: "name: x\nclients:\n  users:\n    rate 5   # per second\n\n    timeout: 1s\n",
             line: 4, column: 5, written: "rate 5", fixed: "rate: 5"),
        // libyaml: 6:1 "could not find expected ':' (while scanning a simple key at line 5)".
        Case(name: "the last setting of a block", text: "name: x\nclients:\n  users:\n    rate: 5\n    timeout   1s\n",
             line: 5, column: 5, written: "timeout   1s", fixed: "timeout: 1s"),
    ]

    @Test(arguments: cases)
    func theLineWithoutItsColonIsNamedWithTheFix(_ c: Case) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: c.text, file: "slip.yaml") }
        #expect(error.diagnostics.count == 1, "\(error.description)")
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.line == c.line, "\(error.description)")
        #expect(diagnostic.column == c.column, "\(error.description)")
        #expect(diagnostic.message.hasPrefix("invalid YAML: '\(c.written)' has no ':' after its key, so YAML cannot read it as a setting; write '\(c.fixed)'"),
                "\(diagnostic.message)")
    }

    /// Blank lines between the bare word and the ':' libyaml stopped at are walked back over
    /// once: a hostile file of 60,000 of them took over a minute when each step split the file
    /// again.
    @Test func manyBlankLinesBetween() throws {
        let text = "name: x\nclients:\n  users\n" + String(repeating: "\n", count: 60_000) + "    rate: 5\n"
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "slip.yaml") }
        let diagnostic = try #require(error.diagnostics.first)
        #expect(diagnostic.line == 3 && diagnostic.column == 3, "\(error.description)")
        #expect(diagnostic.message.contains("line 60004"), "\(diagnostic.message)")
    }

    /// Where libyaml stopped is still told when it is another line, so that nothing it said is lost.
    @Test func whereLibyamlStoppedIsKept() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: "name: x\nclients:\n  users\n    rate: 5\n", file: "slip.yaml")
        }
        #expect(error.diagnostics.first?.message.hasSuffix(
            "(libyaml stopped at line 4, column 9: mapping values are not allowed in this context)") == true, "\(error.description)")
    }

    /// Other errors of the same words keep libyaml's message: a value that runs on into a line
    /// holding ': ' (the line before holds a ':' of its own), a list item, a quoted word, a
    /// value's continuation line, and a key indented too little.
    @Test(arguments: [
        "name: x\nclients:\n  users:\n    description: hello\n      world: 5\n",
        "name: x\ntimeline:\n- kill\n  at: 5\n",
        "name: x\nclients:\n  'users'\n    rate: 5\n",
        // A value's second line, then a key indented too little: "did not find expected key".
        "name: x\nclients:\n  users:\n    description: a long\n      text\n   rate: 5\n",
        // A key indented too little after a complete setting.
        "name: x\nclients:\n  users:\n    rate: 5\n   timeout: 1s\n",
    ])
    func otherErrorsKeepLibyamlsWords(_ text: String) throws {
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "slip.yaml") }
        let message = try #require(error.diagnostics.first?.message)
        #expect(!message.contains("has no ':'"), "\(message)")
        #expect(message.hasPrefix("invalid YAML: "), "\(message)")
    }
}
