import SatsimMetrics

/// A latency histogram behind a reference, so that recording into it through an array of client
/// states does not copy its bucket storage.
final class LatencyHistogramBox {
    var histogram = LatencyHistogram()
}
