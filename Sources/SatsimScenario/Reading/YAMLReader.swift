import CYaml

/// Turns YAML text into a ``YAMLNode`` tree, with positions, refusing what a scenario never needs
/// and what could make reading unsafe.
///
/// The reader drives libyaml's event parser (vendored by Yams as `CYaml`) rather than
/// `Yams.compose`, because the composer expands aliases and recurses once per nesting level
/// before anything can be checked. Here every check happens as the events stream in:
/// - anchors and aliases are refused at their position, so an alias bomb ("billion laughs") is
///   rejected in linear time;
/// - nesting deeper than ``maximumDepth`` and more than ``maximumNodes`` nodes are refused, and the
///   tree is built with an explicit stack, so no input can overflow the call stack;
/// - a duplicated key is reported at its second occurrence; keys must be scalars;
/// - a tag other than YAML 1.2's core schema tags and the non-specific `!` is refused at its
///   position (``CoreTag``): a scenario is data, and its types come from the schema, so
///   `!!python/object:os.system` or `!custom` is never silently read as plain text;
/// - exactly one document is accepted.
/// libyaml's own syntax errors come back with their line and column.
struct YAMLReader {
    /// Deeper than any scenario (the contract nests 6 levels).
    static let maximumDepth = 32
    /// Far more than any scenario; bounds memory and time on hostile input.
    static let maximumNodes = 200_000

    var file: String

