import SatsimMetrics

/// runs.csv and points.csv: the store's two tables as text, rows sorted by their key, numbers in
/// Swift's shortest round-trip form, so the same runs give the same bytes however the sweep was
/// split (`--jobs`, shards, resumes).
public enum ResultsCSV {
    /// The `runs` table.
    public static func runs(_ records: [RunRecord], layout: ResultsLayout) -> String {
        var lines = [(["point", "replication"] + layout.columns + ["seed", "outcome", "limit_hit"] + layout.figures)
            .map(field).joined(separator: ",")]
        for record in records.sorted(by: { $0.key < $1.key }) {
            var cells = [String(record.key.point), String(record.key.replication)]
            cells += layout.points[record.key.point].map(field)
            cells += [String(record.seed), record.outcome.map(field) ?? "", record.limit.map(field) ?? ""]
            cells += record.values.map(number)
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The `points` table.
    public static func points(_ summaries: [PointSummary], layout: ResultsLayout) -> String {
        var lines = [PointsTable.columns(layout).map { field($0.name) }.joined(separator: ",")]
        for summary in summaries.sorted(by: { $0.point < $1.point }) {
            lines.append(PointsTable.row(summary).map { cell in
                switch cell {
                case .integer(let i): return String(i)
                case .real(let x): return number(x)
                case .text(let s): return field(s)
                }
            }.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Whole numbers (counts) without a `.0`; others in Swift's shortest round-trip form.
    static func number(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "" }
        if x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
        return "\(x)"
    }

    /// A cell of a text column (header names, varied values, which are text as in the store's
    /// TEXT columns, outcomes, limits): control characters as escapes, RFC 4180 quoting and
    /// OWASP's neutralisation of a leading `=`, `+`, `-`, `@`, tab or line feed (``CSVField``).
    /// Counts, seeds and figures are numbers and never pass through here.
    static func field(_ text: String) -> String { CSVField.text(text) }
}
