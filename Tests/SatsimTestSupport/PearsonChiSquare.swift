import CGSL
import SatsimCore

/// Pearson's chi-square goodness of fit of observed counts against expected probabilities.
public struct PearsonChiSquare: Sendable, CustomStringConvertible {
    /// sum over the cells of (observed - expected)^2 / expected.
    public var statistic: Double
    public var degreesOfFreedom: Double
    /// P(chi-square(degreesOfFreedom) >= statistic), from GSL.
    public var pValue: Double

    /// `probabilities` must sum to 1 and have one entry per count; every expected count should
    /// be at least 5 for the chi-square approximation to hold.
    public init(counts: [Int], probabilities: [Double]) {
        precondition(counts.count == probabilities.count && counts.count >= 2, "\(counts.count) counts, \(probabilities.count) probabilities")
        GSL.prepare()
        let total = Double(counts.reduce(0, +))
        statistic = zip(counts, probabilities).reduce(0) { sum, cell in
            let expected = total * cell.1
            return sum + (Double(cell.0) - expected) * (Double(cell.0) - expected) / expected
        }
        degreesOfFreedom = Double(counts.count - 1)
        pValue = gsl_cdf_chisq_Q(statistic, degreesOfFreedom)
    }

    public var description: String { "chi2 = \(statistic), df = \(degreesOfFreedom), p = \(pValue)" }
}
