import SatsimCore
import SatsimModel

/// Decodes a ``YAMLNode`` tree into a ``ScenarioSpec``, checking every key against
/// ``ScenarioSchema`` and every scalar against its type and range.
///
/// It never stops at the first problem: each reader records diagnostics and returns nil, and a
/// composite value is built only when none of its parts failed (compare the diagnostic count
/// before and after). The positions of all keys are kept for the checks that run on the spec.
struct SpecDecoder {
    let schema: ScenarioSchema
    var diagnostics: [Diagnostic] = []
    var positions: PositionIndex
    let file: String

    init(file: String, schema: ScenarioSchema = .standard) {
        self.file = file
        self.schema = schema
        self.positions = PositionIndex(file: file)
    }

    /// A mapping checked against a shape: its entries by key, and where it is.
    struct Fields {
        var path: String
        var node: YAMLNode
        var keys: [String: SchemaKey]
        var entries: [String: YAMLEntry]

        func has(_ key: String) -> Bool { entries[key] != nil }
        func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
    }

    /// Beyond this many, further problems are not recorded (a hostile file can hold thousands);
    /// the loader shows the first ones and a count.
    static let recordingLimit = 1_000

    mutating func error(
        _ position: SourcePosition, _ path: String, _ message: String, suggestion: @autoclosure () -> String? = nil
    ) {
        guard diagnostics.count < Self.recordingLimit else { return }
        diagnostics.append(Diagnostic(at: position, path: path, message, suggestion: suggestion()))
    }

    // MARK: - Mappings

    /// Checks that `node` is a mapping of the shape: no unknown key (with a did-you-mean), every
    /// required key present, the discriminator (if any) one of its cases. Nil when `node` is not a
    /// usable mapping.
    mutating func fields(_ node: YAMLNode, _ path: String, shape name: String) -> Fields? {
        guard let shape = schema.shape(name) else { preconditionFailure("no schema shape \(name)") }
        guard let entries = node.entries else {
            error(node.position, path, "found \(node.foundDescription), expected a mapping with keys "
                + shape.keys.map(\.name).joined(separator: ", "))
            return nil
        }
        var discriminatorValue: String?
        if let discriminator = shape.discriminator {
            if let entry = entries.first(where: { $0.key == discriminator }) {
                let values = shape.cases.map(\.value)
                if let text = entry.value.scalar, !entry.value.isNull, values.contains(text) {
                    discriminatorValue = text
                } else {
                    let found = entry.value.foundDescription
                    let hint = entry.value.scalar.flatMap { Suggestion.closest(to: $0, in: values) }
                    error(entry.value.position, path.isEmpty ? discriminator : "\(path).\(discriminator)",
                        "found \(found), expected one of " + values.joined(separator: ", "), suggestion: hint)
                }
            }
        }
        let allowed = shape.keys(for: discriminatorValue)
        var keys: [String: SchemaKey] = [:]
        for key in allowed { keys[key.name] = key }
        var byKey: [String: YAMLEntry] = [:]
        for entry in entries {
            let entryPath = path.isEmpty ? entry.key : "\(path).\(entry.key)"
            positions.record(entryPath, key: entry.keyPosition, value: entry.value.position)
            if keys[entry.key] != nil {
                byKey[entry.key] = entry
                continue
            }
            if let discriminator = shape.discriminator, let value = discriminatorValue,
                shape.cases.contains(where: { $0.keys.contains { $0.name == entry.key } })
            {
                let own = shape.case(value)?.keys.map(\.name) ?? []
                let owners = shape.cases.filter { $0.keys.contains { $0.name == entry.key } }.map(\.value)
                var message = "does not apply to \(discriminator) \(value)"
                if !owners.contains(value) { message += " (only to " + owners.joined(separator: ", ") + ")" }
                message += own.isEmpty ? ", which takes no further keys" : ", which takes " + own.joined(separator: ", ")
                error(entry.keyPosition, entryPath, message)
            } else if discriminatorValue == nil, shape.discriminator != nil,
                shape.cases.contains(where: { $0.keys.contains { $0.name == entry.key } })
            {
                // The discriminator is missing or wrong: that is the error to fix first.
                continue
            } else {
                // With the discriminator missing or not one of its values, every case's keys may be
                // meant: listing only the common ones (`dist`) would say `mean` is not allowed.
                var names = allowed.map(\.name)
                if discriminatorValue == nil {
                    for key in shape.cases.flatMap(\.keys) where !names.contains(key.name) { names.append(key.name) }
                }
                error(entry.keyPosition, entryPath, Self.unknownKey(names, near: entry.key),
                    suggestion: entry.key == "<<" ? nil : Suggestion.key(for: entry.key, in: names))
            }
        }
        positions.record(path, key: nil, value: node.position)
        for key in allowed where key.presence == .required && byKey[key.name] == nil {
            if key.name == shape.discriminator, entries.contains(where: { $0.key == key.name }) { continue }
            let where_ = path.isEmpty ? "" : path
            error(node.position, where_, "missing required key '\(key.name)' (\(key.type.phrase))")
        }
        return Fields(path: path, node: node, keys: keys, entries: byKey)
    }

