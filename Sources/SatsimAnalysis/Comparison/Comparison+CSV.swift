import SatsimMetrics

extension Comparison {
    /// comparison.csv: one row per (quantity, variant), key figures first, then the outcome shares
    /// (`outcome.NAME`, the share of the variant's runs with that outcome). Numbers are written in
    /// their shortest round-trip form; an empty field has no value (the base has no difference).
    ///
    /// Columns: `figure, variant, runs, mean, ci_half_width, difference, difference_ci_half_width,
    /// differs_from_base, ci_low, ci_high, p_value`. `runs` counts the runs where the figure has a
    /// value; `differs_from_base` is empty where no paired difference could be tested (fewer than
    /// two runs with the figure on both sides). A key figure's interval is mean ± ci_half_width
    /// (Student t), also written as its ends; an outcome share (0 or 1 per run) has Wilson's ends
    /// and no half width, and its difference McNemar's mid-p value (``McNemarTest``) instead of
    /// an interval.
    public var csv: String {
        var out = "figure,variant,runs,mean,ci_half_width,difference,difference_ci_half_width,differs_from_base,ci_low,ci_high,p_value\n"
        for row in figureRows + outcomeRows {
            for (v, cell) in row.cells.enumerated() {
                let low = cell.share?.low ?? cell.interval.flatMap { i in i.halfWidth.map { i.mean - $0 } }
                let high = cell.share?.high ?? cell.interval.flatMap { i in i.halfWidth.map { i.mean + $0 } }
                let fields: [String] = [
                    Self.csvField(row.path), Self.csvField(variants[v]),
                    String(cell.interval?.count ?? 0),
                    Self.csvNumber(cell.interval?.mean), Self.csvNumber(cell.interval?.halfWidth),
                    Self.csvNumber(cell.difference?.mean), Self.csvNumber(cell.difference?.halfWidth),
                    v == 0 || !cell.differenceTested ? "" : (cell.differsFromBase ? "true" : "false"),
                    Self.csvNumber(low), Self.csvNumber(high), Self.csvNumber(cell.pairedTest?.midP),
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

    /// A cell of a text column (the figure's path, the variant's name): control characters as
    /// escapes, RFC 4180 quoting and OWASP's neutralisation of a leading `=`, `+`, `-`, `@`, tab
    /// or line feed (``CSVField``).
    static func csvField(_ text: String) -> String { CSVField.text(text) }
}
