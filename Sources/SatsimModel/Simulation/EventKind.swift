/// What a calendar entry means to ``Simulation``. Stored as `ScheduledEvent.kind`.
///
/// `target` is a client or service index, `slot`/`generation` a request or attempt slab entry.
@usableFromInline
internal enum EventKind: UInt32, CaseIterable {
    /// An open-loop client's next request (target: client; generation: the client's arrival epoch).
    case arrival
    /// A closed-loop user finished thinking (target: client).
    case userWakes
    /// An attempt reaches its service after the network delay (slot: attempt).
    case attemptReachesService
    /// An instance finishes serving an attempt (target: service; slot: attempt).
    case departure
    /// A response reaches the client after the network delay (slot: attempt).
    case responseReachesClient
    /// The client's per-attempt timeout (slot: attempt).
    case attemptTimeout
    /// A request's backoff has elapsed: send the next attempt (slot: request).
    case retry
    /// The end of a metrics interval.
    case metricsTick
    /// The end of warmup: summary counters start from here.
    case warmupEnds
    /// A timeline event starts (target: its index in the timeline).
    case timelineStarts
    /// A timeline event with `for` ends (target: its index).
    case timelineEnds
    /// A booting instance is ready (target: service; slot: instance; generation: its epoch).
    case instanceBoots
    /// The next batch of a rolling deploy (target: timeline index; slot: batch number).
    case deployStep
    /// A pause of an instance ends (target: service; slot: instance).
    case pauseEnds
    /// A probe of one instance is due (target: service; slot: instance; generation: the
    /// instance's probe epoch, so that the schedule of an earlier life is dropped).
    case probe
    /// A probe got no answer in time (slot: the probe's attempt).
    case probeTimeout
    /// A service's autoscaler decides (target: service).
    case autoscale
    /// An outlier detector's periodic review (target: service).
    case outlierReview

    /// The number of kinds: raw values run from 0 to `count - 1`, the last case's raw value. A
    /// case added after `outlierReview` must take its place here; a test checks it against
    /// `allCases` (it caught this constant written as 19 for 18 kinds).
    @inline(__always) static var count: UInt32 { EventKind.outlierReview.rawValue &+ 1 }

    /// The kind stored as `raw`, or nil for a value no kind has. The compiler's `init(rawValue:)`
    /// is an out-of-line switch, a call per event; the raw values are 0, 1, 2, ... in case order,
    /// which is also how Swift numbers the cases in memory, so a range check and a bit cast do it.
    @inline(__always)
    static func decode(_ raw: UInt32) -> EventKind? {
        raw < count ? unsafeBitCast(UInt8(truncatingIfNeeded: raw), to: EventKind.self) : nil
    }
}
