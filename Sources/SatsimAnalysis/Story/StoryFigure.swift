/// What a story figure measures, so that a test can recompute it from timeseries.csv over the
/// figure's window without the story's own code.
///
/// Column names are those of timeseries.csv; a list of columns is their sum per interval.
public indirect enum StoryMeasure: Sendable, Hashable {
    /// The sum of the columns over the window's intervals.
    case total([String])
    /// The total divided by the window's seconds [per second].
    case rate([String])
    /// The mean of a per-interval level (instances, utilization), each interval weighted by its
    /// width.
    case mean([String])
    /// The lowest per-interval level in the window.
    case minimum([String])
    /// The highest per-interval level in the window.
    case maximum([String])
    /// One measure divided by another (0 when the divisor is 0).
    case quotient(StoryMeasure, StoryMeasure)
    /// One measure minus another.
    case difference(StoryMeasure, StoryMeasure)
    /// A fixed number: a setting of the scenario.
    case constant(Double)
    /// A measure taken over another window than the figure's (a baseline).
    case over(StoryMeasure, StoryWindow)
    /// Not measured from the series: a time, or a setting of the scenario (named by its key path).
    case given(String)
    /// Measured by `explain` over its replications, not from one run's series (the finding's
    /// ``Finding/replications`` says which runs).
    case explained(ExplainedMeasure)
}

/// How a figure is printed.
public enum FigureUnit: String, Sendable, Hashable {
    /// A share of a stated whole, printed as a percentage: never below 0 or above 1.
    case share
    /// Per second.
    case rate
    /// A plain ratio or factor ("3.2 attempts per request").
    case ratio
    /// A count of instances, possibly time-averaged.
    case instances
    /// A latency [s].
    case latency
    /// A duration [s].
    case duration
    /// A time in the run [s].
    case clock
    /// A whole count (events, requests, instances asked for).
    case count
    /// A time-averaged number of things (requests waiting), printed as a rate's number is.
    case level
    /// A mean over replications printed with one decimal, as `explain`'s table prints it
    /// (goodput [requests/s], a recovery time [s]).
    case tenths
    /// A difference of two shares, in percentage points with one decimal (`2.5`).
    case percentagePoints
    /// A probability (a test's p-value), with three decimals (`0.031`).
    case probability
}

/// One number of the story: its value, unit and window, and what it measures.
public struct StoryFigure: Sendable, Hashable {
    public var value: Double
    public var unit: FigureUnit
    public var measure: StoryMeasure
    /// The window the measure is taken over; nil for given figures.
    public var window: StoryWindow?
    /// For a time: the decimals it is printed with (``Format/clock(_:decimals:)``); the story
    /// sets it from its metrics interval.
    public var clockDecimals = 0

    public init(_ value: Double, _ unit: FigureUnit, _ measure: StoryMeasure, window: StoryWindow? = nil) {
        self.value = value
        self.unit = unit
        self.measure = measure
        self.window = window
    }

    /// A time in the run.
    public static func clock(_ seconds: Double) -> StoryFigure { StoryFigure(seconds, .clock, .given("time")) }

    /// A setting of the scenario or a count of the run's events, named by where it comes from.
    public static func given(_ value: Double, _ unit: FigureUnit, _ source: String) -> StoryFigure {
        StoryFigure(value, unit, .given(source))
    }

    /// The figure as printed in a sentence.
    public var text: String {
        switch unit {
        case .share: return Format.percent(value)
        case .rate: return Format.rate(value)
        case .ratio, .instances: return Format.ratio(value)
        case .latency: return Format.latency(value)
        case .duration: return Format.duration(value)
        case .clock: return Format.clock(value, decimals: clockDecimals)
        case .count: return Format.fixed(value, 0)
        case .level: return Format.rate(value)
        case .tenths: return Format.fixed(value, 1)
        case .percentagePoints: return Format.fixed(value * 100, 1)
        case .probability: return Format.fixed(value, 3)
        }
    }
}
