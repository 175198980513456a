/// One plot of a chart: a y axis with its unit and the series drawn against it. Panels of a chart
/// are stacked and share the x axis (simulated time).
public struct ChartPanel: Sendable, Hashable {
    /// How the y axis is scaled and labelled.
    public enum YAxis: Sendable, Hashable {
        /// From 0 to a nice number above the largest finite value; tick labels are the values
        /// multiplied by `scale` (e.g. 1000 to show seconds as milliseconds).
        case linear(scale: Double)
        /// A fraction in [0, 1] shown as 0-100%; values above 1 raise the top to a nice percentage.
        case percent
    }

    /// A horizontal line at a value of note (e.g. the baseline goodput), labelled at its right end.
    public struct Reference: Sendable, Hashable {
        /// In the panel's unit, before its display scale; a non-finite value is not drawn.
        public var value: Double
        /// The label (may come from a scenario: it is escaped when rendered).
        public var label: String
        public init(value: Double, label: String) {
            self.value = value
            self.label = label
        }
    }

    /// The panel's heading, with its unit (e.g. `users: requests per second`).
    public var title: String
    public var yAxis: YAxis
    public var series: [ChartSeries]
    public var references: [Reference]

    public init(title: String, yAxis: YAxis = .linear(scale: 1), series: [ChartSeries], references: [Reference] = []) {
        self.title = title
        self.yAxis = yAxis
        self.series = series
        self.references = references
    }
}
