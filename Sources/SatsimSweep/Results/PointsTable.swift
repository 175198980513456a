import SatsimAnalysis

/// The columns of the `points` table (and points.csv), and a summary as one row of them.
public enum PointsTable {
    enum Cell {
        case integer(Int), real(Double?), text(String)
    }

    /// Names and SQL types, in order: `point`, the varied paths, `runs`, `stopped_at_limit`, per
    /// outcome `n_`, `p_`, `p_..._low`, `p_..._high`, per figure `_n`, `_mean`, `_low`, `_high`.
    static func columns(_ layout: ResultsLayout) -> [(name: String, type: String)] {
        fixedColumns(layout) + layout.figures.flatMap(figureColumns)
    }

    /// The columns before the figures': `point`, the varied paths, `runs`, `stopped_at_limit`,
    /// and four per outcome.
    static func fixedColumns(_ layout: ResultsLayout) -> [(name: String, type: String)] {
        var columns: [(String, String)] = [("point", "INTEGER NOT NULL")]
        columns += layout.columns.map { ($0, "TEXT NOT NULL") }
        columns += [("runs", "INTEGER NOT NULL"), ("stopped_at_limit", "INTEGER NOT NULL")]
        for outcome in Outcome.allCases.map(\.rawValue) {
            columns += [("n_\(outcome)", "INTEGER NOT NULL"), ("p_\(outcome)", "REAL"),
                        ("p_\(outcome)_low", "REAL"), ("p_\(outcome)_high", "REAL")]
        }
        return columns
    }

    /// The number of ``fixedColumns(_:)``.
    public static func fixedColumnCount(_ layout: ResultsLayout) -> Int { fixedColumns(layout).count }

    /// The four columns of one figure.
    static func figureColumns(_ figure: String) -> [(name: String, type: String)] {
        [("\(figure)_n", "INTEGER NOT NULL"), ("\(figure)_mean", "REAL"), ("\(figure)_low", "REAL"), ("\(figure)_high", "REAL")]
    }

    /// `summary` as a row of ``columns(_:)``. An interval's ends are null from a single value.
    static func row(_ summary: PointSummary) -> [Cell] {
        var row: [Cell] = [.integer(summary.point)] + summary.values.map { .text($0) }
        row += [.integer(summary.runs), .integer(summary.stoppedAtLimit)]
        for entry in summary.outcomes {
            row += [.integer(entry.count), .real(entry.share?.proportion), .real(entry.share?.low), .real(entry.share?.high)]
        }
        for figure in summary.figures {
            let half = figure?.halfWidth.flatMap { $0.isFinite ? $0 : nil }
            row += [.integer(figure?.count ?? 0), .real(figure?.mean),
                    .real(half.flatMap { h in figure.map { $0.mean - h } }),
                    .real(half.flatMap { h in figure.map { $0.mean + h } })]
        }
        return row
    }
}
