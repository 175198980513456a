/// One line of a chart panel: a name for the legend, one value per point of the chart's x axis,
/// and how it is drawn.
public struct ChartSeries: Sendable, Hashable {
    /// How a line is stroked.
    public enum Stroke: Sendable, Hashable {
        /// A solid line (the series the panel is about).
        case solid
        /// A dashed line (a reference, such as offered load).
        case dashed
        /// A dotted line.
        case dotted
    }

    /// The legend's text (may come from a scenario: it is escaped when rendered).
    public var name: String
    /// One value per x position of the chart, in the panel's unit before its display scale. A
    /// non-finite value is a gap in the line: nothing is drawn for it.
    public var values: [Double]
    public var color: ChartColor
    public var stroke: Stroke
    /// Line width [px].
    public var width: Double

    public init(name: String, values: [Double], color: ChartColor, stroke: Stroke = .solid, width: Double = 2.5) {
        self.name = name
        self.values = values
        self.color = color
        self.stroke = stroke
        self.width = width
    }
}
