import SatsimMetrics

/// One problem found in a scenario, with where it is and what would fix it.
///
/// Rendered on one line in the style of compilers, so editors can jump to it:
/// `demo.yaml:7:3: error: clients.users.retyr: unknown key, expected one of target, arrival, ...; did you mean 'retry'?`
/// The wording is stable: tests compare it against golden files.
public struct Diagnostic: Sendable, Hashable, CustomStringConvertible {
    /// The file the problem is in (`--set` or `--variant` for a command-line argument).
    public var file: String
    /// 1-based line (for a `--set`, the ordinal of the argument).
    public var line: Int
    /// 1-based column, counted in Unicode scalars.
    public var column: Int
    /// The dotted key path of the offending value (`clients.users.retry`), or "" for the file itself.
    public var path: String
    /// What was found and what was expected.
    public var message: String
    /// A likely intended spelling, rendered as "did you mean '...'?".
    public var suggestion: String?

    public init(file: String, line: Int, column: Int, path: String, message: String, suggestion: String? = nil) {
        self.file = file
        self.line = max(1, line)
        self.column = max(1, column)
        self.path = path
        self.message = message
        self.suggestion = suggestion
    }

    /// `FILE:LINE:COLUMN: error: PATH: MESSAGE[; did you mean 'X'?]`. A path longer than 200
    /// characters (a `--set` of 100,000) is cut, so that the message stays a line and not the
    /// user's text echoed back. The file name, the key and the values quoted are the user's text:
    /// their line breaks, tabs and control characters are written as escapes
    /// (``TerminalText/inline(_:)``), so that a diagnostic is always one line.
    public var description: String {
        var text = "\(file):\(line):\(column): error: "
        if !path.isEmpty { text += "\(Self.shown(path, limit: 200)): " }
        text += message
        if let suggestion { text += "; did you mean '\(suggestion)'?" }
        return Self.visible(TerminalText.inline(text))
    }

    /// `text` with each invisible character (Unicode's Default_Ignorable_Code_Point: zero-width
    /// spaces and joiners, the BOM, soft hyphens, variation selectors, tag characters) written as
    /// an escape: a client named "users" followed by U+200B was refused as "found the name
    /// 'users'", a name that looks valid. A diagnostic quotes the user's text to be exact.
    static func visible(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: \.properties.isDefaultIgnorableCodePoint) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if scalar.properties.isDefaultIgnorableCodePoint {
                out.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }
}

extension Diagnostic {
    /// `text`, or its first `limit` characters and "..." when it is longer: a name or value
    /// from the user echoed in a message, which may be a megabyte long.
    public static func shown(_ text: String, limit: Int = 60) -> String {
        text.count > limit ? String(text.prefix(limit)) + "..." : text
    }

    /// "unknown key, expected one of a, b, c": the keys the block takes, in the schema's order,
    /// so that a key no spelling hint reaches (`unhealthy_threshold` for `unhealthy_after`)
    /// still shows what to write.
    static func unknownKey(expected names: [String]) -> String {
        names.isEmpty ? "unknown key, this block takes no keys" : "unknown key, expected one of " + names.joined(separator: ", ")
    }

    /// A large count (a population, a number of events) in plain digits, or "more than 10^15"
    /// beyond what they show exactly.
    static func count(_ x: Double, rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> String {
        Counted.digits(x, rounding: rounding)
    }

    /// Names as a list of at most `limit`, then "and N more" (a file may define thousands).
    static func listed(_ names: [String], limit: Int = 10) -> String {
        names.count > limit ? names.prefix(limit).joined(separator: ", ") + " and \(names.count - limit) more" : names.joined(separator: ", ")
    }

    init(at position: SourcePosition, path: String, _ message: String, suggestion: String? = nil) {
        self.init(
            file: position.file, line: position.line, column: position.column, path: path, message: message,
            suggestion: suggestion)
    }
}
