import CGSL
import SatsimCore

/// The Wilson score interval of a binomial proportion: k successes in n trials.
///
/// E. B. Wilson, "Probable inference, the law of succession, and statistical inference",
/// Journal of the American Statistical Association 22 (1927), 209-212. With z the standard
/// normal quantile at (1 + level) / 2 and p = k / n, the interval is
///   (p + z^2/2n ± z sqrt(p(1 - p)/n + z^2/4n^2)) / (1 + z^2/n).
/// Unlike p ± z sqrt(p(1 - p)/n) it stays inside [0, 1] and is not empty at k = 0 or k = n,
/// which is what a sweep meets far from the cliff: 0 metastable runs of 20 still leaves up to
/// 16% plausible.
public struct WilsonInterval: Sendable, Hashable {
    public var successes: Int
    public var trials: Int
    /// k / n.
    public var proportion: Double
    public var low: Double
    public var high: Double

    /// The interval at `level`; nil when there are no trials.
    public init?(successes: Int, trials: Int, level: Double = 0.95) {
        precondition(level > 0 && level < 1, "a confidence level lies in (0, 1), got \(level)")
        precondition((0...max(0, trials)).contains(successes), "\(successes) successes in \(trials) trials")
        guard trials > 0 else { return nil }
        GSL.prepare()
        let z = gsl_cdf_ugaussian_Pinv((1 + level) / 2)
        let n = Double(trials)
        let p = Double(successes) / n
        let z2 = z * z
        let denominator = 1 + z2 / n
        let center = (p + z2 / (2 * n)) / denominator
        let half = z * (p * (1 - p) / n + z2 / (4 * n * n)).squareRoot() / denominator
        self.successes = successes
        self.trials = trials
        proportion = p
        // The exact ends at k = 0 and k = n, where rounding could leave them a hair off.
        low = successes == 0 ? 0 : max(0, center - half)
        high = successes == trials ? 1 : min(1, center + half)
    }
}
