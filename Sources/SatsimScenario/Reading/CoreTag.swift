/// The tags a scenario may carry: those of YAML 1.2's core schema (YAML 1.2.2, section 10.3,
/// which extends the JSON schema of 10.2: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`,
/// `!!map`, `!!seq`) and the non-specific `!` (section 6.9.1: "!" forces a plain scalar to be a
/// string). Any other tag names a type the schema does not know, a language object
/// (`!!python/object:os.system`, which some loaders construct) or an application's own (`!custom`);
/// satsim's types come from its schema, so such a tag is refused rather than read as text.
///
/// A core tag must also fit its node: `!!map` a mapping, `!!seq` a list, the others a scalar
/// whose text the core schema's pattern for that type matches (`!!int` 0x1F, not `!!int` five).
enum CoreTag {
    /// What carries the tag.
    enum Node {
        case scalar(String)
        case mapping
        case sequence
    }

    enum Verdict: Equatable {
        /// Allowed. `forcesString` is true when the tag makes the scalar a string whatever it
        /// looks like (`!!str 5`, `! null`), false when it makes it a plain value (`!!int "5"`),
        /// nil for a collection.
        case accepted(forcesString: Bool?)
        /// Refused: the message says what was found and what was expected.
        case refused(String)
    }

    /// The prefix libyaml gives `!!` (the secondary tag handle, YAML 1.2.2 section 6.8.2.2).
    static let prefix = "tag:yaml.org,2002:"

    /// How the tag is written back to the user: `!!int` for the core schema's prefix.
    static func shown(_ tag: String) -> String {
        tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    static let expected = "expected no tag, one of YAML 1.2's core schema tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) or the non-specific '!'"

    static func check(_ tag: String, on node: Node) -> Verdict {
        if tag == "!" {
            if case .scalar = node { return .accepted(forcesString: true) }
            return .accepted(forcesString: nil)
        }
        let name = tag.hasPrefix(prefix) ? String(tag.dropFirst(prefix.count)) : nil
        let shownTag = Diagnostic.shown(shown(tag))
        switch (name, node) {
        case ("map", .mapping), ("seq", .sequence): return .accepted(forcesString: nil)
        case ("str", .scalar): return .accepted(forcesString: true)
        case ("int", .scalar(let text)), ("float", .scalar(let text)), ("bool", .scalar(let text)), ("null", .scalar(let text)):
            guard let name, matches(text, name) else {
                return .refused("found '\(Diagnostic.shown(text))' tagged \(shownTag), expected \(Self.pattern[name ?? ""] ?? "") as YAML 1.2's core schema writes one, or no tag")
            }
            return .accepted(forcesString: false)
        case ("map", _), ("seq", _), ("str", _), ("int", _), ("float", _), ("bool", _), ("null", _):
            let (what, fits): (String, String)
            switch node {
            case .scalar: (what, fits) = ("a scalar", "!!str, !!int, !!float, !!bool or !!null")
            case .mapping: (what, fits) = ("a mapping", "!!map")
            case .sequence: (what, fits) = ("a list", "!!seq")
            }
            return .refused("found the tag \(shownTag) on \(what); expected \(fits) there, or no tag")
        default:
            return .refused("found the tag '\(shownTag)'; \(expected): a scenario's types come from its schema")
        }
    }

    /// What each scalar tag accepts, in words.
    static let pattern = [
        "int": "a decimal integer (such as 12 or -3)",
        "float": "a number (such as 1.5 or -2e3)",
        "bool": "true or false",
        "null": "null, ~ or nothing",
    ]

    /// Whether `text` is a value of the core schema's `type` (YAML 1.2.2 section 10.3.2's
    /// resolution table).
    static func matches(_ text: String, _ type: String) -> Bool {
        let s = Array(text.unicodeScalars)
        func digits(_ part: ArraySlice<Unicode.Scalar>, _ allowed: (Unicode.Scalar) -> Bool) -> Bool {
            !part.isEmpty && part.allSatisfy(allowed)
        }
        let decimal: (Unicode.Scalar) -> Bool = { ("0"..."9").contains($0) }
        switch type {
        case "null": return ["", "~", "null", "Null", "NULL"].contains(text)
        case "bool": return ["true", "True", "TRUE", "false", "False", "FALSE"].contains(text)
        case "int":
            if text.hasPrefix("0o") { return digits(s.dropFirst(2)) { ("0"..."7").contains($0) } }
            if text.hasPrefix("0x") { return digits(s.dropFirst(2)) { $0.properties.isASCIIHexDigit } }
            let body = s.first == "-" || s.first == "+" ? s.dropFirst() : s[...]
            return digits(body, decimal)
        case "float":
            var body = s.first == "-" || s.first == "+" ? s.dropFirst() : s[...]
            if [".inf", ".Inf", ".INF"].contains(String(String.UnicodeScalarView(body))) { return true }
            if [".nan", ".NaN", ".NAN"].contains(text) { return true }
            // [0-9]* ( . [0-9]* )? with at least one digit, then ( [eE] [-+]? [0-9]+ )?
            var mantissa = 0
            while let c = body.first, decimal(c) { body = body.dropFirst(); mantissa += 1 }
            if body.first == "." {
                body = body.dropFirst()
                while let c = body.first, decimal(c) { body = body.dropFirst(); mantissa += 1 }
            }
            guard mantissa > 0 else { return false }
            if body.first == "e" || body.first == "E" {
                body = body.dropFirst()
                if body.first == "-" || body.first == "+" { body = body.dropFirst() }
                return digits(body, decimal)
            }
            return body.isEmpty
        default: return false
        }
    }
}
