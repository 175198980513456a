/// A strip above a chart's first plot showing the state of one mechanism over time: spans of a
/// state (`3` instances ejected, breaker `open`, `panic`) and instants (a kill, a scaling
/// decision). One lane replaces a letter per event, so a hundred ejections read as one band of
/// how many instances were out, not a hundred overprinted glyphs.
///
/// Lanes are drawn in neutral grey: the lane's name says which mechanism it shows, so no colour
/// of the palette (``ChartColor``) takes a second meaning.
public struct ChartLane: Sendable, Hashable {
    /// A stretch of time in one state.
    public struct Span: Sendable, Hashable {
        /// Start and end [s of simulated time].
        public var start: Double
        public var end: Double
        /// How strong the state is (e.g. instances ejected); the band is darker the higher it
        /// is relative to the lane's highest level. Positive.
        public var level: Double
        /// Written inside the band when it fits (escaped when rendered).
        public var label: String

        public init(start: Double, end: Double, level: Double, label: String) {
            self.start = start
            self.end = end
            self.level = level
            self.label = label
        }
    }

    /// A moment: a tick with a short label (escaped when rendered).
    public struct Instant: Sendable, Hashable {
        /// [s of simulated time]
        public var time: Double
        public var label: String

        public init(time: Double, label: String) {
            self.time = time
            self.label = label
        }
    }

    /// The lane's heading, written above its strip (e.g. `api: instances ejected by health checks`).
    public var name: String
    public var spans: [Span]
    public var instants: [Instant]

    public init(name: String, spans: [Span] = [], instants: [Instant] = []) {
        self.name = name
        self.spans = spans
        self.instants = instants
    }

    /// Whether there is anything to draw.
    public var isEmpty: Bool { spans.isEmpty && instants.isEmpty }
}
