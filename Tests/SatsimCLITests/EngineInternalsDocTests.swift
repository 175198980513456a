import Foundation
import Testing

/// docs/engine-internals.md describes the engine by pointing at it: repository paths, Swift types
/// and their members, C kernels. These tests hold every such reference to the code, so that a
/// renamed file, type or method turns the suite red instead of leaving the page silently wrong.
///
/// What counts as a reference is what the page writes in backticks, outside fenced code blocks:
/// - a repository path: text that starts with a top-level folder of the repository (`Sources/...`)
///   or names a file at its root (`README.md`); it must exist;
/// - a Swift type, `Type`, or a member, `Type.member` / `Type.member(label:)`: the type must be
///   declared under Sources/ (struct, class, enum, protocol, typealias or actor), and the member
///   declared (func, var, let, case, init) in a file that declares or extends that type; a name
///   after the dot that starts with a capital is a nested type, declared anywhere under Sources/;
/// - a C symbol of satsim's own kernels or GSL shim (`satsim_...`, `cgsl_...`): it must occur in a
///   file under Sources/.
/// Names from Swift's standard library, Dispatch and swift-collections are listed in
/// ``EngineInternalsDocTests/external`` and are not looked up. Markdown links to local files are
/// resolved from docs/ and must exist.
@Suite struct EngineInternalsDocTests {
    /// The repository root: this file is Tests/SatsimCLITests/EngineInternalsDocTests.swift.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let documentPath = "docs/engine-internals.md"

    /// Types the page names that the project does not declare: the standard library's, Dispatch's
    /// and swift-collections' (the heap the calendar was measured against).
    static let external: Set<String> = [
        "Int64", "UInt64", "UInt32", "UInt16", "Double", "Dictionary", "ContiguousArray", "SIMD2", "SIMD4",
        "SIMD8", "DispatchQueue", "Heap", "MemoryLayout",
    ]

    /// Top-level entries of the repository that a cited path may start with.
    static let topLevel = ["Sources/", "Tests/", "Benchmarks/", "docs/", "Scenarios/", "scripts/", "Plots/", ".ci/"]
    static let rootFiles: Set<String> = ["README.md", "Package.swift"]

