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

    /// The panel's heading, with its unit (e.g. `users: requests per second`).
    public var title: String
    public var yAxis: YAxis
    public var series: [ChartSeries]

    public init(title: String, yAxis: YAxis = .linear(scale: 1), series: [ChartSeries]) {
        self.title = title
        self.yAxis = yAxis
        self.series = series
    }
}
