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
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
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
