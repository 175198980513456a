import SatsimCore
import SatsimMetrics

/// A client's latency histograms behind a reference, so that recording through an array of
/// client states does not copy their bucket storage.
///
/// Each success is recorded once, into the current interval's histogram (the time series' p99 and
/// the verdict's windows read it). The run's histogram (summary.json) is built from the
/// intervals: at each interval's end ``fold()`` adds the interval's buckets to it, less those of
/// requests created before warmup, which the summary leaves out. Only the run's exact sum and
/// maximum are kept per success, in the same order as before, so every figure is bit for bit what
/// two histograms recorded side by side gave, at half the cost per success (issue 10).
///
/// The properties are @exclusivity(unchecked): a box belongs to one client of one run, on one
/// task, and the run-time access checks on a class property cost 6% of the instructions per event
/// on the M/M/c benchmark (callgrind, issue 10).
final class LatencyHistogramBox {
    /// Every success of the current interval.
    @exclusivity(unchecked) var interval = LatencyHistogram()
    /// The part of `interval` the run's histogram leaves out (requests created before warmup).
    @exclusivity(unchecked) var excluded = LatencyHistogram()
    /// The run's successes up to the last ``fold()``: buckets and count.
    @exclusivity(unchecked) var folded = LatencyHistogram()
    /// The run's exact sum [s] and maximum [ns], up to now.
    @exclusivity(unchecked) var runSum = 0.0
    @exclusivity(unchecked) var runMax: Int64 = 0

    /// Records one success; `counted` is false for a request the summary leaves out.
    @inline(__always)
    func record(_ latency: SimTime, counted: Bool) {
        interval.record(latency)
        if counted {
            let ns = max(latency.nanoseconds, 0)
            runSum += Double(ns) * 1e-9
            if ns > runMax { runMax = ns }
        } else {
            excluded.record(latency)
        }
    }

    /// Moves the interval's counted buckets into the run's histogram and starts a new interval.
    func fold() {
        folded.moveBuckets(from: &interval, except: excluded)
        excluded.reset()
    }

    /// The run's histogram so far (call ``fold()`` first to include the current interval).
    var run: LatencyHistogram {
        var run = folded
        run.setMoments(sumSeconds: runSum, maxNanoseconds: runMax)
        return run
    }

    /// Warmup ended: the run's histogram starts empty, and what this interval holds so far
    /// stays out of it (as a reset of a histogram recorded alongside left it out).
    func startRun() {
        folded.reset()
        runSum = 0
        runMax = 0
        excluded = interval
    }
}
