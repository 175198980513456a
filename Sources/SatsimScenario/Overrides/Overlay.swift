/// Puts a scalar at a KEY.PATH of a scenario's node tree before decoding: how `--set`, variants,
/// sweep points and timeline `set` events change a scenario.
///
/// The path is walked against the tree and ``ScenarioSchema`` together, so a misspelt key, a
/// missing name or an index out of range is reported with a did-you-mean, and a key the schema
/// allows but the file omits is inserted (creating the enclosing mappings it needs, e.g.
/// `services.api.queue.timeout` when `queue` is absent). The value stays text; the decoder types
/// it like any value written in the file, so an override is validated exactly like the file.
struct Overlay {
    let schema = ScenarioSchema.standard
    /// The path as written (for messages).
    var path: String
    /// The replacement scalar, positioned where it was written (a variant's line, or `--set`).
    var value: YAMLNode
    /// Where the path itself was written.
    var pathPosition: SourcePosition

    /// Applies the overlay to `root` (the scenario's top-level mapping). Nil on success.
    func apply(to root: inout YAMLNode) -> Diagnostic? {
        let segments = path.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.isEmpty, !segments.contains(where: \.isEmpty) else {
            return Diagnostic(at: pathPosition, path: path, "found an empty key in the path, expected a KEY.PATH such as clients.users.timeout")
        }
        return set(&root, segments[...], type: .object(schema.root.name), walked: [])
    }

    /// On `--set`, whose PATH=VALUE is all the line holds, the problem is located at the
    /// segment it is about (`--set services.api.instnaces=3` at column 14, not 1). A path
    /// written in the file (a variant's key, a `set` event's path) keeps the path's own position:
    /// quoting there would shift any column counted into it.
    private func problem(_ walked: [String], _ message: String, suggestion: String? = nil) -> Diagnostic {
        var at = pathPosition
        if at.file == "--set", walked.count > 1 {
            at.column += walked.dropLast().reduce(0) { $0 + $1.count + 1 }
        }
        return Diagnostic(at: at, path: walked.joined(separator: "."), message, suggestion: suggestion)
    }

    /// Why a path that ends on a mapping or a list cannot take the value, and what to write instead.
    static func notScalar(_ type: SchemaType) -> String {
        if case .list(let element) = type {
            let whole = element.isScalar ? "give the whole list, as [a, b], or " : ""
            return "is \(type.phrase), not a scalar; \(whole)name one of its items by its index (PATH.0)"
        }
        return "is \(type.phrase), not a scalar; name one of its keys"
    }

    /// Why `value` does not fit a key of `type`: a list given to a scalar key, or anything but a
    /// list of scalars given to a list or a mapping.
    static func mismatch(_ type: SchemaType, _ value: YAMLNode) -> String {
        if type.isScalar { return "found \(value.foundDescription), expected \(type.phrase)" }
        if case .list(let element) = type, element.isScalar, value.items != nil {
            return "found a list that holds more than scalars, expected \(type.phrase)"
        }
        return notScalar(type)
    }

    /// The node a key of `type` takes: the value itself for a scalar key; for a list of scalars
    /// (a retry's `on`), the whole list, written as a list (a variant's `on: [timeout, error]`) or
    /// as the unquoted text `[timeout,error]` (`--set`, or a variant's value as stored). Nil when
    /// the value does not fit the key.
    func replacement(for type: SchemaType) -> YAMLNode? {
        if type.isScalar { return value.items == nil && value.entries == nil ? value : nil }
        guard case .list(let element) = type, element.isScalar else { return nil }
        if let items = value.items { return items.allSatisfy { $0.scalar != nil } ? value : nil }
        guard let parts = Self.listItems(value) else { return nil }
        let nodes = parts.map { YAMLNode(content: .scalar($0, quoted: false), position: value.position) }
        return YAMLNode(content: .sequence(nodes), position: value.position)
    }

    /// The items of an unquoted scalar written as a flow list of plain scalars, `[a, b]` (`[]` is
    /// the empty list); nil for any other text, or an item that is empty or holds a bracket.
    static func listItems(_ node: YAMLNode) -> [String]? {
        guard case .scalar(let text, quoted: false) = node.content else { return nil }
        let trimmed = text.trimmingSpaces()
        guard trimmed.count >= 2, trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        let inner = String(trimmed.dropFirst().dropLast()).trimmingSpaces()
        if inner.isEmpty { return [] }
        let parts = inner.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
        return parts.contains { $0.isEmpty || $0.contains("[") || $0.contains("]") } ? nil : parts
    }

