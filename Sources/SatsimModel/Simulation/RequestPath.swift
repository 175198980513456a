/// Which request path the hot handlers are compiled for (issue 10: one model, specialised by
/// configuration, not by copying handlers).
///
/// The handlers of a request's life (``Simulation/newRequest(_:client:)`` to
/// ``Simulation/releaseWorker(_:service:instance:)``) are written once, generic over a path, and
/// every test of a mechanism that a simple scenario lacks reads `P.full && ...`. Compiled for
/// ``FullPath`` they are the whole model; compiled for ``LeanPath`` those tests are constant
/// false and vanish, so a request of an open-loop client against plain services pays for none of
/// the mechanisms it does not use (about 70 instructions per event on the M/M/c benchmark,
/// measured with callgrind). ``Simulation/lean`` says which one a run takes; it is resolved at
/// set-up, and a run leaves the lean path for good when its first timeline event other than a
/// load spike starts (``Simulation/leaveLeanPath(for:)``); it never comes back.
protocol RequestPath {
    /// Whether the handlers must look for every mechanism: health probes, caches, downstream
    /// calls, pauses, draining instances, faults, contention, client guards, network delays,
    /// closed-loop users, cohorts and outlier detection (a run takes this path too from its first
    /// timeline event other than a load spike on).
    static var full: Bool { get }
}

/// The whole model: every mechanism is looked for.
enum FullPath: RequestPath {
    @inline(__always) static var full: Bool { true }
}

/// A run whose clients and services use none of the mechanisms ``RequestPath/full`` lists (see
/// ``Simulation/isLean()``).
enum LeanPath: RequestPath {
    @inline(__always) static var full: Bool { false }
}