    /// The root node, or nil for a document with no content (an empty file or only comments).
    /// Throws at the first syntax error; duplicated and non-scalar keys are collected.
    func read(_ text: String) throws(ScenarioError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        // A UTF-8 byte order mark (editors on Windows write one) is not content.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        // libyaml reads `size` bytes; the terminator keeps C string helpers safe.
        bytes.append(0)
        var builder = TreeBuilder(file: file)
        var failure: ScenarioError?
        bytes.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                failure = ScenarioError(Diagnostic(at: .start(of: file), path: "", "out of memory reading the file"))
                return
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count - 1)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    failure = ScenarioError(longKeyError(parser, text: text, builder: builder)
                        ?? missingColonError(parser, text: text)
                        ?? syntaxError(parser, text: text, bytes: buffer))
                    return
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { return }
                if let diagnostic = builder.consume(event) {
                    failure = ScenarioError(diagnostic)
                    return
                }
            }
        }
        if let failure { throw failure }
        if !builder.diagnostics.isEmpty { throw ScenarioError(diagnostics: builder.diagnostics) }
        return builder.root
    }

    private func syntaxError(_ parser: yaml_parser_t, text: String, bytes: UnsafeBufferPointer<UInt8>) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        if parser.error == YAML_READER_ERROR {
            // libyaml's reader (a control character, an invalid code point) sets no mark, only
            // the byte offset: without this every such error read "1:1", wherever it was.
            let offset = min(Int(clamping: parser.problem_offset), max(bytes.count - 1, 0))
            let (line, column) = Self.lineAndColumn(ofByte: offset, in: bytes)
            var message = "invalid YAML: \(problem)"
            if parser.problem_value >= 0, parser.problem_value <= 0x10FFFF {
                let hex = String(parser.problem_value, radix: 16, uppercase: true)
                let code = String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                message += "; found U+\(code) here: remove it, or write it as \\u\(code) inside a double-quoted string"
            }
            return Diagnostic(file: file, line: line, column: column, path: "", message: message)
        }
        if problem.hasPrefix("Maximum nesting level") {
            let mark = parser.problem_mark
            return Diagnostic(
                file: file, line: Int(clamping: mark.line) + 1, column: Int(clamping: mark.column) + 1, path: "",
                message: "nesting deeper than libyaml's limit of 1000 levels; a scenario needs far fewer")
        }
        var message = "invalid YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " (\(context) at line \(parser.context_mark.line + 1))"
        }
        let mark = parser.problem_mark
        if Self.character(in: text, line: Int(clamping: mark.line), column: Int(clamping: mark.column)) == "\t" {
            // libyaml says "found character that cannot start any token", which does not name it.
            message += "; the character there is a tab: YAML indents with spaces, never tabs"
        }
        return Diagnostic(
            file: file, line: Int(clamping: mark.line) + 1, column: Int(clamping: mark.column) + 1, path: "",
            message: message)
    }

    /// YAML reads a key written without `?` (an implicit key) only when its ':' comes at most
    /// 1024 characters after the key's start, on the same line (YAML 1.2.2,
    /// https://yaml.org/spec/1.2.2/#742-flow-mappings: "the ':' indicator must appear at most
    /// 1024 Unicode characters beyond the start of the key"; #822-block-mappings applies it to
    /// block keys; libyaml: `yaml_parser_stale_simple_keys`). Past that, libyaml drops the key and stumbles on the
    /// ':' after it, in one of three words depending on where the key stands: "could not find
    /// expected ':'" (a key that must start a line of its mapping), "mapping values are not
    /// allowed in this context" (the first key of a block mapping) or "did not find expected
    /// ',' or '}'" (in a flow mapping), none of which names the key or says what is wrong with
    /// it. This says it, at the key: nil when the error is not that one.
    ///
    /// libyaml's pending simple key (the context of "while scanning a simple key", else the one
    /// of the current flow level) gives where the key starts; the error is this one when that is
    /// more than 1024 characters before libyaml's mark on the same line, and the key written
    /// there (plain, or quoted and closed) ends, spaces aside, at a ':' at or just after the mark.
    /// A long value holding ': ' (`description: ... note: ...`) is a value, not a key, and keeps
    /// libyaml's own message.
    private func longKeyError(_ parser: yaml_parser_t, text: String, builder: TreeBuilder) -> Diagnostic? {
        guard parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR else { return nil }
        let problem = parser.problem.map { String(cString: $0) } ?? ""
        let context = parser.context.map { String(cString: $0) } ?? ""
        let start: yaml_mark_t
        if problem == "could not find expected ':'", context == "while scanning a simple key" {
            start = parser.context_mark
        } else if problem == "mapping values are not allowed in this context" || problem.hasPrefix("did not find expected ',' or ") {
            guard let bottom = parser.simple_keys.start, let top = parser.simple_keys.top, top > bottom else { return nil }
            start = (top - 1).pointee.mark
        } else {
            return nil
        }
        let mark = parser.problem_mark
        guard start.line == mark.line, mark.index > start.index + 1024, mark.column > start.column,
              let row = Self.row(in: text, line: Int(clamping: mark.line)) else { return nil }
        let first = Int(clamping: start.column), at = Int(clamping: mark.column)
        guard let end = Self.endOfKey(in: row, from: first, inFlow: parser.flow_level > 0), end <= at else { return nil }
        var colon = end
        while colon < row.count, row[colon] == " " || row[colon] == "\t" { colon += 1 }
        guard colon < row.count, row[colon] == ":", colon >= at else { return nil }
        let key = String(String.UnicodeScalarView(row[first..<end]))
        // A quoted key's path shows what is between its quotes, as a read key's would.
        let name = row[first] == "\"" || row[first] == "'" ? String(key.dropFirst().dropLast()) : key
        let position = SourcePosition(file: file, line: Int(clamping: start.line) + 1, column: first + 1)
        return Diagnostic(
            at: position, path: builder.path(toKey: name, at: position, inBlock: parser.flow_level == 0),
            "found a key of \(row[first..<end].count) characters ('\(Diagnostic.shown(key, limit: 20))'): YAML reads a key written "
                + "without '?' only when its ':' comes at most 1024 characters after its start, so this key is not read as one; names are at most 100 characters")
    }

    /// A key written without its ':' (`duration 5m`, or `users` above the settings it should
    /// open). libyaml does not say so: it reports where it gave up, a line later, as "could not
    /// find expected ':'" (a line that had to start with a key) or "mapping values are not allowed
    /// in this context" (the bare word was read together with the next line as one text, and
    /// then that line's ':' came). This reports the line without the ':' and shows it written
    /// with one; nil when the error is not one of these, or the line holds a ':' after all.
    private func missingColonError(_ parser: yaml_parser_t, text: String) -> Diagnostic? {
        guard parser.error == YAML_SCANNER_ERROR || parser.error == YAML_PARSER_ERROR else { return nil }
        let problem = parser.problem.map { String(cString: $0) } ?? ""
        let context = parser.context.map { String(cString: $0) } ?? ""
        let mark = parser.problem_mark
        // The file's lines, split once: walking back over blank lines must not split it again
        // for each (a file of 60,000 blank lines took over a minute that way).
        let rows = text.split(separator: "\n", omittingEmptySubsequences: false)
        func row(_ k: Int) -> [Unicode.Scalar]? { k >= 0 && k < rows.count ? Array(rows[k].unicodeScalars) : nil }
        let line: Int, column: Int
        if problem == "could not find expected ':'", context == "while scanning a simple key" {
            // The key libyaml was reading starts at the context's mark.
            line = Int(clamping: parser.context_mark.line)
            column = Int(clamping: parser.context_mark.column)
        } else if problem == "mapping values are not allowed in this context"
                    || (problem == "did not find expected key" && context == "while parsing a block mapping") {
            // The bare words are on the last line with content before where libyaml stopped,
            // indented no deeper than that line (deeper, they continue a value above).
            var previous = Int(clamping: mark.line) - 1
            while let above = row(previous), Self.content(of: above, from: 0).isEmpty {
                previous -= 1
            }
            guard let above = row(previous), let stopped = row(Int(clamping: mark.line)) else { return nil }
            let indent = above.firstIndex { $0 != " " } ?? 0
            guard indent <= (stopped.firstIndex { $0 != " " } ?? 0) else { return nil }
            line = previous
            column = indent
        } else {
            return nil
        }
        guard let culprit = row(line), column < culprit.count else { return nil }
        let written = Self.content(of: culprit, from: column)
        // Only a plain word or words: no ':' (then the key has one), no list item, quote,
        // collection, tag, anchor or block scalar, whose errors are something else.
        guard let first = written.first, !"-?:,[]{}#&*!|>'\"%@`".unicodeScalars.contains(first),
              !written.contains(":"), written.last != "|", written.last != ">" else { return nil }
        let shown = String(String.UnicodeScalarView(written))
        let fixed: String
        if let space = written.firstIndex(where: { $0 == " " || $0 == "\t" }) {
            let rest = written[space...].drop { $0 == " " || $0 == "\t" }
            fixed = String(String.UnicodeScalarView(written[..<space])) + ": " + String(String.UnicodeScalarView(rest))
        } else {
            fixed = shown + ":"
        }
        var message = "'\(Diagnostic.shown(shown, limit: 40))' has no ':' after its key, so YAML cannot read it as a setting; "
            + "write '\(Diagnostic.shown(fixed, limit: 40))'"
        if Int(clamping: mark.line) != line {
            message += " (libyaml stopped at line \(mark.line + 1), column \(mark.column + 1): \(problem))"
        }
        return Diagnostic(file: file, line: line + 1, column: column + 1, path: "", message: "invalid YAML: " + message)
    }

    /// What `row` holds from `column` on, without a trailing comment or spaces.
    static func content(of row: [Unicode.Scalar], from column: Int) -> ArraySlice<Unicode.Scalar> {
        guard column < row.count else { return [] }
        var end = column
        var i = column
        while i < row.count {
            let c = row[i]
            if c == "#", i == column || row[i - 1] == " " || row[i - 1] == "\t" { break }
            if c != " " && c != "\t" && c != "\r" { end = i + 1 }
            i += 1
        }
        var start = column
        while start < end, row[start] == " " || row[start] == "\t" { start += 1 }
        return row[start..<end]
    }

    /// The column just past the key that starts at `first` of `row`: a quoted key's closing
    /// quote, or where a plain key stops (at ': ', a ':' ending the line, or in a flow
    /// collection at ',', '[', ']', '{', '}' and ':' before one of them). Nil for a quoted key
    /// not closed on the line.
    static func endOfKey(in row: [Unicode.Scalar], from first: Int, inFlow: Bool) -> Int? {
        guard first < row.count else { return nil }
        let quote = row[first]
        if quote == "\"" || quote == "'" {
            var i = first + 1
            while i < row.count {
                if quote == "\"", row[i] == "\\" { i += 2; continue }
                if row[i] == quote {
                    // '' inside a single-quoted scalar is one quote.
                    if quote == "'", i + 1 < row.count, row[i + 1] == "'" { i += 2; continue }
                    return i + 1
                }
                i += 1
            }
            return nil
        }
        let flowIndicators: Set<Unicode.Scalar> = [",", "[", "]", "{", "}"]
        var i = first
        var end = first
        while i < row.count {
            let c = row[i]
            if inFlow, flowIndicators.contains(c) { break }
            if c == ":" {
                let next: Unicode.Scalar? = i + 1 < row.count ? row[i + 1] : nil
                if next == nil || next == " " || next == "\t" || next == "\r" || (inFlow && next.map(flowIndicators.contains) == true) { break }
            }
            if c == "#", i > first, row[i - 1] == " " || row[i - 1] == "\t" { break }
            if c != " " && c != "\t" && c != "\r" { end = i + 1 }
            i += 1
        }
        return end
    }

    /// The 1-based line and column (in Unicode scalars) of the byte at `offset` of UTF-8 `bytes`,
    /// counting line breaks as libyaml does: LF, CR, CR LF, NEL, and the separators U+2028 and
    /// U+2029.
    static func lineAndColumn(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1, i = 0
        while i < offset, i < bytes.count {
            let byte = bytes[i]
            if byte == 0x0A || (byte == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
                line += 1; column = 1; i += 1
            } else if byte == 0xC2, i + 1 < bytes.count, bytes[i + 1] == 0x85 {
                line += 1; column = 1; i += 2
            } else if byte == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80, bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                line += 1; column = 1; i += 3
            } else {
                // A continuation byte (10xxxxxx) belongs to the scalar already counted.
                if byte & 0xC0 != 0x80 { column += 1 }
                i += 1
            }
        }
        return (line, column)
    }

    /// The character at 0-based `line` and `column` (in Unicode scalars, as libyaml counts
    /// them) of `text`, or nil beyond it.
    static func character(in text: String, line: Int, column: Int) -> Unicode.Scalar? {
        var current = 0
        for row in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { current += 1 }
            guard current == line else { continue }
            let scalars = Array(row.unicodeScalars.prefix(column + 1))
            return scalars.count > column ? scalars[column] : nil
        }
        return nil
    }

    /// The Unicode scalars of 0-based `line` of `text` (lines split at LF), or nil beyond it.
    static func row(in text: String, line: Int) -> [Unicode.Scalar]? {
        var current = 0
        for row in text.split(separator: "\n", omittingEmptySubsequences: false) {
            defer { current += 1 }
            if current == line { return Array(row.unicodeScalars) }
        }
        return nil
    }
}