    private func set(_ node: inout YAMLNode, _ segments: ArraySlice<String>, type: SchemaType, walked: [String]) -> Diagnostic? {
        guard let segment = segments.first else { return nil }
        let here = walked + [segment]
        let last = segments.count == 1
        switch type {
        case .object(let shapeName):
            guard let shape = schema.shape(shapeName) else { return problem(here, "unknown shape") }
            if node.isNull { node.content = .mapping([]) }
            guard var entries = node.entries else {
                return problem(walked, "found \(node.foundDescription) in the file, expected a mapping")
            }
            let discriminatorValue = shape.discriminator.flatMap { d in entries.first { $0.key == d }?.value.scalar }
            let allowed = shape.keys(for: discriminatorValue)
            guard let key = allowed.first(where: { $0.name == segment }) else {
                // A key of one of the shape's kinds, on a block whose kind is not written (a
                // `network` the file omits): say which key decides the kind, not "unknown key".
                if let discriminator = shape.discriminator, discriminatorValue == nil,
                   let kinds = Optional(shape.cases.filter { c in c.keys.contains { $0.name == segment } }.map(\.value)),
                   !kinds.isEmpty
                {
                    let block = walked.joined(separator: ".")
                    return problem(
                        here,
                        "\(block) has no `\(discriminator)` in the file, so '\(segment)' cannot be placed; set "
                            + "\(block).\(discriminator) first (\(kinds.map { "`\($0)`" }.joined(separator: ", ")) "
                            + "take\(kinds.count == 1 ? "s" : "") '\(segment)'), e.g. --set \(block).\(discriminator)=\(kinds[0]) "
                            + "--set \(here.joined(separator: "."))=VALUE")
                }
                // A key of another kind of the shape (`cv` on an exponential): say whose key it
                // is and how to change the kind, as the decoder does for the file's own keys.
                if let discriminator = shape.discriminator, let kind = discriminatorValue,
                   case let owners = shape.cases.filter({ c in c.keys.contains { $0.name == segment } }).map(\.value),
                   let owner = owners.first
                {
                    let block = walked.joined(separator: ".")
                    let own = allowed.map(\.name).filter { $0 != discriminator }
                    return problem(
                        here,
                        "does not apply to \(discriminator) \(kind) (only to \(owners.joined(separator: ", "))), which takes "
                            + (own.isEmpty ? "no further keys" : own.joined(separator: ", "))
                            + "; change the kind first, e.g. --set \(block).\(discriminator)=\(owner) --set \(here.joined(separator: "."))=VALUE")
                }
                let names = allowed.map(\.name)
                return problem(here, SpecDecoder.unknownKey(names, near: segment), suggestion: Suggestion.key(for: segment, in: names))
            }
            if let index = entries.firstIndex(where: { $0.key == segment }) {
                if last {
                    guard let replacement = replacement(for: key.type) else { return problem(here, Self.mismatch(key.type, value)) }
                    entries[index].value = replacement
                    node.content = .mapping(entries)
                    return nil
                }
                var child = entries[index].value
                if let failure = set(&child, segments.dropFirst(), type: key.type, walked: here) { return failure }
                entries[index].value = child
                node.content = .mapping(entries)
                return nil
            }
            if last {
                guard let replacement = replacement(for: key.type) else { return problem(here, Self.mismatch(key.type, value)) }
                entries.append(YAMLEntry(key: segment, keyPosition: value.position, value: replacement))
                node.content = .mapping(entries)
                return nil
            }
            guard case .object = key.type else {
                return problem(here, "is not in the file; only a scalar or a settings mapping can be added by a path")
            }
            var child = YAMLNode(content: .mapping([]), position: value.position)
            if let failure = set(&child, segments.dropFirst(), type: key.type, walked: here) { return failure }
            entries.append(YAMLEntry(key: segment, keyPosition: value.position, value: child))
            node.content = .mapping(entries)
            return nil
        case .named(let kind, let valueType):
            guard var entries = node.entries else { return problem(walked, "found \(node.foundDescription) in the file, expected a mapping") }
            guard let index = entries.firstIndex(where: { $0.key == segment }) else {
                return problem(here, "no \(kind) named '\(Diagnostic.shown(segment))'", suggestion: Suggestion.closest(to: segment, in: entries.map(\.key)))
            }
            if last { return problem(here, "is a \(kind), not a scalar; name one of its keys") }
            var child = entries[index].value
            if let failure = set(&child, segments.dropFirst(), type: valueType, walked: here) { return failure }
            entries[index].value = child
            node.content = .mapping(entries)
            return nil
        case .list(let element):
            guard var items = node.items else { return problem(walked, "found \(node.foundDescription) in the file, expected a list") }
            guard let index = Int(segment), index >= 0, String(index) == segment else {
                return problem(here, "found '\(segment)', expected a list index (0, 1, ...)")
            }
            guard index < items.count else {
                return problem(here, "no item \(index): the list has \(items.count) item\(items.count == 1 ? "" : "s")")
            }
            if last {
                guard let replacement = replacement(for: element) else { return problem(here, Self.mismatch(element, value)) }
                items[index] = replacement
                node.content = .sequence(items)
                return nil
            }
            var child = items[index]
            if let failure = set(&child, segments.dropFirst(), type: element, walked: here) { return failure }
            items[index] = child
            node.content = .sequence(items)
            return nil
        case .overlay, .grid, .expectations:
            // variants, sweep.vary and expect map KEY.PATHs of their own: a path into them would
            // read as one of those (variants.v.clients.users.timeout), so they change in the file.
            return problem(walked, "cannot be changed by a KEY.PATH; expected a path to one scalar outside variants, "
                + "sweep.vary and expect, whose entries are KEY.PATHs of their own and change only in the file")
        default:
            return problem(walked, "is a scalar; it has no key '\(segment)'")
        }
    }
}
