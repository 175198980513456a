/// Text made safe for a terminal: the one escaping function every line satsim prints goes
/// through (``Console``).
///
/// A scenario's description, names, variant names, `--set` values and file paths are the user's
/// text, and a hostile or damaged file can hold control characters: ESC starts terminal control
/// sequences (move the cursor, rewrite the title, hide text), BEL rings, NUL and CR hide what
/// precedes them. Each such character is printed as a visible escape instead, in Swift's
/// notation (`\u{1B}`), so the message still shows where it was. Line feeds and tabs are kept:
/// satsim's own layout uses them. Escaped: C0 controls (U+0000-U+001F but LF and TAB), DEL
/// (U+007F), C1 controls (U+0080-U+009F), and the bidirectional overrides and isolates
/// (U+202A-U+202E, U+2066-U+2069) that can make text read differently from what it holds.
public enum TerminalText {
    /// How an escaped character is written.
    public enum Style: Sendable {
        /// `\u{1B}`: for text.
        case swift
        /// `\u001b`: for JSON, where it is a valid escape inside a string and the same value, so
        /// `--format json` stays parseable. (JSON never has these characters outside strings.)
        case json
    }

    /// Whether `scalar` must not reach a terminal raw.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09: return false
        case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// `text` with every unsafe character escaped; unchanged (and not copied) when it has none.
    public static func escaped(_ text: String, style: Style = .swift) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard isUnsafe(scalar) else {
                out.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16, uppercase: style == .swift)
            switch style {
            case .swift: out.append(contentsOf: "\\u{\(hex)}".unicodeScalars)
            case .json: out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
            }
        }
        return String(out)
    }
}
