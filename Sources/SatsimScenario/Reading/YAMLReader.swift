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
                    failure = ScenarioError(syntaxError(parser))
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

    private func syntaxError(_ parser: yaml_parser_t) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unreadable YAML"
        var message = "invalid YAML: \(problem)"
        if let context = parser.context.map({ String(cString: $0) }) {
            message += " (\(context) at line \(parser.context_mark.line + 1))"
        }
        let mark = parser.problem_mark
        return Diagnostic(
            file: file, line: Int(clamping: mark.line) + 1, column: Int(clamping: mark.column) + 1, path: "",
            message: message)
    }
}

/// Builds the tree from parser events with an explicit stack of open collections.
private struct TreeBuilder {
    enum Frame {
        case mapping(SourcePosition, entries: [YAMLEntry], pendingKey: (String, SourcePosition)?, keyIsInvalid: Bool)
        case sequence(SourcePosition, items: [YAMLNode])
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
            switch frame {
            case .mapping(_, _, let pending, _): if let pending { parts.append(pending.0) }
            case .sequence(_, let items): parts.append(String(items.count))
            }
        }
        return parts.joined(separator: ".")
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
            let quoted = scalar.style != YAML_PLAIN_SCALAR_STYLE && scalar.style != YAML_ANY_SCALAR_STYLE
            return add(YAMLNode(content: .scalar(text, quoted: quoted), position: at))
        case YAML_SEQUENCE_START_EVENT:
            if event.data.sequence_start.anchor != nil { return anchorError(at) }
            if let error = open(at) { return error }
            stack.append(.sequence(at, items: []))
            return nil
        case YAML_MAPPING_START_EVENT:
            if event.data.mapping_start.anchor != nil { return anchorError(at) }
            if let error = open(at) { return error }
            stack.append(.mapping(at, entries: [], pendingKey: nil, keyIsInvalid: false))
            return nil
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let frame = stack.popLast() else { return nil }
            switch frame {
            case .sequence(let start, let items):
                return add(YAMLNode(content: .sequence(items), position: start))
            case .mapping(let start, let entries, _, _):
                return add(YAMLNode(content: .mapping(entries), position: start))
            }
        default:
            return nil
        }
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
        guard let top = stack.popLast() else {
            root = node
            return nil
        }
        switch top {
        case .sequence(let start, var items):
            items.append(node)
            stack.append(.sequence(start, items: items))
        case .mapping(let start, var entries, let pendingKey, let keyIsInvalid):
            if let (key, keyPosition) = pendingKey {
                if !keyIsInvalid {
                    entries.append(YAMLEntry(key: key, keyPosition: keyPosition, value: node))
                }
                stack.append(.mapping(start, entries: entries, pendingKey: nil, keyIsInvalid: false))
            } else {
                var invalid = false
                var key = ""
                if case .scalar(let text, _) = node.content {
                    key = text
                    if let first = entries.first(where: { $0.key == text }) {
                        invalid = true
                        stack.append(.mapping(start, entries: entries, pendingKey: nil, keyIsInvalid: false))
                        let message = "duplicated key '\(text)' (first at line \(first.keyPosition.line))"
                        diagnostics.append(Diagnostic(at: node.position, path: path, message))
                        stack.removeLast()
                    }
                } else {
                    invalid = true
                    key = "?"
                    stack.append(.mapping(start, entries: entries, pendingKey: nil, keyIsInvalid: false))
                    diagnostics.append(
                        Diagnostic(at: node.position, path: path, "a key must be a plain name, found \(node.foundDescription)"))
                    stack.removeLast()
                }
                stack.append(.mapping(start, entries: entries, pendingKey: (key, node.position), keyIsInvalid: invalid))
            }
        }
        return nil
    }
}
