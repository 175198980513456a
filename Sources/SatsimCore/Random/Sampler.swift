import CGSL
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws from a ``Distribution``, with its parameters precomputed for the hot loop.
///
/// Uniform, constant and empirical draws are computed here from the stream's uniform draws with
/// the same formulas GSL uses, without a call through GSL's function pointers. Exponential draws
/// are `mean` times the stream's block-computed standard exponential
/// (``RandomStream/standardExponential()``: -log(v) by a vectorised fdlibm log), the distribution
/// of `gsl_ran_exponential`'s `-mean * log1p(-u)` (the tests check both against GSL's CDF). Lognormal,
/// gamma and pareto are drawn by GSL itself (`gsl_ran_lognormal`, `gsl_ran_gamma`,
/// `gsl_ran_pareto`) from the same stream. Drawing allocates nothing.
public struct Sampler: Sendable {
    @usableFromInline internal enum Kind: Sendable { case exponential, constant, lognormal, gamma, uniform, pareto, empirical }
    @usableFromInline internal let kind: Kind
    @usableFromInline internal let a: Double
    @usableFromInline internal let b: Double
    @usableFromInline internal let values: [Double]
    /// The distribution this sampler draws from.
    public let distribution: Distribution

    /// Prepares a sampler. The distribution must be valid (``Distribution/validate()`` is nil).
    public init(_ distribution: Distribution) {
        precondition(distribution.validate() == nil, "invalid distribution \(distribution): \(distribution.validate() ?? "")")
        self.distribution = distribution
        var values: [Double] = []
        switch distribution {
        case .exponential(let mean):
            (kind, a, b) = (.exponential, mean, 0)
        case .constant(let value):
            (kind, a, b) = (.constant, value, 0)
        case .lognormal(let mean, let cv):
            // If X = exp(N(zeta, sigma^2)) then E[X] = exp(zeta + sigma^2/2) and cv^2 = exp(sigma^2) - 1.
            let sigma2 = log(1 + cv * cv)
            (kind, a, b) = (.lognormal, log(mean) - sigma2 / 2, sigma2.squareRoot())
        case .gamma(let mean, let cv):
            // shape k = 1/cv^2 and scale theta = mean cv^2 give mean k theta and cv 1/sqrt(k).
            (kind, a, b) = (.gamma, 1 / (cv * cv), mean * cv * cv)
        case .uniform(let lo, let hi):
            (kind, a, b) = (.uniform, lo, hi - lo)
        case .pareto(let scale, let shape):
            (kind, a, b) = (.pareto, shape, scale)
        case .empirical(let list):
            (kind, a, b) = (.empirical, 0, 0)
            values = list
        }
        self.values = values
    }

    /// One draw.
    @inlinable
    public func draw(_ stream: RandomStream) -> Double {
        switch kind {
        case .exponential:
            return a * stream.standardExponential()
        case .constant:
            return a
        case .uniform:
            return a + b * stream.uniform()
        case .lognormal:
            return gsl_ran_lognormal(stream.gsl, a, b)
        case .gamma:
            return gsl_ran_gamma(stream.gsl, a, b)
        case .pareto:
            return gsl_ran_pareto(stream.gsl, a, b)
        case .empirical:
            let index = Int(Double(values.count) * stream.uniform())
            return values[Swift.min(index, values.count - 1)]
        }
    }

    /// One draw as simulated time (seconds rounded to the nearest nanosecond).
    @inlinable
    public func drawTime(_ stream: RandomStream) -> SimTime {
        SimTime(seconds: draw(stream))
    }
}

