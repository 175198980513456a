#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Draws integers in 1...n with probability proportional to k^-s (Zipf), in constant memory.
///
/// Rejection-inversion (Hörmann and Derflinger, "Rejection-inversion to generate variates from
/// monotone discrete distributions", 1996), as Apache Commons Math implements it: O(1) expected
/// time and no table, so a key space of a billion costs nothing. s = 0 is the uniform
/// distribution. GSL has no Zipf sampler.
public struct ZipfSampler: Sendable {
    public let n: Int
    public let exponent: Double
    private let hIntegralX1: Double
    private let hIntegralN: Double
    private let squeeze: Double

    public init(n: Int, exponent: Double) {
        precondition(n >= 1 && exponent >= 0 && exponent.isFinite, "Zipf over 1...\(n) with exponent \(exponent)")
        self.n = n
        self.exponent = exponent
        hIntegralX1 = Self.hIntegral(1.5, exponent) - 1
        hIntegralN = Self.hIntegral(Double(n) + 0.5, exponent)
        squeeze = 2 - Self.hIntegralInverse(Self.hIntegral(2.5, exponent) - Self.h(2, exponent), exponent)
    }

    /// One draw in 1...n.
    public func draw(_ stream: RandomStream) -> Int {
        while true {
            let u = hIntegralN + stream.uniform() * (hIntegralX1 - hIntegralN)
            let x = Self.hIntegralInverse(u, exponent)
            var k = Int(x + 0.5)
            if k < 1 { k = 1 } else if k > n { k = n }
            if Double(k) - x <= squeeze || u >= Self.hIntegral(Double(k) + 0.5, exponent) - Self.h(Double(k), exponent) {
                return k
            }
        }
    }

    /// The probability of k: k^-s / sum_{j<=n} j^-s. O(n); for tests.
    public func probability(of k: Int) -> Double {
        var norm = 0.0
        for j in 1...n { norm += pow(Double(j), -exponent) }
        return pow(Double(k), -exponent) / norm
    }

    private static func h(_ x: Double, _ s: Double) -> Double { exp(-s * log(x)) }

    /// The integral of h: (x^(1-s) - 1) / (1 - s), or log x when s = 1, computed stably.
    private static func hIntegral(_ x: Double, _ s: Double) -> Double {
        let logX = log(x)
        return helper2((1 - s) * logX) * logX
    }

    private static func hIntegralInverse(_ x: Double, _ s: Double) -> Double {
        var t = x * (1 - s)
        if t < -1 { t = -1 }
        return exp(helper1(t) * x)
    }

    /// log1p(x) / x, with its limit 1 at 0.
    private static func helper1(_ x: Double) -> Double {
        abs(x) > 1e-8 ? log1p(x) / x : 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x))
    }

    /// expm1(x) / x, with its limit 1 at 0.
    private static func helper2(_ x: Double) -> Double {
        abs(x) > 1e-8 ? expm1(x) / x : 1 + x * 0.5 * (1 + x / 3 * (1 + 0.25 * x))
    }
}