    /// The page's text without its fenced code blocks (shell commands, not references).
    static func prose() throws -> String {
        let text = try String(contentsOf: root.appendingPathComponent(documentPath), encoding: .utf8)
        var kept: [Substring] = []
        var fenced = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                fenced.toggle()
                continue
            }
            if !fenced { kept.append(line) }
        }
        return kept.joined(separator: "\n")
    }

    /// Every inline code span of `text`, in order.
    static func codeSpans(_ text: String) -> [String] {
        var spans: [String] = []
        var current: String?
        for character in text {
            if character == "`" {
                if let span = current { spans.append(span) }
                current = current == nil ? "" : nil
            } else if character == "\n" {
                // A span never crosses a line here; an unmatched backtick starts nothing.
                current = nil
            } else if current != nil {
                current?.append(character)
            }
        }
        return spans
    }

    static func isPath(_ span: String) -> Bool {
        rootFiles.contains(span) || topLevel.contains { span.hasPrefix($0) }
    }

    /// `Type`, `Type.member`, `Type.member(label:)` or `Type.Nested`: (type, member or nested name).
    static func typeReference(_ span: String) -> (type: String, member: String?)? {
        let pattern = #"^([A-Z][A-Za-z0-9_]*)(?:\.([A-Za-z_][A-Za-z0-9_]*)(?:\([A-Za-z0-9_:]*\))?)?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let match = regex.firstMatch(in: span, range: NSRange(span.startIndex..., in: span)),
              let typeRange = Range(match.range(at: 1), in: span) else { return nil }
        let member = Range(match.range(at: 2), in: span).map { String(span[$0]) }
        return (String(span[typeRange]), member)
    }

    static func isCSymbol(_ span: String) -> Bool {
        (span.hasPrefix("satsim_") || span.hasPrefix("cgsl_"))
            && span.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// The text of every file under Sources/, by path.
    static func sources() throws -> [(path: String, text: String)] {
        let base = root.appendingPathComponent("Sources")
        guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { return [] }
        var files: [(String, String)] = []
        for case let url as URL in walker where ["swift", "c", "h"].contains(url.pathExtension) {
            files.append((url.path, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    static func matches(_ pattern: String, _ text: String) -> Bool {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return false }
        return regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func escaped(_ name: String) -> String { NSRegularExpression.escapedPattern(for: name) }

    /// Whether `type` is declared by some Swift file under Sources/.
    static func declares(_ type: String, in swift: [(path: String, text: String)]) -> Bool {
        swift.contains { matches(#"\b(struct|class|enum|protocol|typealias|actor)\s+"# + escaped(type) + #"\b"#, $0.text) }
    }

    /// Whether `member` is declared in a Swift file that declares or extends `type`.
    static func declares(member: String, of type: String, in swift: [(path: String, text: String)]) -> Bool {
        let owners = swift.filter {
            matches(#"\b(struct|class|enum|protocol|actor|extension)\s+"# + escaped(type) + #"\b"#, $0.text)
        }
        let declaration = member == "init" ? #"\binit[(<]"# : #"\b(func|var|let|case)\s+"# + escaped(member) + #"\b"#
        return owners.contains { matches(declaration, $0.text) }
    }

    /// A code span that crossed a line would be skipped by ``codeSpans(_:)`` and so never checked:
    /// every line must hold whole spans (an even number of backticks).
    @Test("No code span of the page crosses a line")
    func spansStayOnOneLine() throws {
        for (number, line) in try Self.prose().split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            #expect(line.filter { $0 == "`" }.count.isMultiple(of: 2),
                    "a code span crosses a line (prose line \(number + 1)): \(line)")
        }
    }

    @Test("Every repository path the page cites exists")
    func pathsExist() throws {
        let spans = Self.codeSpans(try Self.prose()).filter(Self.isPath)
        // The page cites dozens of files; far fewer means the spans were not found at all.
        #expect(spans.count >= 40, "only \(spans.count) paths found in \(Self.documentPath)")
        for span in Set(spans).sorted() {
            let path = Self.root.appendingPathComponent(span).path
            #expect(FileManager.default.fileExists(atPath: path), "\(Self.documentPath) cites `\(span)`, which does not exist")
        }
    }

    @Test("Every Swift type and member the page cites is declared under Sources/")
    func typesAndMembersAreDeclared() throws {
        let swift = try Self.sources().filter { $0.path.hasSuffix(".swift") }
        let modules = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("Sources").path)) ?? [])
        let references = Self.codeSpans(try Self.prose()).compactMap(Self.typeReference)
        #expect(references.count >= 80, "only \(references.count) type references found in \(Self.documentPath)")
        #expect(references.filter { $0.member != nil }.count >= 60, "too few Type.member references found")
        var checked = Set<String>()
        for reference in references where !Self.external.contains(reference.type) && !modules.contains(reference.type) {
            let key = reference.type + "." + (reference.member ?? "")
            guard checked.insert(key).inserted else { continue }
            guard Self.declares(reference.type, in: swift) else {
                Issue.record("\(Self.documentPath) cites the type `\(reference.type)`, which nothing under Sources/ declares")
                continue
            }
            guard let member = reference.member else { continue }
            if member.first?.isUppercase == true {
                #expect(Self.declares(member, in: swift), "\(Self.documentPath) cites `\(reference.type).\(member)`, which is not declared")
            } else {
                #expect(Self.declares(member: member, of: reference.type, in: swift),
                        "\(Self.documentPath) cites `\(reference.type).\(member)`, which no declaration or extension of \(reference.type) declares")
            }
        }
    }

    @Test("Every C symbol of satsim's kernels and GSL shim the page cites occurs under Sources/")
    func cSymbolsExist() throws {
        let files = try Self.sources()
        let symbols = Set(Self.codeSpans(try Self.prose()).filter(Self.isCSymbol))
        #expect(symbols.count >= 4, "only \(symbols.count) C symbols found")
        for symbol in symbols.sorted() {
            #expect(files.contains { Self.matches(#"\b"# + symbol + #"\b"#, $0.text) },
                    "\(Self.documentPath) cites `\(symbol)`, which no file under Sources/ contains")
        }
    }

    @Test("Every local link of the page resolves from docs/")
    func linksResolve() throws {
        let text = try Self.prose()
        let regex = try NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
        for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range(at: 1), in: text) else { continue }
            let target = String(text[range]).split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if target.isEmpty || target.contains("://") || target.hasPrefix("mailto:") { continue }
            let path = Self.root.appendingPathComponent("docs").appendingPathComponent(String(target)).standardizedFileURL.path
            #expect(FileManager.default.fileExists(atPath: path), "\(Self.documentPath) links to \(target), which does not exist")
        }
    }

    @Test("The README and the benchmarks README link to the page")
    func linkedFromTheReadmes() throws {
        for readme in ["README.md", "Benchmarks/README.md"] {
            let links = try String(contentsOf: Self.root.appendingPathComponent(readme), encoding: .utf8)
                .contains("engine-internals.md")
            #expect(links, "\(readme) does not link to \(Self.documentPath)")
        }
    }
}
