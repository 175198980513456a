/// Text made safe for a terminal: the one escaping function every line satsim prints goes
/// through (``Console``).
///
/// A scenario's description, names, variant names, `--set` values and file paths are the user's
/// text, and a hostile or damaged file can hold control characters: ESC starts terminal control
/// sequences (move the cursor, rewrite the title, hide text), BEL rings, NUL and CR hide what
/// precedes them. Each such character is printed as a visible escape instead, in Swift's
/// notation (`\u{1B}`), so the message still shows where it was. ``escaped(_:style:)`` keeps
/// line feeds and tabs, which satsim's own layout uses between and within its lines; the user's
/// text inside one of those lines (a file name, a folder, a key, a label) goes through
/// ``inline(_:)``, which writes them as `\n` and `\t` too. Escaped: C0 controls (U+0000-U+001F but LF and TAB), DEL
/// (U+007F), C1 controls (U+0080-U+009F), and every bidirectional control (Unicode's
/// Bidi_Control property, PropList.txt: the overrides and embeddings U+202A-U+202E, the
/// isolates U+2066-U+2069, and the marks U+200E, U+200F and U+061C), which can make text read
/// differently from what it holds ("Trojan Source", Boucher and Anderson 2021): a right-to-left
/// mark in a label reorders the digits and punctuation around it.
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
        case 0x00...0x1F, 0x7F, 0x80...0x9F, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: return true
        default: return false
        }
    }

    /// `text` with every unsafe character escaped; unchanged (and not copied) when it has none.
    public static func escaped(_ text: String, style: Style = .swift) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) { appendEscape(of: scalar, style: style, to: &out) } else { out.append(scalar) }
        }
        return String(out)
    }

    /// Whether `scalar` breaks or jumps a line where it stands: line feed, tab, and the Unicode
    /// line and paragraph separators (U+2028, U+2029); the other breaks (CR, VT, FF, NEL) are
    /// unsafe already.
    public static func breaksLine(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x0A, 0x09, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// The user's text inside one of satsim's lines (a file name, a folder, a key, a name, a
    /// label, a value quoted in a diagnostic): escaped as ``escaped(_:style:)`` does, and its line
    /// breaks and tabs too, written `\n` and `\t` (the separators as `\u{2028}`). The line feeds
    /// that reach the terminal raw are then only satsim's own, between its lines: a file named
    /// "a\nb: OK" cannot print a line of its own. Unchanged (and not copied) when nothing needs it.
    public static func inline(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { isUnsafe($0) || breaksLine($0) }) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out.append(contentsOf: "\\n".unicodeScalars)
            case "\t": out.append(contentsOf: "\\t".unicodeScalars)
            default:
                if isUnsafe(scalar) || breaksLine(scalar) { appendEscape(of: scalar, style: .swift, to: &out) } else { out.append(scalar) }
            }
        }
        return String(out)
    }

    private static func appendEscape(of scalar: Unicode.Scalar, style: Style, to out: inout String.UnicodeScalarView) {
        let hex = String(scalar.value, radix: 16, uppercase: style == .swift)
        switch style {
        case .swift: out.append(contentsOf: "\\u{\(hex)}".unicodeScalars)
        case .json: out.append(contentsOf: ("\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex).unicodeScalars)
        }
    }
}
