import SatsimMetrics

/// timeseries.csv: a header of column names, then one row per metrics interval.
public enum TimeSeriesCSV {
    public static func render(_ series: TimeSeries) -> String {
        var out = series.columns.map(escape).joined(separator: ",") + "\n"
        for row in series.rows {
            out += row.map(JSONValue.format).map { $0 == "null" ? "" : $0 }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// RFC 4180 quoting for a field that holds a comma, quote or newline (names come from the
    /// scenario and are text a user wrote).
    public static func escape(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