/// Builds the tree from parser events with an explicit stack of open collections.
///
/// Frames are mutated in place through the stack's subscript, so appending is amortized O(1)
/// (popping a frame to append would copy its array each time: quadratic on long lists).
private struct TreeBuilder {
    struct Frame {
        var isMapping: Bool
        var start: SourcePosition
        var items: [YAMLNode] = []
        var entries: [YAMLEntry] = []
        /// Line of each key already in the mapping, to report duplicates in O(1).
        var keyLines: [String: Int] = [:]
        var pendingKey: (name: String, position: SourcePosition, valid: Bool)?
    }

    let file: String
    var stack: [Frame] = []
    var root: YAMLNode?
    var nodes = 0
    var documents = 0
    var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func position(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(file: file, line: Int(clamping: mark.line) + 1, column: Int(clamping: mark.column) + 1)
    }

    /// The key path of the collection being built, for messages.
    var path: String {
        var parts: [String] = []
        for frame in stack {
            if frame.isMapping {
                if let pending = frame.pendingKey { parts.append(pending.name) }
            } else {
                parts.append(String(frame.items.count))
            }
        }
        return parts.joined(separator: ".")
    }

    /// The key path of the key `key` written at `position` that libyaml could not read (see
    /// ``YAMLReader/longKeyError(_:text:builder:)``), for messages.
    ///
    /// The parser may already have taken the text as something else: a flow mapping's pending
    /// key, a sequence's last item, or (the first key of a block mapping) the value of the key
    /// before it; the path is then where it was taken. In block context libyaml stops before it
    /// ends the collections indented deeper than the key, so those are left out, and the key's
    /// own mapping (the one that starts at its column) is still waiting for the value of the key
    /// before it, which is no part of the path.
    func path(toKey key: String, at position: SourcePosition, inBlock: Bool) -> String {
        var frames = stack[...]
        if inBlock {
            // A sequence at the key's column is an indentless one, the value of the key before.
            while let top = frames.last, top.start.column > position.column || (!top.isMapping && top.start.column == position.column) {
                frames = frames.dropLast()
            }
        }
        var parts: [String] = []
        for (index, frame) in zip(frames.indices, frames) {
            let isTop = index == frames.indices.last
            if frame.isMapping {
                guard let pending = frame.pendingKey else {
                    if isTop, let last = frame.entries.last, last.value.position == position { parts.append(last.key) }
                    continue
                }
                if isTop, pending.position == position || (inBlock && frame.start.column == position.column) { continue }
                parts.append(pending.name)
            } else if isTop, frame.items.last?.position == position {
                parts.append(String(frame.items.count - 1))
            } else {
                parts.append(String(frame.items.count))
            }
        }
        return (parts + [key]).joined(separator: ".")
    }

