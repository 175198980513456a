/// What a calendar entry means to ``Simulation``. Stored as `ScheduledEvent.kind`.
///
/// `target` is a client or service index, `slot`/`generation` a request or attempt slab entry.
@usableFromInline
internal enum EventKind: UInt32 {
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
}
