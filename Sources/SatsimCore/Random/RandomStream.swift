import CGSL
import CSatsimKernels

/// A seeded stream of random numbers, shared by GSL's samplers and satsim's fast paths.
///
/// The generator is four xoshiro256** lanes interleaved, registered with GSL as a `gsl_rng_type`
/// (see `shim.h`): GSL's gamma, lognormal and pareto samplers draw from it through `gsl`, and the
/// hot distributions (uniform, exponential) draw from the same state here in Swift without a call
/// through a function pointer. A step advances the four lanes together in SIMD registers and yields
/// four words (a vector generator, issue 10). One stream per component; a stream is not
/// thread-safe and not `Sendable`.
///
/// Exponential variates come in blocks: ``standardExponential()`` takes the next of
/// ``blockSize`` values that one refill computed together, drawing ``blockSize`` words from the
/// generator in a row (sixteen steps of the four lanes) and taking their logarithms four or eight
/// at a time (``VectorLog``). The words are
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
        guard let rng = gsl_rng_alloc(Self.gslType) else {
            // gsl_rng_alloc fails only when malloc of its state (about 650 bytes) fails.
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

    /// Where the state's parts are among `words` (``cgsl_xoshiro_state`` in `Sources/CGSL/shim.h`):
    /// word i of lane l at 4 i + l, the stream's next ``wordCount`` words from 16, and at 80 the
    /// index among them of the next one to hand out (``wordCount`` when none is left).
    /// (Computed, not stored: a stored static is a lazily initialised global, a call per draw.)
    @inlinable static var buffered: Int { 16 }
    @inlinable static var nextIndex: Int { 80 }
    /// Words made per refill of the buffer: sixteen steps of the four lanes.
    @inlinable public static var wordCount: Int { 64 }

    /// The next 64 random bits (the same sequence as `gsl_rng_get`): the next buffered word,
    /// after a refill of sixteen steps of the four lanes when the buffer is used up.
    @inlinable @inline(__always)
    public func nextUInt64() -> UInt64 { Self.next(words) }

    /// The next word of the state at `words` (the layout of ``words``): the fast path's draw and
    /// GSL's (``gslType``).
    @inlinable @inline(__always)
    static func next(_ words: UnsafeMutablePointer<UInt64>) -> UInt64 {
        var k = Int(truncatingIfNeeded: words[nextIndex])
        if k >= wordCount {
            refillWords(words)
            k = 0
        }
        words[nextIndex] = UInt64(truncatingIfNeeded: k &+ 1)
        return words[buffered &+ k]
    }

    /// Fills the buffer with the stream's next ``wordCount`` words: the lanes stepped together in
    /// SIMD registers (AVX2's four 64-bit lanes where the CPU has them, else Swift's SIMD4, two
    /// SSE2 registers a vector), the same words either way.
    @usableFromInline @inline(never)
    static func refillWords(_ words: UnsafeMutablePointer<UInt64>) {
        let destination = words + buffered
        if VectorLog.avx2 {
            satsim_xoshiro4_words_avx2(words, destination, wordCount / 4)
        } else {
            stepWords(words, destination, steps: wordCount / 4)
        }
        words[nextIndex] = 0
    }

    /// The GSL generator type of every stream (built once): GSL's samplers draw through its `get`
    /// and `get_double`, which are ``next(_:)``, so a sampler's draws and the fast path's come from
    /// one buffer, in one order, by one implementation. (Written once, before any stream exists,
    /// and only read after: `nonisolated(unsafe)` because a pointer is not `Sendable`.)
    nonisolated(unsafe) static let gslType: UnsafePointer<gsl_rng_type> = {
        let type = UnsafeMutablePointer<gsl_rng_type>.allocate(capacity: 1)
        type.initialize(
            to: cgsl_xoshiro_type(
                { state in
                    guard let state else { return 0 }
                    return UInt(next(state.assumingMemoryBound(to: UInt64.self)))
                },
                { state in
                    guard let state else { return 0 }
                    return Double(next(state.assumingMemoryBound(to: UInt64.self)) >> 11) * 0x1.0p-53
                }))
        return UnsafePointer(type)
    }()

    /// `steps` steps of the four lanes of `state` (the layout of ``words``), their words to `out`
    /// in the stream's order: the portable loop a refill takes on CPUs without AVX2 (public for
    /// the test that holds the AVX2 kernel to it).
    public static func stepWords(_ state: UnsafeMutablePointer<UInt64>, _ out: UnsafeMutablePointer<UInt64>, steps: Int) {
        let destination = UnsafeMutableRawPointer(out)
        stepLanes(state, steps: steps) { j, word in
            destination.storeBytes(of: word, toByteOffset: j &* 32, as: SIMD4<UInt64>.self)
        }
    }

    /// Runs `steps` steps of the four lanes of `state` with the lanes in registers, handing each
    /// step's four words to `emit` with the step's number, and stores the lanes back.
    @inline(__always)
    static func stepLanes(_ state: UnsafeMutablePointer<UInt64>, steps: Int, _ emit: (Int, SIMD4<UInt64>) -> Void) {
        let raw = UnsafeMutableRawPointer(state)
        var s0 = raw.load(fromByteOffset: 0, as: SIMD4<UInt64>.self)
        var s1 = raw.load(fromByteOffset: 32, as: SIMD4<UInt64>.self)
        var s2 = raw.load(fromByteOffset: 64, as: SIMD4<UInt64>.self)
        var s3 = raw.load(fromByteOffset: 96, as: SIMD4<UInt64>.self)
        for j in 0..<steps { emit(j, step(&s0, &s1, &s2, &s3)) }
        raw.storeBytes(of: s0, toByteOffset: 0, as: SIMD4<UInt64>.self)
        raw.storeBytes(of: s1, toByteOffset: 32, as: SIMD4<UInt64>.self)
        raw.storeBytes(of: s2, toByteOffset: 64, as: SIMD4<UInt64>.self)
        raw.storeBytes(of: s3, toByteOffset: 96, as: SIMD4<UInt64>.self)
    }

    /// xoshiro256**'s step on four lanes: returns their output words and advances the state.
    @inline(__always)
    static func step(
        _ s0: inout SIMD4<UInt64>, _ s1: inout SIMD4<UInt64>, _ s2: inout SIMD4<UInt64>, _ s3: inout SIMD4<UInt64>
    ) -> SIMD4<UInt64> {
        let x5 = (s1 &<< 2) &+ s1
        let r7 = (x5 &<< 7) | (x5 &>> 57)
        let word = (r7 &<< 3) &+ r7
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 45) | (s3 &>> 19)
        return word
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

    /// Computes the next ``blockSize`` exponentials: the stream's next words in order, each made
    /// a double in [1, 2) from its top 52 bits, v = 2 - d in (0, 1] (exact), and -log(v). When no
    /// buffered word is pending (always, unless the stream also serves single draws), they come
    /// straight from ``blockSize`` / 4 steps of the four lanes; otherwise the pending words come
    /// first and a refill of the buffer supplies the rest, which leaves its remainder pending.
    @usableFromInline
    func refill() {
        let next = Int(truncatingIfNeeded: words[Self.nextIndex])
        if next >= Self.wordCount {
            if VectorLog.avx2 {
                // Four lanes in one register where the CPU has AVX2: the same words, the same bits.
                satsim_xoshiro4_open_units_avx2(words, block, Self.blockSize / 4)
            } else {
                Self.openUnits(words, block, steps: Self.blockSize / 4)
            }
        } else {
            let pending = Self.wordCount &- next
            for j in 0..<pending { block[j] = Self.openUnit(words[Self.buffered &+ next &+ j]) }
            Self.refillWords(words)
            let rest = Self.blockSize &- pending
            for j in 0..<rest { block[pending &+ j] = Self.openUnit(words[Self.buffered &+ j]) }
            words[Self.nextIndex] = UInt64(truncatingIfNeeded: rest)
        }
        if VectorLog.avx2 {
            // Four lanes a register where the CPU has them: the same operations, the same bits.
            satsim_negative_log_avx2(block, block, Self.blockSize)
        } else {
            Self.negativeLogs(block, count: Self.blockSize)
        }
        blockNext = 0
    }

    /// 2 - d, where d in [1, 2) has the top 52 bits of `word` as its mantissa: uniform on (0, 1].
    @inline(__always)
    static func openUnit(_ word: UInt64) -> Double {
        2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | (word >> 12))
    }

    /// `steps` steps of the four lanes of `state` (the layout of ``words``), each word w made
    /// 2 - d with d in [1, 2) carrying w's top 52 bits, stored in the stream's order: the portable
    /// SIMD loop a refill takes on CPUs without AVX2 (public for the test that holds the AVX2
    /// kernel to it).
    public static func openUnits(_ state: UnsafeMutablePointer<UInt64>, _ out: UnsafeMutablePointer<Double>, steps: Int) {
        let destination = UnsafeMutableRawPointer(out)
        let oneBits = SIMD4<UInt64>(repeating: 0x3ff0_0000_0000_0000)
        stepLanes(state, steps: steps) { j, word in
            let d = unsafeBitCast((word &>> 12) | oneBits, to: SIMD4<Double>.self)
            destination.storeBytes(of: SIMD4<Double>(repeating: 2) - d, toByteOffset: j &* 32, as: SIMD4<Double>.self)
        }
    }

    /// ``stepWords(_:_:steps:)`` by the AVX2 kernel, or nil when this CPU lacks AVX2: for the
    /// test that holds the two to the same words. `state` is 16 words, advanced in place.
    public static func stepWordsAVX2(_ state: inout [UInt64], steps: Int) -> [UInt64]? {
        runAVX2(&state, steps: steps) { satsim_xoshiro4_words_avx2($0, $1, $2) }
    }

    /// ``openUnits(_:_:steps:)`` by the AVX2 kernel, or nil when this CPU lacks AVX2: for the
    /// test that holds the two to the same bits. `state` is 16 words, advanced in place.
    public static func openUnitsAVX2(_ state: inout [UInt64], steps: Int) -> [Double]? {
        runAVX2(&state, steps: steps) { satsim_xoshiro4_open_units_avx2($0, $1, $2) }
    }

    /// Runs an AVX2 generator kernel over `state` (16 words) into a new array of 4 `steps` values.
    private static func runAVX2<Element: Numeric>(
        _ state: inout [UInt64], steps: Int, _ kernel: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<Element>, Int) -> Void
    ) -> [Element]? {
        guard VectorLog.avx2, state.count == 16, steps >= 0 else { return nil }
        var out = [Element](repeating: 0, count: 4 * steps)
        state.withUnsafeMutableBufferPointer { s in
            out.withUnsafeMutableBufferPointer { o in
                guard let base = s.baseAddress, let destination = o.baseAddress else { return }
                kernel(base, destination, steps)
            }
        }
        return out
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
        (0..<n).map { _ in -VectorLog.scalar(Self.openUnit(nextUInt64())) }
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
