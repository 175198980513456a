import CGSL
import SatsimCore

/// McNemar's test of a yes/no outcome paired by replication (a run of the base and a run of a
/// variant on the same seed), in its mid-p form.
///
/// Q. McNemar, "Note on the sampling error of the difference between correlated proportions or
/// percentages", Psychometrika 12 (1947), 153-157. Only the discordant pairs tell the two apart:
/// `onlyVariant` pairs where the variant has the outcome and the base does not, `onlyBase` the
/// other way round. Under the null hypothesis each discordant pair goes either way with
/// probability 1/2, so with d = onlyVariant + onlyBase and k = min(onlyVariant, onlyBase), the
/// exact conditional p-value is 2 P(X <= k) for X ~ Binomial(d, 1/2), at most 1. The mid-p
/// value counts half the probability of the observed k: 2 (P(X <= k) - P(X = k) / 2); M. W.
/// Fagerland, S. Lydersen and P. Laake, "The McNemar test for binary matched-pairs data: mid-p
/// and asymptotic are better than exact conditional", BMC Medical Research Methodology 13
/// (2013), 91, recommend it for the small samples replications give, where the exact test
/// cannot reach 0.05 below 6 discordant pairs.
///
/// A Student t interval on the 0/1 differences, which `compare` and `explain` used before, has
/// zero width whenever every pair differs the same way: 2 discordant pairs of 2 were "a
/// difference whose 95% interval excludes zero", where McNemar's p is 0.5 (0.25 mid-p). An A/A
/// comparison at 2 replications marked a difference in 8% of seeds instead of at most 5%.
public struct McNemarTest: Sendable, Hashable {
    /// Pairs where both runs have a verdict.
    public var pairs: Int
    /// Pairs where only the variant's run has the outcome.
    public var onlyVariant: Int
    /// Pairs where only the base's run has the outcome.
    public var onlyBase: Int
    /// The exact conditional two-sided p-value.
    public var exactP: Double
    /// The mid-p value, the one judged.
    public var midP: Double

    /// The test on paired indicators (variant, base), each 0 or 1; nil with fewer than 2 pairs,
    /// which give no test (one pair cannot tell an effect from chance).
    public init?(pairs indicators: [(variant: Bool, base: Bool)]) {
        guard indicators.count >= 2 else { return nil }
        pairs = indicators.count
        onlyVariant = indicators.filter { $0.variant && !$0.base }.count
        onlyBase = indicators.filter { !$0.variant && $0.base }.count
        let d = onlyVariant + onlyBase
        guard d > 0 else {
            exactP = 1
            midP = 1
            return
        }
        GSL.prepare()
        let k = UInt32(min(onlyVariant, onlyBase)), n = UInt32(d)
        let atMost = gsl_cdf_binomial_P(k, 0.5, n)
        let exactly = gsl_ran_binomial_pdf(k, 0.5, n)
        exactP = min(1, 2 * atMost)
        midP = min(1, 2 * (atMost - exactly / 2))
    }

    /// The share of pairs where only the variant has the outcome, less the share where only the
    /// base has it: the paired difference of the two proportions.
    public var difference: Double { Double(onlyVariant - onlyBase) / Double(pairs) }

    /// Whether the two differ at `level` (e.g. 0.95): the mid-p value is below 1 - level.
    public func differs(level: Double = 0.95) -> Bool { midP < 1 - level }
}
