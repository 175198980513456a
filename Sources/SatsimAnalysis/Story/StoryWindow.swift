/// The span of the run a story figure is measured over: whole metrics intervals, so that every
/// figure can be recomputed from timeseries.csv over exactly the span its label names.
public struct StoryWindow: Sendable, Hashable {
    /// Start of the first interval and end of the last [s]. An interval i covers
    /// (end of interval i - 1, end of interval i].
    public var from: Double
    public var to: Double
    /// Whether `to` is the end of the run, so that the label can say "to the end".
    public var toEnd: Bool
    /// The decimals its bounds are printed with (``Format/clock(_:decimals:)``); the story sets
    /// it from its metrics interval.
    public var clockDecimals = 0

    public init(from: Double, to: Double, toEnd: Bool = false) {
        self.from = from
        self.to = to
        self.toEnd = toEnd
    }

    /// Seconds covered.
    public var seconds: Double { to - from }

    /// "from 3m20s to 4m00s", "from 3m20s to the end".
    public var label: String {
        "from \(Format.clock(from, decimals: clockDecimals)) to " + (toEnd ? "the end" : Format.clock(to, decimals: clockDecimals))
    }
}
