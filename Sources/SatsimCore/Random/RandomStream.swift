import CGSL
import CSatsimKernels

/// A seeded stream of random numbers, shared by GSL's samplers and satsim's fast paths.
///
/// The generator is xoshiro256** registered with GSL as a `gsl_rng_type` (see `shim.h`): GSL's
/// gamma, lognormal and pareto samplers draw from it through `gsl`, and the hot distributions
/// (uniform, exponential) draw from the same state here in Swift without a call through a function
/// pointer. One stream per component; a stream is not thread-safe and not `Sendable`.
///
/// Exponential variates come in blocks: ``standardExponential()`` takes the next of
/// ``blockSize`` values that one refill computed together, drawing ``blockSize`` words from the
/// generator in a row and taking their logarithms eight at a time (``VectorLog``). The words are
/// drawn at the first exponential after the block ran out, so a stream that mixes exponential and
/// other draws sees them interleaved by block, the same way on every run.
public final class RandomStream {
    /// Exponentials per refill: eight SIMD8 logarithms.
    public static let blockSize = 64
    /// GSL's handle, for `gsl_ran_*` calls.
    public let gsl: UnsafeMutablePointer<gsl_rng>
    @usableFromInline internal let words: UnsafeMutablePointer<UInt64>
    /// The current block of standard exponentials, and the index of the next one to hand out
    /// (``blockSize`` when it is used up).
    @usableFromInline internal let block: UnsafeMutablePointer<Double>
    /// Unchecked: a checked stored var of a class costs a runtime exclusivity check (two calls
    /// and a thread-local lookup) per draw, measured as much as the logarithm itself.
    @exclusivity(unchecked) @usableFromInline internal var blockNext = RandomStream.blockSize

    /// Creates a stream whose state is expanded from `seed` with splitmix64.
    public init(seed: UInt64) {
        GSL.prepare()
        guard let rng = gsl_rng_alloc(cgsl_rng_xoshiro256()) else {
            // gsl_rng_alloc fails only when malloc of 32 bytes fails.
            preconditionFailure("gsl_rng_alloc failed: out of memory")
        }
        gsl = rng
        words = cgsl_xoshiro_words(rng)
        block = .allocate(capacity: Self.blockSize)
        gsl_rng_set(rng, UInt(seed))
    }

    /// The stream for one component of a run: derived from the run's seed and the component's
    /// name, so that adding or renaming another component leaves this one's draws unchanged
    /// (common random numbers across variants).
    public convenience init(seed: UInt64, component: String) {
        self.init(seed: StreamSeed.derive(seed: seed, component: component))
    }

    deinit {
        gsl_rng_free(gsl)
        block.deallocate()
    }

    /// The next 64 random bits (the same sequence as `gsl_rng_get`).
    @inlinable @inline(__always)
    public func nextUInt64() -> UInt64 {
        let s0 = words[0], s1 = words[1], s2 = words[2], s3 = words[3]
        let result = ((s1 &* 5).rotatedLeft(7)) &* 9
        let t = s1 << 17
        let n2 = s2 ^ s0
        let n3 = s3 ^ s1
        words[1] = s1 ^ n2
        words[0] = s0 ^ n3
        words[2] = n2 ^ t
        words[3] = n3.rotatedLeft(45)
        return result
    }

    /// A uniform draw in [0, 1) with 53 random bits (the same as `gsl_rng_uniform`).
    @inlinable @inline(__always)
    public func uniform() -> Double {
        Double(nextUInt64() >> 11) * 0x1.0p-53
    }

    /// A uniform draw in (0, 1), as `gsl_rng_uniform_pos`.
    @inlinable @inline(__always)
    public func uniformPositive() -> Double {
        while true {
            let u = uniform()
            if u != 0 { return u }
        }
    }
}

extension RandomStream {
    /// An exponential variate of mean 1, -log(v) for v uniform on (0, 1] with 52 random bits: the
    /// next value of the current block, refilled when used up. The largest is 52 ln 2 = 36.04
    /// (the probability of a larger one is e^-36, 2 x 10^-16).
    @inlinable @inline(__always)
    public func standardExponential() -> Double {
        if blockNext == Self.blockSize { refill() }
        let e = block[blockNext]
        blockNext &+= 1
        return e
    }

    /// Computes the next ``blockSize`` exponentials: the generator's next words in order, each
    /// made a double in [1, 2) from its top 52 bits, v = 2 - d in (0, 1] (exact), and -log(v).
    @usableFromInline
    func refill() {
        // nextUInt64's steps with the state in registers for the whole block.
        var (s0, s1, s2, s3) = (words[0], words[1], words[2], words[3])
        for j in 0..<Self.blockSize {
            let word = ((s1 &* 5).rotatedLeft(7)) &* 9
            let t = s1 << 17
            s2 ^= s0
            s3 ^= s1
            s1 ^= s2
            s0 ^= s3
            s2 ^= t
            s3 = s3.rotatedLeft(45)
            block[j] = 2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | (word >> 12))
        }
        (words[0], words[1], words[2], words[3]) = (s0, s1, s2, s3)
        if VectorLog.avx2 {
            // Four lanes a register where the CPU has them: the same operations, the same bits.
            satsim_negative_log_avx2(block, block, Self.blockSize)
        } else {
            Self.negativeLogs(block, count: Self.blockSize)
        }
        blockNext = 0
    }

    /// `v[j] = -log(v[j])` for `count` values (a multiple of 8) by the portable SIMD loop, which
    /// a refill takes on CPUs without AVX2 (public for the test that holds it to the kernel).
    public static func negativeLogs(_ v: UnsafeMutablePointer<Double>, count: Int) {
        let raw = UnsafeMutableRawPointer(v)
        for lane in stride(from: 0, to: count, by: 8) {
            let x = raw.loadUnaligned(fromByteOffset: lane * 8, as: SIMD8<Double>.self)
            raw.storeBytes(of: -VectorLog.log(x), toByteOffset: lane * 8, as: SIMD8<Double>.self)
        }
    }

    /// ``standardExponential()`` computed one at a time with ``VectorLog/scalar(_:)``, for the
    /// test that the block path matches it bit for bit.
    public func scalarReferenceExponentials(_ n: Int) -> [Double] {
        (0..<n).map { _ in -VectorLog.scalar(2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | (nextUInt64() >> 12))) }
    }
}

extension UInt64 {
    @inlinable @inline(__always)
    internal func rotatedLeft(_ k: UInt64) -> UInt64 { (self << k) | (self >> (64 - k)) }
}

/// Derivation of per-component seeds.
public enum StreamSeed {
    /// Mixes the run seed with a 64-bit FNV-1a hash of the component name through splitmix64's
    /// finaliser. Stable across platforms and Swift versions (unlike `Hasher`, which is seeded per
    /// process).
    public static func derive(seed: UInt64, component: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in component.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return mix(seed &+ 0x9E37_79B9_7F4A_7C15 &* (hash | 1)) ^ mix(hash)
    }

    /// splitmix64's output function: a bijection that spreads every input bit over the output.
    @inlinable
    public static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }
}
