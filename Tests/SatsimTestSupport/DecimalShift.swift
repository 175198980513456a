/// Moving the decimal point of every number in a text, exactly on its digits: what a report does
/// when it shows a figure in a smaller unit (a ratio as a percentage, seconds as milliseconds),
/// so tests can check that it kept the text output's digits.
public enum DecimalShift {
    /// `text` with every number's decimal point moved `places` to the right: `0.3043 ± 0.0219`
    /// by 2 is `30.43 ± 2.19`, `1 ± 0` is `100 ± 0`.
    public static func shifted(_ text: String, by places: Int) -> String {
        var out = ""
        var number = ""
        func flush() {
            guard !number.isEmpty else { return }
            let parts = number.split(separator: ".", omittingEmptySubsequences: false)
            var whole = String(parts[0]), fraction = parts.count > 1 ? String(parts[1]) : ""
            for _ in 0..<places {
                if fraction.isEmpty { whole += "0" } else { whole += String(fraction.removeFirst()) }
            }
            while whole.count > 1, whole.hasPrefix("0") { whole.removeFirst() }
            out += fraction.isEmpty ? whole : whole + "." + fraction
            number = ""
        }
        for c in text {
            if c.isNumber || (c == "." && !number.isEmpty) {
                number.append(c)
            } else {
                flush()
                out.append(c)
            }
        }
        flush()
        return out
    }
}
