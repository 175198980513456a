/// A time chart: stacked panels over one shared axis of simulated time, with the warmup and the
/// timeline's faults marked on each. ``svg()`` renders it (`Chart+SVG.swift`).
///
/// The chart is a value: the same chart always renders to the same bytes.
public struct Chart: Sendable, Hashable {
    /// The heading (e.g. `Goodput and offered load`).
    public var title: String
    /// The x position of each point [s of simulated time]; every series has one value per entry.
    public var times: [Double]
    /// The x axis runs from 0 to this [s] (the scenario's duration).
    public var duration: Double
    public var panels: [ChartPanel]
    public var marks: [TimeMark]
    /// A line under the title; empty for none.
    public var note: String
    /// Mechanism states drawn in strips above the first plot (ejections, breaker, panic...).
    public var lanes: [ChartLane]

    public init(
        title: String, times: [Double], duration: Double, panels: [ChartPanel], marks: [TimeMark] = [], note: String = "",
        lanes: [ChartLane] = []
    ) {
        self.lanes = lanes
        self.note = note
        self.title = title
        self.times = times
        self.duration = duration
        self.panels = panels
        self.marks = marks
    }
}
