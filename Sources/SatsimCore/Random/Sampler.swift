import CGSL
import Synchronization
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
///
/// A sampler is a trivial value (scalars and one pointer, no reference count): the simulation
/// reads one out of its component states on every service time it draws, and a sampler holding
/// an array or the ``Distribution`` enum cost a retain, a release and an outlined enum copy per
/// draw (about 90 instructions, 7% of an event on the M/M/c benchmark; issue 10). The values of
/// an empirical distribution live in ``EmpiricalTables``, interned for the life of the process.
@frozen
public struct Sampler: @unchecked Sendable {  // `values` points at immutable, never-freed memory
    @usableFromInline internal enum Kind: UInt8, Sendable { case exponential, constant, lognormal, gamma, uniform, pareto, empirical }
    @usableFromInline internal let kind: Kind
    /// The parameters the draw uses (derived: lognormal's zeta and sigma, gamma's shape and scale).
    @usableFromInline internal let a: Double
    @usableFromInline internal let b: Double
    /// The distribution's own two parameters, as written, so that ``distribution`` is exact.
    @usableFromInline internal let p: Double
    @usableFromInline internal let q: Double
    /// An empirical distribution's values (interned, never freed); empty otherwise.
    @usableFromInline internal let values: UnsafeBufferPointer<Double>

    /// The distribution this sampler draws from.
    public var distribution: Distribution {
        switch kind {
        case .exponential: return .exponential(mean: p)
        case .constant: return .constant(value: p)
        case .lognormal: return .lognormal(mean: p, cv: q)
        case .gamma: return .gamma(mean: p, cv: q)
        case .uniform: return .uniform(min: p, max: q)
        case .pareto: return .pareto(scale: p, shape: q)
        case .empirical: return .empirical(values: Array(values))
        }
    }

    /// Prepares a sampler. The distribution must be valid (``Distribution/validate()`` is nil).
    public init(_ distribution: Distribution) {
        precondition(distribution.validate() == nil, "invalid distribution \(distribution): \(distribution.validate() ?? "")")
        var values = UnsafeBufferPointer<Double>(start: nil, count: 0)
        switch distribution {
        case .exponential(let mean):
            (kind, a, b, p, q) = (.exponential, mean, 0, mean, 0)
        case .constant(let value):
            (kind, a, b, p, q) = (.constant, value, 0, value, 0)
        case .lognormal(let mean, let cv):
            // If X = exp(N(zeta, sigma^2)) then E[X] = exp(zeta + sigma^2/2) and cv^2 = exp(sigma^2) - 1.
            let sigma2 = log(1 + cv * cv)
            (kind, a, b, p, q) = (.lognormal, log(mean) - sigma2 / 2, sigma2.squareRoot(), mean, cv)
        case .gamma(let mean, let cv):
            // shape k = 1/cv^2 and scale theta = mean cv^2 give mean k theta and cv 1/sqrt(k).
            (kind, a, b, p, q) = (.gamma, 1 / (cv * cv), mean * cv * cv, mean, cv)
        case .uniform(let lo, let hi):
            (kind, a, b, p, q) = (.uniform, lo, hi - lo, lo, hi)
        case .pareto(let scale, let shape):
            (kind, a, b, p, q) = (.pareto, shape, scale, scale, shape)
        case .empirical(let list):
            (kind, a, b, p, q) = (.empirical, 0, 0, 0, 0)
            values = EmpiricalTables.intern(list)
        }
        self.values = values
    }

    /// One draw. The exponential, the commonest service time, is drawn inline (a load from the
    /// stream's block and a multiply); every other kind goes through one call (issue 10: the
    /// whole switch out of line cost a call and a copy of the sampler per service time).
    @inlinable @inline(__always)
    public func draw(_ stream: RandomStream) -> Double {
        if kind == .exponential { return a * stream.standardExponential() }
        return drawOther(stream)
    }

    /// The mean of an exponential sampler (nil for every other kind), for a caller that draws
    /// the exponential inline from a stream it holds without retaining (the service time of
    /// every request): `mean * stream.standardExponential()` is then exactly ``draw(_:)``,
    /// without copying the sampler out of the caller's state first.
    @inlinable @inline(__always)
    public var exponentialMean: Double? { kind == .exponential ? a : nil }

    @inlinable @inline(never)
    internal func drawOther(_ stream: RandomStream) -> Double {
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
            return values[Swift.min(index, values.count &- 1)]
        }
    }

    /// One draw as simulated time (seconds rounded to the nearest nanosecond).
    @inlinable
    public func drawTime(_ stream: RandomStream) -> SimTime {
        SimTime(seconds: draw(stream))
    }
}


/// The values of every empirical distribution a sampler was made for, one copy per distinct list,
/// kept for the life of the process so that a ``Sampler`` can point at them without owning them
/// (and stay a trivial value). Memory grows with the distinct lists a process ever sees, which
/// scenarios write by hand; a sweep that varies one list adds one table per value.
public enum EmpiricalTables {
    private static let tables = Mutex<[[Double]: Int]>([:])

    /// The interned copy of `values` (the same address for equal lists).
    static func intern(_ values: [Double]) -> UnsafeBufferPointer<Double> {
        let address = tables.withLock { tables -> Int in
            if let known = tables[values] { return known }
            let storage = UnsafeMutablePointer<Double>.allocate(capacity: Swift.max(values.count, 1))
            storage.initialize(from: values, count: values.count)
            let address = Int(bitPattern: storage)
            tables[values] = address
            return address
        }
        return UnsafeBufferPointer(start: UnsafePointer(bitPattern: address), count: values.count)
    }
}
