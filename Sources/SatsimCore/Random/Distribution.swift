/// A probability distribution of a non-negative quantity (a duration in seconds, for service and
/// think times and added latency).
///
/// Parameters are validated by ``validate()``; the scenario layer reports its message with a file
/// position. ``Sampler`` draws from a distribution.
public enum Distribution: Sendable, Hashable, CustomStringConvertible {
    /// Exponential with the given mean.
    case exponential(mean: Double)
    /// Always `value`.
    case constant(value: Double)
    /// Lognormal with the given mean and coefficient of variation (stddev / mean).
    case lognormal(mean: Double, cv: Double)
    /// Gamma with the given mean and coefficient of variation: shape 1/cv^2, scale mean x cv^2.
    case gamma(mean: Double, cv: Double)
    /// Uniform on [min, max].
    case uniform(min: Double, max: Double)
    /// Pareto (type I) with minimum `scale` and tail index `shape`.
    case pareto(scale: Double, shape: Double)
    /// Each of `values` with equal probability.
    case empirical(values: [Double])

    /// The distribution's mean, or infinity when it has none (pareto with shape <= 1).
    public var mean: Double {
        switch self {
        case .exponential(let mean), .lognormal(let mean, _), .gamma(let mean, _): return mean
        case .constant(let value): return value
        case .uniform(let lo, let hi): return (lo + hi) / 2
        case .pareto(let scale, let shape): return shape > 1 ? shape * scale / (shape - 1) : .infinity
        case .empirical(let values): return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        }
    }

    /// The variance, or infinity when it does not exist (pareto with shape <= 2).
    public var variance: Double {
        switch self {
        case .exponential(let mean): return mean * mean
        case .constant: return 0
        case .lognormal(let mean, let cv), .gamma(let mean, let cv): return (mean * cv) * (mean * cv)
        case .uniform(let lo, let hi): return (hi - lo) * (hi - lo) / 12
        case .pareto(let scale, let shape):
            guard shape > 2 else { return .infinity }
            return scale * scale * shape / ((shape - 1) * (shape - 1) * (shape - 2))
        case .empirical(let values):
            guard !values.isEmpty else { return 0 }
            let m = mean
            return values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(values.count)
        }
    }

    /// The squared coefficient of variation, variance / mean^2 (used by Pollaczek-Khinchine);
    /// 0 for a distribution whose mean is 0.
    public var squaredCV: Double { mean == 0 ? 0 : variance / (mean * mean) }

    /// The `dist:` name used in scenario files.
    public var name: String {
        switch self {
        case .exponential: return "exponential"
        case .constant: return "constant"
        case .lognormal: return "lognormal"
        case .gamma: return "gamma"
        case .uniform: return "uniform"
        case .pareto: return "pareto"
        case .empirical: return "empirical"
        }
    }

    /// The coefficients of variation lognormal and gamma accept.
    public static let cvRange: ClosedRange<Double> = 1e-6...1e6

    /// Why the parameters are invalid, or nil when they are fine.
    public func validate() -> String? {
        func positive(_ x: Double, _ key: String) -> String? {
            x.isFinite && x > 0 ? nil : "\(key) must be a finite number > 0, found \(x)"
        }
        func nonNegative(_ x: Double, _ key: String) -> String? {
            x.isFinite && x >= 0 ? nil : "\(key) must be a finite number >= 0, found \(x)"
        }
        switch self {
        case .exponential(let mean): return positive(mean, "mean")
        case .constant(let value): return nonNegative(value, "value")
        case .lognormal(let mean, let cv), .gamma(let mean, let cv):
            if let e = positive(mean, "mean") ?? positive(cv, "cv") { return e }
            // The samplers use cv^2 (lognormal sigma^2 = log(1 + cv^2), gamma shape 1/cv^2 and
            // scale mean cv^2); outside this range those overflow or underflow and draw NaN.
            guard cv >= Self.cvRange.lowerBound && cv <= Self.cvRange.upperBound else {
                return "cv must be within \(Self.cvRange.lowerBound)...\(Self.cvRange.upperBound), found \(cv)"
            }
            guard (mean * cv * cv).isFinite, (mean * mean).isFinite else {
                return "mean \(mean) with cv \(cv) is too large to sample"
            }
            return nil
        case .uniform(let lo, let hi):
            if let e = nonNegative(lo, "min") ?? nonNegative(hi, "max") { return e }
            return hi >= lo ? nil : "max (\(hi)) must be >= min (\(lo))"
        case .pareto(let scale, let shape): return positive(scale, "scale") ?? positive(shape, "shape")
        case .empirical(let values):
            if values.isEmpty { return "values must list at least one value" }
            for v in values { if let e = nonNegative(v, "each value") { return e } }
            return nil
        }
    }

    public var description: String {
        switch self {
        case .exponential(let mean): return "exponential(mean \(mean))"
        case .constant(let value): return "constant(\(value))"
        case .lognormal(let mean, let cv): return "lognormal(mean \(mean), cv \(cv))"
        case .gamma(let mean, let cv): return "gamma(mean \(mean), cv \(cv))"
        case .uniform(let lo, let hi): return "uniform(\(lo), \(hi))"
        case .pareto(let scale, let shape): return "pareto(scale \(scale), shape \(shape))"
        case .empirical(let values): return "empirical(\(values.count) values)"
        }
    }
}
