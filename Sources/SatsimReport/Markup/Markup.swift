import SatsimMetrics

/// Text for XML and HTML: escaping and the numbers written into attributes.
///
/// Every text that comes from a scenario (names, the description, sentences that quote them)
/// goes through ``escape(_:)`` before it reaches an SVG or HTML document (DESIGN.md, "Errors and
/// bad input").
public enum Markup {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe both as element content
    /// and inside a quoted attribute. Characters XML 1.0 forbids (C0 controls other than tab,
    /// newline and carriage return) become U+FFFD, so the output is always well-formed. O(n).
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
                    out += "\u{FFFD}"
                } else if TerminalText.isUnsafe(scalar) {
                    // DEL, C1 controls and bidi controls (U+202E...) as character references:
                    // the same text to a browser, but never raw to a terminal that `cat`s the page.
                    out += "&#x" + String(scalar.value, radix: 16, uppercase: true) + ";"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// A name from the scenario (a client, a service, a variant) as HTML element content:
    /// escaped and wrapped in `<bdi>`, so that a right-to-left name, or one holding a bidi
    /// control such as U+202E (right-to-left override), is laid out on its own and cannot
    /// reorder the text around it (HTML Living Standard, "The bdi element"; Unicode Standard
    /// Annex #9, isolates). Not for SVG, which has no `bdi`.
    public static func isolated(_ name: String) -> String {
        "<bdi>" + escape(name) + "</bdi>"
    }

    /// `text` unescaped, between U+2068 and U+2069 when it needs isolation: for one value inside
    /// a longer text that is escaped as a whole (an SVG `<title>` that quotes a varied value), so
    /// a U+202E in the value cannot reverse the rest of the tooltip. A scenario's free text, a
    /// `description` varied by `--vary`, can hold one.
    public static func isolatedPart(_ text: String) -> String {
        needsIsolation(text) ? "\u{2068}" + text + "\u{2069}" : text
    }

    /// `text` escaped for where no element may go (an HTML `<title>`): when it needs isolation,
    /// between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE, the characters
    /// `<bdi>` stands for (Unicode Standard Annex #9), written as character references as
    /// ``escape(_:)`` writes every bidi control.
    public static func isolatedText(_ text: String) -> String {
        needsIsolation(text) ? "&#x2068;" + escape(text) + "&#x2069;" : escape(text)
    }

    /// `text` escaped for HTML, with each occurrence of one of `names` that needs isolation
    /// (``needsIsolation(_:)``) wrapped in `<bdi>`: for sentences and labels that quote names
    /// ("users retried 3 times"). Names written left to right are left as they are, so the
    /// page of an ordinary scenario does not change; the longest name wins where two overlap.
    public static func prose(_ text: String, names: [String]) -> String {
        let risky = Set(names.filter { !$0.isEmpty && needsIsolation($0) }).sorted { $0.count > $1.count }
        guard !risky.isEmpty else { return escape(text) }
        var out = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if let name = risky.first(where: { rest.hasPrefix($0) }) {
                out += isolated(name)
                rest = rest.dropFirst(name.count)
            } else {
                let next = rest.indices.dropFirst().first { i in risky.contains { rest[i...].hasPrefix($0) } } ?? rest.endIndex
                out += escape(String(rest[..<next]))
                rest = rest[next...]
            }
        }
        return out
    }

    /// Whether `text` holds a bidi control (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
    /// or a character of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, NKo, Samaritan,
    /// Mandaic and their presentation forms, and the right-to-left blocks of planes 1), which
    /// can reorder the text around it.
    public static func needsIsolation(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            let v = scalar.value
            return scalar.properties.isBidiControl
                || (0x0590...0x08FF).contains(v) || (0xFB1D...0xFDFF).contains(v) || (0xFE70...0xFEFF).contains(v)
                || (0x10800...0x10FFF).contains(v) || (0x1E800...0x1EFFF).contains(v)
        }
    }

    /// A coordinate or length: at most one decimal, no trailing `.0`, never `nan` or `inf`
    /// (a non-finite value is written as 0; callers skip such points before they get here).
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let text = FixedDecimal.format(x, decimals: 1)
        if text.hasSuffix(".0") { return text == "-0.0" ? "0" : String(text.dropLast(2)) }
        return text
    }
}
