import SatsimMetrics

/// runs.csv and points.csv: the store's two tables as text, rows sorted by their key, numbers in
/// Swift's shortest round-trip form, so the same runs give the same bytes however the sweep was
/// split (`--jobs`, shards, resumes).
public enum ResultsCSV {
    /// The `runs` table.
    public static func runs(_ records: [RunRecord], layout: ResultsLayout) -> String {
        var text = ""
        runs(records, layout: layout) { text += $0 }
        return text
    }

    /// The `runs` table, handed to `emit` a line at a time (each ending in a line feed), so
    /// that a table of a million runs is never one string.
    public static func runs<E: Error>(_ records: [RunRecord], layout: ResultsLayout, emit: (String) throws(E) -> Void) throws(E) {
        try emit((["point", "replication"] + layout.columns + ["seed", "outcome", "limit_hit"] + layout.figures)
            .map(field).joined(separator: ",") + "\n")
        // The store reads them in (point, replication) order already; sorted only if not.
        let ordered = zip(records, records.dropFirst()).allSatisfy { $0.key < $1.key } ? records : records.sorted { $0.key < $1.key }
        for record in ordered {
            var cells = [String(record.key.point), String(record.key.replication)]
            cells += layout.points[record.key.point].map(field)
            cells += [String(record.seed), record.outcome.map(field) ?? "", record.limit.map(field) ?? ""]
            cells += record.values.map(number)
            try emit(cells.joined(separator: ",") + "\n")
        }
    }

    /// The `points` table.
    public static func points(_ summaries: [PointSummary], layout: ResultsLayout) -> String {
        var text = ""
        points(summaries, layout: layout) { text += $0 }
        return text
    }

    /// The `points` table, handed to `emit` a line at a time (each ending in a line feed).
    public static func points<E: Error>(_ summaries: [PointSummary], layout: ResultsLayout, emit: (String) throws(E) -> Void) throws(E) {
        try emit(PointsTable.columns(layout).map { field($0.name) }.joined(separator: ",") + "\n")
        let ordered = zip(summaries, summaries.dropFirst()).allSatisfy { $0.point < $1.point } ? summaries : summaries.sorted { $0.point < $1.point }
        for summary in ordered {
            try emit(PointsTable.row(summary).map { cell in
                switch cell {
                case .integer(let i): return String(i)
                case .real(let x): return number(x)
                case .text(let s): return field(s)
                }
            }.joined(separator: ",") + "\n")
        }
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
