import CGSL
import SatsimCore

/// The mean of independent samples with a two-sided Student-t confidence interval:
/// mean ± t_{(1+level)/2, n-1} x s / sqrt(n), the quantile from GSL (`gsl_cdf_tdist_Pinv`).
///
/// With fewer than 2 samples there is no interval (`halfWidth` is nil). With zero spread the
/// interval is the mean itself (`halfWidth` 0), which is what common random numbers give when a
/// variant changes nothing.
public struct MeanInterval: Sendable, Hashable {
    /// Number of samples.
    public var count: Int
    /// Sample mean.
    public var mean: Double
    /// Half width of the interval; nil with fewer than 2 samples.
    public var halfWidth: Double?
    /// Confidence level, e.g. 0.95.
    public var level: Double

    /// The interval's ends for a figure that cannot be negative (goodput, a recovery time): the
    /// low end cut at 0. Nil without an interval (one sample, or a half-width not finite).
    public var nonNegativeBounds: (low: Double, high: Double)? {
        guard let half = halfWidth, half.isFinite else { return nil }
        return (max(0, mean - half), mean + half)
    }

    /// The interval of `samples` at `level`; nil when there are no samples.
    ///
    /// - Complexity: O(n).
    public init?(samples: [Double], level: Double = 0.95) {
        precondition(level > 0 && level < 1, "a confidence level lies in (0, 1), got \(level)")
        guard !samples.isEmpty else { return nil }
        let n = Double(samples.count)
        // Summed in sample order, so the same samples always give the same bits.
        let mean = samples.reduce(0, +) / n
        self.count = samples.count
        self.mean = mean
        self.level = level
        guard samples.count >= 2 else {
            halfWidth = nil
            return
        }
        let variance = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        GSL.prepare()
        let t = gsl_cdf_tdist_Pinv((1 + level) / 2, n - 1)
        halfWidth = t * (variance / n).squareRoot()
    }

    /// Whether the interval lies wholly on one side of 0: for a paired difference, the two
    /// designs differ at this level. False without an interval.
    public var excludesZero: Bool {
        guard let halfWidth, halfWidth.isFinite, mean.isFinite else { return false }
        return abs(mean) > halfWidth
    }
}
