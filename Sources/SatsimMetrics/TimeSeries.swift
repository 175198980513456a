/// A table with one row per metrics interval and one column per figure.
///
/// Column names are stable, dotted like summary paths (`clients.users.goodput_per_s`); the first
/// column is `time`, the end of the interval in seconds.
public struct TimeSeries: Sendable, Equatable {
    /// The most rows a run keeps: one per metrics interval, so duration / interval must not
    /// exceed it (validation refuses a scenario that would). A day at the default 1 s interval
    /// fits; a row costs about 8 bytes per column, so even a scenario with many components keeps
    /// its series (and the CSV and charts made from it) within tens of megabytes.
    public static let maximumRows = 100_000

    public private(set) var columns: [String]
    public private(set) var rows: [[Double]] = []
    /// Each column's position, so that ``column(_:)`` is a lookup, not a scan: the story and the
    /// report ask for a few columns per component, which was quadratic in the component count
    /// (3,000 clients and 3,000 services took 43 s to tell).
    private let positions: [String: Int]

    public init(columns: [String]) {
        self.columns = ["time"] + columns
        positions = Dictionary(self.columns.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Appends a row; `values` must match the columns after `time`.
    public mutating func append(time: Double, values: [Double]) {
        precondition(values.count + 1 == columns.count, "row of \(values.count + 1) values for \(columns.count) columns")
        rows.append([time] + values)
    }

    /// A column's position in each row, or nil when there is no such column.
    public func position(of name: String) -> Int? { positions[name] }

    /// The values of one column, or nil when there is no such column.
    public func column(_ name: String) -> [Double]? {
        guard let index = positions[name] else { return nil }
        return rows.map { $0[index] }
    }
}
