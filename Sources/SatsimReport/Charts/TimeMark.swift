/// A span or instant of simulated time marked on every panel of a chart: a fault window (shaded
/// and labelled), a step of the timeline (a labelled vertical line), or the warmup.
public struct TimeMark: Sendable, Hashable {
    /// What the mark shows, which decides how it is drawn.
    public enum Kind: Sendable, Hashable {
        /// Excluded from the statistics: a light grey band from the start.
        case warmup
        /// A fault with a duration (`for`): a tinted band.
        case fault
        /// An action without a duration (kill, scale, deploy, set): a dashed vertical line.
        case step
        /// A moment the analysis found, such as recovery: a green dashed vertical line.
        case milestone
        /// Simulated time the run never reached (it stopped at a limit): a darker grey band from
        /// the stop to the end, after a solid line at the stop, so that an empty stretch is not
        /// read as zero.
        case notSimulated
    }

    public var kind: Kind
    /// Start [s].
    public var start: Double
    /// End [s]; equal to `start` for a step.
    public var end: Double
    /// The label above the plot (may come from a scenario: it is escaped when rendered).
    public var label: String

    public init(kind: Kind, start: Double, end: Double, label: String) {
        self.kind = kind
        self.start = start
        self.end = end
        self.label = label
    }
}
