extension Comparison {
    /// comparison.csv: one row per (quantity, variant), key figures first, then the outcome shares
    /// (`outcome.NAME`, the share of the variant's runs with that outcome). Numbers are written in
    /// their shortest round-trip form; an empty field has no value (the base has no difference).
    ///
    /// Columns: `figure, variant, runs, mean, ci_half_width, difference, difference_ci_half_width,
    /// differs_from_base`. `runs` counts the runs where the figure has a value.
    public var csv: String {
        var out = "figure,variant,runs,mean,ci_half_width,difference,difference_ci_half_width,differs_from_base\n"
        for row in figureRows + outcomeRows {
            for (v, cell) in row.cells.enumerated() {
                let fields: [String] = [
                    Self.csvField(row.path), Self.csvField(variants[v]),
                    String(cell.interval?.count ?? 0),
                    Self.csvNumber(cell.interval?.mean), Self.csvNumber(cell.interval?.halfWidth),
                    Self.csvNumber(cell.difference?.mean), Self.csvNumber(cell.difference?.halfWidth),
                    v == 0 ? "" : (cell.differsFromBase ? "true" : "false"),
                ]
                out += fields.joined(separator: ",") + "\n"
            }
        }
        return out
    }

    /// Shortest round-trip decimal; empty for nil or non-finite.
    static func csvNumber(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// A field quoted when it holds a comma, a quote or a line break (RFC 4180); a leading `=`,
    /// `+`, `-` or `@` is prefixed with `'` so a spreadsheet does not run it as a formula.
    static func csvField(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        var quoted = "\""
        for character in text { quoted += character == "\"" ? "\"\"" : String(character) }
        return quoted + "\""
    }
}
