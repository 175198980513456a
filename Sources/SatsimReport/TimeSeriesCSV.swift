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

    /// A column name (names come from the scenario and are text a user wrote): control
    /// characters as escapes, RFC 4180 quoting and OWASP's neutralisation of a leading formula
    /// character (``CSVField``). The rows are
    /// numbers and never pass through here.
    public static func escape(_ field: String) -> String { CSVField.text(field) }
}
