import SatsimCore
import SatsimMetrics

/// RPC fault injection as a chaos experiment platform does it (issue 9).
///
/// A `latency` or `errors` fault with `caller` acts only on the attempts of one edge of the call
/// graph (calls from that service); with `share` only on the requests of the experiment cohort.
/// Each client request draws u ~ U(0, 1) from its own stream when it is created, and its
/// downstream calls inherit it; a fault with share x acts on the requests with u < x. The
/// experiment cohort of the summary is the requests with u < the largest share of the timeline;
/// the rest is the control cohort. (Netflix's ChAP routes a small share of traffic to an
/// experiment cluster and the same share to a control cluster; here the control is every other
/// request, so that harm leaking through shared queues and dependencies shows in it.)
///
/// Everything is resolved when the run is set up: without a targeted fault no request draws,
/// and the handlers test one integer (`activeFaults`) before looking further.
struct ChaosState {
    /// One targeted fault in progress.
    struct Fault {
        var timelineIndex: Int
        /// The calling service's index, or -1 for attempts from any caller.
        var caller: Int
        /// Acts on requests with u < share (1: all).
        var share: Double
        /// Injected error ratio (errors), or 0.
        var ratio: Double
        /// Added service time (latency), or nil.
        var add: Sampler?
    }

    /// Whether requests draw a cohort: some enabled fault has a share.
    var cohorts = false
    /// The experiment cohort: u < this.
    var experimentShare = 0.0
    /// One stream per client for the cohort draw (separate, so that the other streams, and so
    /// the rest of the run, stay as they are when cohorts are switched on: common random numbers).
    var streams: [RandomStream] = []
    /// Targeted faults in progress, per service index.
    var faults: [[Fault]] = []
    /// How many targeted faults are in progress (0: the handlers skip all of this).
    var activeFaults = 0
    /// Whether some service has outlier detection (the response hooks test this first).
    var outliers = false
    /// Per service: the generation of its outlier review chain (a mid-run `set` may restart it).
    var reviewGeneration: [UInt32] = []
    /// Per client: [experiment, control].
    var figures: [[CohortFigures]] = []
}

/// A cohort's client figures, counted when its requests end (requests created after warmup).
struct CohortFigures {
    var requests = 0
    var attempts = 0
    var successes = 0
    var failures = 0
    var latency = LatencyHistogram()
}

/// A client's figures per cohort (summary.json `clients.NAME.cohorts`).
public struct ClientCohorts: Sendable, Hashable {
    public var client: String
    /// The requests a fault with `share` could reach (u < the largest share).
    public var experiment: ClientSummary
    /// Every other request.
    public var control: ClientSummary
    /// The experiment cohort's share of requests (the largest share of the timeline).
    public var share: Double
}