    /// "unknown key, expected one of ..." (``Diagnostic/unknownKey(expected:)``), except for
    /// YAML 1.1's merge key: YAML 1.2's core schema (which satsim reads) has none, and its
    /// anchors and aliases are refused, so say what it is rather than list keys.
    static func unknownKey(_ allowed: [String], near key: String) -> String {
        if key == "<<" { return "a YAML merge key, which a scenario does not use (nor anchors and aliases); write the keys out" }
        // An empty key (`"": 1`, `? : 1`) has no name for the path to show: say so.
        if key.isEmpty { return "found an empty key; " + Diagnostic.unknownKey(expected: allowed) }
        return Diagnostic.unknownKey(expected: allowed)
    }

    // MARK: - Scalars

    /// Types a scalar node, recording a diagnostic (with a hint where one helps) when it does not fit.
    mutating func scalar(_ node: YAMLNode, _ type: SchemaType, _ path: String) -> ScalarValue? {
        let expected = type.phrase
        guard let text = node.scalar, !node.isNull else {
            error(node.position, path, "found \(node.foundDescription), expected \(expected)")
            return nil
        }
        let found = node.foundDescription
        switch type {
        case .duration(let positive):
            switch ScalarSyntax.duration(text) {
            case .success(let time):
                if positive && time == .zero {
                    error(node.position, path, "found \(found), expected \(expected)")
                    return nil
                }
                return .duration(time)
            case .failure(.bareNumber):
                error(node.position, path, "found \(found), expected \(expected): a bare number has no unit",
                    suggestion: "\(text)s")
            case .failure(.tooLarge):
                error(node.position, path, "found \(found), expected a duration <= \(Int(ScalarSyntax.maximumHours))h")
            case .failure(let problem):
                error(node.position, path, "found \(found), expected \(expected)\(problem.explanation)",
                    suggestion: problem.suggestion)
            }
            return nil
        case .rate:
            if let rate = ScalarSyntax.rate(text), rate > 0, rate.isFinite { return .number(rate) }
            let hint = ScalarSyntax.number(text).map { _ in "\(text)/s" }
            let problem = ScalarSyntax.rateProblem(text)
            error(node.position, path, "found \(found), expected \(expected)\(problem?.explanation ?? "")",
                  suggestion: problem?.suggestion ?? hint)
            return nil
        case .ratio, .multiplier, .nonNegativeNumber, .boundedNumber:
            guard let value = ScalarSyntax.number(text) else {
                error(node.position, path, "found \(found), expected \(expected)")
                return nil
            }
            let ok: Bool
            switch type {
            case .ratio: ok = value >= 0 && value <= 1
            case .multiplier: ok = value > 0
            case .boundedNumber(let maximum): ok = value >= 0 && value <= maximum
            default: ok = value >= 0
            }
            guard ok else {
                error(node.position, path, "found \(found), expected \(expected)")
                return nil
            }
            return .number(value)
        case .integer(let minimum, let maximum):
            let parsed = ScalarSyntax.integer(text)
            guard let value = parsed.value else {
                if parsed.isInteger {
                    error(node.position, path, "found \(found), expected \(expected): too large")
                } else {
                    error(node.position, path, "found \(found), expected \(expected)")
                }
                return nil
            }
            if value < minimum {
                error(node.position, path, "found \(found), expected an integer >= \(minimum)")
                return nil
            }
            if let maximum, value > maximum {
                error(node.position, path, "found \(found), expected an integer <= \(maximum)")
                return nil
            }
            return .integer(value)
        case .seed:
            guard let value = UInt64(text) else {
                error(node.position, path, "found \(found), expected \(expected)")
                return nil
            }
            return .seed(value)
        case .boolean:
            switch text {
            case "true", "True", "TRUE": return .boolean(true)
            case "false", "False", "FALSE": return .boolean(false)
            default:
                // YAML 1.1's other booleans (yes/no, on/off, y/n) are text in YAML 1.2, which
                // this format follows: the word the user most likely meant.
                let meant: String? = switch text.lowercased() {
                case "yes", "y", "on", "1", "enabled", "enable": "true"
                case "no", "n", "off", "0", "disabled", "disable": "false"
                default: nil
                }
                error(node.position, path, "found \(found), expected \(expected)", suggestion: meant)
                return nil
            }
        case .choice(let words):
            if words.contains(text) { return .text(text) }
            error(node.position, path, "found \(found), expected \(expected)",
                suggestion: Suggestion.closest(to: text, in: words))
            return nil
        case .scenarioName:
            let spelled = !text.isEmpty
                && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
            if spelled && text.count <= Self.maximumNameLength { return .text(text) }
            // A long name of the right letters was told it had the wrong letters.
            error(node.position, path, spelled
                ? "found a name of \(text.count) characters, expected \(expected) of at most \(Self.maximumNameLength)"
                : "found \(found), expected \(expected)",
                suggestion: spelled ? nil : Self.scenarioNameSpelling(of: text))
            return nil
        case .reference, .keyPath:
            guard !text.isEmpty, text.count <= 200 else {
                error(node.position, path, "found \(found), expected \(expected)")
                return nil
            }
            return .text(text)
        case .text, .anyScalar:
            return .text(text)
        case .object, .named, .list, .overlay, .grid, .expectations:
            preconditionFailure("scalar() called for the non-scalar type \(type)")
        }
    }

