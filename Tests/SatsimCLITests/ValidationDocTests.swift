import Foundation
import Testing

/// docs/validation.md lists the published results the test suite holds satsim to, each with the
/// test that does it: a repository path in backticks (`Tests/.../SomeTests.swift`) followed, on
/// the same line, by one or more test display names in double quotes. These tests hold every such
/// citation to the code, so that a renamed test or a moved file turns the suite red instead of
/// leaving the page pointing at nothing.
///
/// - A cited test file must exist.
/// - A name in double quotes after it, up to the next cited file on the line, must be a test of
///   that file (a file may also be cited with no name, as an example): its display name as a Swift string literal (`@Test("name")`), or, for a test
///   declared without a display name, its function name (`func name(`).
/// - A line that cites names but no file before them is an error (the names would be unchecked).
/// - Every `*Theory*Tests.swift` file under Tests/ is cited: a new theory test must be listed.
@Suite struct ValidationDocTests {
    /// The repository root: this file is Tests/SatsimCLITests/ValidationDocTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let documentPath = "docs/validation.md"

    /// One citation: a test file and the display names cited for it, with the page's line number.
    struct Citation {
        var line: Int
        var path: String
        var names: [String]
    }

    /// The page's lines outside fenced code blocks, with their 1-based numbers.
    static func proseLines() throws -> [(number: Int, text: Substring)] {
        let text = try String(contentsOf: root.appendingPathComponent(documentPath), encoding: .utf8)
        var kept: [(Int, Substring)] = []
        var fenced = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.hasPrefix("```") {
                fenced.toggle()
                continue
            }
            if !fenced { kept.append((index + 1, line)) }
        }
        return kept
    }

    /// The citations of one line, in order, and the names that came before any cited file.
    /// Outside backticks a `"` opens or closes a name; inside them it is text.
    static func citations(in line: Substring, number: Int) -> (citations: [Citation], orphans: [String]) {
        var citations: [Citation] = []
        var orphans: [String] = []
        var span: String?
        var name: String?
        for character in line {
            if name != nil {
                if character == "\"" {
                    if citations.isEmpty { orphans.append(name!) } else { citations[citations.count - 1].names.append(name!) }
                    name = nil
                } else {
                    name?.append(character)
                }
            } else if character == "`" {
                if let closed = span {
                    if closed.hasPrefix("Tests/") && closed.hasSuffix(".swift") {
                        citations.append(Citation(line: number, path: closed, names: []))
                    }
                    span = nil
                } else {
                    span = ""
                }
            } else if span != nil {
                span?.append(character)
            } else if character == "\"" {
                name = ""
            }
        }
        return (citations, orphans)
    }

    static func allCitations() throws -> [Citation] {
        try proseLines().flatMap { citations(in: $0.text, number: $0.number).citations }
    }

    /// Whether `file` declares a test with display name `name`, or, lacking one, function `name`.
    static func declares(test name: String, in file: String) -> Bool {
        let literal = "\"" + name.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        // `@Test("name"` or `@Test(` then the name on the next line.
        let pattern = #"@Test\(\s*"# + NSRegularExpression.escapedPattern(for: literal)
        if let regex = try? NSRegularExpression(pattern: pattern),
           regex.firstMatch(in: file, range: NSRange(file.startIndex..., in: file)) != nil {
            return true
        }
        return file.contains("func \(name)(")
    }

    @Test("Every test file the page cites exists")
    func citedFilesExist() throws {
        let citations = try Self.allCitations()
        #expect(Set(citations.map(\.path)).count >= 30, "only \(Set(citations.map(\.path)).count) test files cited")
        for citation in citations {
            let url = Self.root.appendingPathComponent(citation.path)
            let exists = FileManager.default.fileExists(atPath: url.path)
            #expect(exists, "\(Self.documentPath):\(citation.line) cites `\(citation.path)`, which does not exist")
        }
    }

    @Test("Every test display name the page cites is a test of the file cited before it")
    func citedNamesAreTestsOfTheirFile() throws {
        let citations = try Self.allCitations()
        #expect(citations.reduce(0) { $0 + $1.names.count } >= 100, "too few test names cited")
        for citation in citations {
            let url = Self.root.appendingPathComponent(citation.path)
            guard let file = try? String(contentsOf: url, encoding: .utf8) else { continue }
            for name in citation.names {
                let declared = Self.declares(test: name, in: file)
                #expect(declared, "\(Self.documentPath):\(citation.line): \"\(name)\" is not a test of \(citation.path)")
            }
        }
    }

    @Test("No line cites a test name before any test file")
    func noNameWithoutItsFile() throws {
        for (number, line) in try Self.proseLines() {
            let orphans = Self.citations(in: line, number: number).orphans
            // Quotations in prose are fine on lines that cite no test file at all.
            guard !Self.citations(in: line, number: number).citations.isEmpty else { continue }
            #expect(orphans.isEmpty, "\(Self.documentPath):\(number): \(orphans) come before any cited test file")
        }
    }

    @Test("Every theory test file under Tests/ is cited")
    func everyTheoryFileIsCited() throws {
        let cited = Set(try Self.allCitations().map(\.path))
        let tests = Self.root.appendingPathComponent("Tests")
        let enumerator = FileManager.default.enumerator(atPath: tests.path)
        var theoryFiles: [String] = []
        while let relative = enumerator?.nextObject() as? String {
            let file = (relative as NSString).lastPathComponent
            if file.hasSuffix("Tests.swift") && file.contains("Theory") { theoryFiles.append("Tests/" + relative) }
        }
        #expect(theoryFiles.count >= 8, "found only \(theoryFiles)")
        for path in theoryFiles {
            let isCited = cited.contains(path)
            #expect(isCited, "\(path) is not cited in \(Self.documentPath)")
        }
    }

    @Test("The citation parser: names go to the file before them; quotes inside backticks are not names")
    func parserReadsCitations() {
        let line: Substring = #"- Tests: `Tests/A.swift`, "one"; "two"; `Tests/B.swift`, "three" and `code with "quote"`"#
        let (citations, orphans) = Self.citations(in: line, number: 7)
        #expect(citations.map(\.path) == ["Tests/A.swift", "Tests/B.swift"])
        #expect(citations.map(\.names) == [["one", "two"], ["three"]])
        #expect(orphans.isEmpty)
        let early = Self.citations(in: #""zero" then `Tests/A.swift`, "one""#, number: 1)
        #expect(early.orphans == ["zero"] && early.citations.first?.names == ["one"])
        #expect(Self.declares(test: "x y", in: "    @Test(\"x y\", arguments: [1])\n"))
        #expect(Self.declares(test: "x (y)", in: "    @Test(\n        \"x (y)\",\n        arguments: [1])\n"))
        #expect(Self.declares(test: "plain", in: "    @Test func plain() {}\n"))
        #expect(!Self.declares(test: "x", in: "    // \"x\" is a comment\n"))
    }
}