    /// Handles one event; returns a diagnostic that stops reading.
    mutating func consume(_ event: yaml_event_t) -> Diagnostic? {
        let at = position(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                return Diagnostic(at: at, path: "", "a scenario file holds one YAML document; found a second one")
            }
            return nil
        case YAML_ALIAS_EVENT:
            return Diagnostic(at: at, path: path, "YAML aliases (*name) are not allowed in a scenario; write the value out")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            if scalar.anchor != nil { return anchorError(at) }
            let text: String
            if let value = scalar.value {
                text = String(decoding: UnsafeBufferPointer(start: value, count: scalar.length), as: UTF8.self)
            } else {
                text = ""
            }
            var quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
            if let tag = Self.tag(scalar.tag) {
                // A key's own path ends with the key; a value's is the path being built.
                let top = stack.last
                let isKey = top?.isMapping == true && top?.pendingKey == nil
                let at = isKey ? (path.isEmpty ? text : path + "." + text) : path
                switch CoreTag.check(tag, on: .scalar(text)) {
                case .refused(let message): diagnostics.append(Diagnostic(at: position(event.start_mark), path: at, message))
                case .accepted(let forcesString): if let forcesString { quoted = forcesString }
                }
            }
            return add(YAMLNode(content: .scalar(text, quoted: quoted), position: at))
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil { return anchorError(at) }
            if let error = open(at) { return error }
            checkCollectionTag(event.data.sequence_start.tag, kind: .sequence, at: at)
            stack.append(Frame(isMapping: false, start: at))
            return nil
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil { return anchorError(at) }
            if let error = open(at) { return error }
            checkCollectionTag(event.data.mapping_start.tag, kind: .mapping, at: at)
            stack.append(Frame(isMapping: true, start: at))
            return nil
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            if frame.isMapping {
                return add(YAMLNode(content: .mapping(frame.entries), position: frame.start))
            }
            return add(YAMLNode(content: .sequence(frame.items), position: frame.start))
        default:
            return nil
        }
    }

    /// The tag libyaml resolved for a node (`tag:yaml.org,2002:str` for `!!str`), nil when the
    /// node has none.
    static func tag(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    /// Refuses a tag a collection may not carry (reported, reading goes on).
    mutating func checkCollectionTag(_ pointer: UnsafeMutablePointer<yaml_char_t>?, kind: CoreTag.Node, at: SourcePosition) {
        guard let tag = Self.tag(pointer), case .refused(let message) = CoreTag.check(tag, on: kind) else { return }
        diagnostics.append(Diagnostic(at: at, path: path, message))
    }

    func anchorError(_ at: SourcePosition) -> Diagnostic {
        Diagnostic(at: at, path: path, "YAML anchors (&name) are not allowed in a scenario; write the value out")
    }

    mutating func open(_ at: SourcePosition) -> Diagnostic? {
        if stack.count >= YAMLReader.maximumDepth {
            return Diagnostic(at: at, path: "", "nesting deeper than \(YAMLReader.maximumDepth) levels; a scenario needs far fewer")
        }
        return nil
    }

    /// Attaches a finished node to the open collection (as a key or a value) or makes it the root.
    mutating func add(_ node: YAMLNode) -> Diagnostic? {
        nodes += 1
        if nodes > YAMLReader.maximumNodes {
            return Diagnostic(at: node.position, path: "", "more than \(YAMLReader.maximumNodes) values; this is not a scenario")
        }
        guard !stack.isEmpty else {
            root = node
            return nil
        }
        let top = stack.count - 1
        if !stack[top].isMapping {
            stack[top].items.append(node)
            return nil
        }
        if let pending = stack[top].pendingKey {
            if pending.valid {
                stack[top].entries.append(YAMLEntry(key: pending.name, keyPosition: pending.position, value: node))
            }
            stack[top].pendingKey = nil
            return nil
        }
        guard case .scalar(let text, _) = node.content else {
            diagnostics.append(Diagnostic(at: node.position, path: path, "a key must be a plain name, found \(node.foundDescription)"))
            stack[top].pendingKey = ("?", node.position, false)
            return nil
        }
        if let firstLine = stack[top].keyLines[text] {
            diagnostics.append(Diagnostic(at: node.position, path: path, "duplicated key '\(text)' (first at line \(firstLine))"))
            stack[top].pendingKey = (text, node.position, false)
            return nil
        }
        stack[top].keyLines[text] = node.position.line
        stack[top].pendingKey = (text, node.position, true)
        return nil
    }
}
