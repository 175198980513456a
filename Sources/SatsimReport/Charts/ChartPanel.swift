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

    /// How the top of the y axis is chosen when a short spike dwarfs the rest.
    public enum SpikeScale: Sendable, Hashable {
        /// The axis reaches the largest value, however brief.
        case fit
        /// When the largest value is more than ``SVGChartWriter/clipRatio`` times the level the
        /// series hold 90% of the time, the axis stops just above that level; values above are
        /// drawn flat at the top, with a triangle and the peak's value, and the legend says so.
        case clip
    }

    /// A shaded range between two lines (e.g. min to max over replications), named in the legend.
    public struct Band: Sendable, Hashable {
        /// The legend's text, which says what the range is (escaped when rendered).
        public var name: String
        /// One low and one high value per x position of the chart; non-finite: no band there.
        public var low: [Double]
        public var high: [Double]
        public var color: ChartColor

        public init(name: String, low: [Double], high: [Double], color: ChartColor) {
            self.name = name
            self.low = low
            self.high = high
            self.color = color
        }
    }

    /// The panel's heading, with its unit (e.g. `users: requests per second`).
    public var title: String
    public var yAxis: YAxis
    public var series: [ChartSeries]
    public var references: [Reference]
    public var bands: [Band]
    public var spikes: SpikeScale
    /// Where every series has no value (a gap in all of them), this text is written on the
    /// floor of the plot over a dark bar (e.g. `no successes`), so an empty stretch reads as
    /// "nothing happened", not as a missing line or a zero. Nil: gaps stay silent.
    public var gapLabel: String?

    public init(
        title: String, yAxis: YAxis = .linear(scale: 1), series: [ChartSeries], references: [Reference] = [],
        bands: [Band] = [], spikes: SpikeScale = .fit, gapLabel: String? = nil
    ) {
        self.bands = bands
        self.spikes = spikes
        self.gapLabel = gapLabel
        self.title = title
        self.yAxis = yAxis
        self.series = series
        self.references = references
    }
}