    /// A `name` spelt with the letters a scenario name takes (`[a-z0-9-]+`), for "did you mean":
    /// lowercase, every run of other characters one '-', no '-' at either end. Nil when nothing
    /// of the text is left, or the result is too long.
    static func scenarioNameSpelling(of text: String) -> String? {
        var out = ""
        for scalar in text.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else if !out.isEmpty && out.last != "-" {
                out.append("-")
            }
        }
        while out.last == "-" { out.removeLast() }
        return out.isEmpty || out.count > maximumNameLength ? nil : out
    }

    /// The typed value of `key` in `fields`: the written one, else the schema's default decoded
    /// like written text, else nil (absent optional key, or a problem that was recorded).
    mutating func value(_ fields: Fields, _ key: String) -> ScalarValue? {
        guard let schemaKey = fields.keys[key] else { preconditionFailure("key \(key) not in shape at \(fields.path)") }
        if let entry = fields.entries[key] {
            return scalar(entry.value, schemaKey.type, fields.child(key))
        }
        if case .defaulted(let text) = schemaKey.presence {
            let node = YAMLNode(content: .scalar(text, quoted: false), position: fields.node.position)
            return scalar(node, schemaKey.type, fields.child(key))
        }
        return nil
    }

    mutating func duration(_ fields: Fields, _ key: String) -> SimTime? {
        if case .duration(let t)? = value(fields, key) { return t }
        return nil
    }

    mutating func number(_ fields: Fields, _ key: String) -> Double? {
        if case .number(let x)? = value(fields, key) { return x }
        return nil
    }

    mutating func integer(_ fields: Fields, _ key: String) -> Int? {
        if case .integer(let n)? = value(fields, key) { return n }
        return nil
    }

    mutating func text(_ fields: Fields, _ key: String) -> String? {
        if case .text(let s)? = value(fields, key) { return s }
        return nil
    }

    mutating func boolean(_ fields: Fields, _ key: String) -> Bool? {
        if case .boolean(let b)? = value(fields, key) { return b }
        return nil
    }

    /// The model's case for the word at `key` (written, or the schema's default). The schema
    /// builds its list from the enum's raw values, so every word it accepts maps; a word that
    /// does not (a list edited by hand in one place only) is recorded as a problem, never
    /// replaced by a default.
    mutating func choice<E: RawRepresentable & CaseIterable>(_ fields: Fields, _ key: String, as type: E.Type) -> E?
    where E.RawValue == String {
        guard case .text(let word)? = value(fields, key) else { return nil }
        return modelCase(word, type, at: fields.entries[key]?.value.position ?? fields.node.position, fields.child(key))
    }

    /// `word` as a case of `E`, or nil with a recorded diagnostic.
    mutating func modelCase<E: RawRepresentable & CaseIterable>(_ word: String, _: E.Type, at position: SourcePosition, _ path: String) -> E?
    where E.RawValue == String {
        if let known = E(rawValue: word) { return known }
        error(position, path, "found '\(word)', which the schema lists but the model does not simulate (expected one of "
            + E.allCases.map(\.rawValue).joined(separator: ", ") + ")")
        return nil
    }

    /// A nested mapping of the given shape, or nil when absent or broken.
    mutating func nested(_ fields: Fields, _ key: String, shape: String) -> Fields? {
        guard let entry = fields.entries[key] else { return nil }
        return self.fields(entry.value, fields.child(key), shape: shape)
    }

    /// The items of the list at `key` (empty when absent); a non-list is reported.
    mutating func list(_ fields: Fields, _ key: String) -> [YAMLNode] {
        guard let entry = fields.entries[key], !entry.value.isNull else { return [] }
        guard let items = entry.value.items else {
            error(entry.value.position, fields.child(key), "found \(entry.value.foundDescription), expected a list")
            return []
        }
        for (index, item) in items.enumerated() {
            positions.record(fields.child(key) + ".\(index)", key: nil, value: item.position)
        }
        return items
    }

    /// The entries of the user-named mapping at `key` (empty when absent); a non-mapping is reported.
    mutating func namedEntries(_ fields: Fields, _ key: String) -> [YAMLEntry] {
        guard let entry = fields.entries[key], !entry.value.isNull else { return [] }
        guard let entries = entry.value.entries else {
            error(entry.value.position, fields.child(key), "found \(entry.value.foundDescription), expected a mapping of names")
            return []
        }
        return entries
    }
}
