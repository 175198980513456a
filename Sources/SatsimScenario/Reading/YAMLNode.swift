/// A YAML node with its position, as the scenario reader sees it: scalars keep their text and
/// whether they were quoted (so `"5"` can be told from `5`), mappings keep their entries in file
/// order with the position of each key.
///
/// Anchors and aliases are refused by ``YAMLReader``, so a tree is always finite and its size is
/// linear in the text; a tag is refused unless it is one of the core schema's (``CoreTag``).
struct YAMLNode: Sendable, Hashable {
    enum Content: Sendable, Hashable {
        /// The scalar's text; `quoted` when written with quotes or as a block scalar.
        case scalar(String, quoted: Bool)
        case mapping([YAMLEntry])
        case sequence([YAMLNode])
    }

    var content: Content
    var position: SourcePosition

    /// A plain `~`, `null` or empty scalar.
    var isNull: Bool {
        if case .scalar(let text, false) = content {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    var entries: [YAMLEntry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The value of the entry with key `key`, when this node is a mapping holding it.
    subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key == key }?.value
    }

    /// How the node is described in "found ..." messages.
    var foundDescription: String {
        switch content {
        case .scalar(let text, let quoted):
            if isNull { return "nothing" }
            let shown = text.count > 40 ? String(text.prefix(40)) + "..." : text
            return quoted ? "'\(shown)'" : shown.replacingNewlines()
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

/// One `key: value` pair of a mapping.
struct YAMLEntry: Sendable, Hashable {
    var key: String
    var keyPosition: SourcePosition
    var value: YAMLNode
}

extension String {
    func replacingNewlines() -> String {
        String(unicodeScalars.map { $0 == "\n" || $0 == "\r" ? " " : Character($0) })
    }
}
