import CGSL
import SatsimCore

/// A two-sided confidence interval for a mean, from independent replications.
public struct ConfidenceInterval: Sendable, CustomStringConvertible {
    public var mean: Double
    public var halfWidth: Double
    public var level: Double
    public var samples: Int

    /// Student-t interval: mean ± t_{(1+level)/2, n-1} x s / sqrt(n), with the quantile from GSL.
    public init(samples values: [Double], level: Double = 0.99) {
        precondition(values.count >= 2, "a confidence interval needs at least 2 samples, got \(values.count)")
        GSL.prepare()
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        let t = gsl_cdf_tdist_Pinv((1 + level) / 2, n - 1)
        self.mean = mean
        self.halfWidth = t * (variance / n).squareRoot()
        self.level = level
        self.samples = values.count
    }

    /// Whether `value` lies inside the interval.
    public func contains(_ value: Double) -> Bool { abs(value - mean) <= halfWidth }

    /// Relative half width (half width / |mean|).
    public var relativeHalfWidth: Double { halfWidth / abs(mean) }

    public var description: String {
        "\(mean) ± \(halfWidth) (\(Int(level * 100))% CI, n = \(samples))"
    }
}

/// Kolmogorov-Smirnov goodness of fit of a sample against a continuous CDF.
public struct KolmogorovSmirnov: Sendable, CustomStringConvertible {
    /// sup |F_n(x) - F(x)|.
    public var statistic: Double
    /// Asymptotic p-value (Kolmogorov distribution, with Stephens' small-sample correction).
    public var pValue: Double
    public var samples: Int

    public init(samples values: [Double], cdf: (Double) -> Double) {
        let sorted = values.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, x) in sorted.enumerated() {
            let f = cdf(x)
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        statistic = d
        samples = sorted.count
        let lambda = (n.squareRoot() + 0.12 + 0.11 / n.squareRoot()) * d
        // Q_KS(lambda) = 2 sum_{j>=1} (-1)^(j-1) exp(-2 j^2 lambda^2)
        var sum = 0.0
        for j in 1...100 {
            let term = 2 * (j % 2 == 1 ? 1.0 : -1.0) * Glibc.exp(-2 * Double(j * j) * lambda * lambda)
            sum += term
            if abs(term) < 1e-12 { break }
        }
        pValue = lambda < 0.2 ? 1 : min(max(sum, 0), 1)
    }

    public var description: String { "D = \(statistic), p = \(pValue), n = \(samples)" }
}

#if canImport(Glibc)
import Glibc
#endif
