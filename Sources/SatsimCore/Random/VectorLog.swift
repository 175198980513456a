import CSatsimKernels

/// The natural logarithm of eight doubles at once, for blocks of exponential variates.
///
/// Neither the Swift standard library nor swift-numerics has a `log` on `SIMD8<Double>`, and a
/// scalar `log1p` per draw was 12% of the engine's time. This is fdlibm's `__ieee754_log`
/// (Sun Microsystems, e_log.c, the algorithm glibc's and most libms' logs descend from) without
/// its branches: x = 2^k (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f), and
/// log(1 + f) = f - s (f - R(s^2)) through a degree-14 minimax polynomial in s. fdlibm bounds its
/// error below 1 ulp; the tests compare it with Glibc's `log` (within 1 ulp) and with
/// ``scalar(_:)`` (bit for bit).
///
/// Domain: positive normal doubles (what ``RandomStream/standardExponential()`` feeds it:
/// [2^-52, 1]). Zero, negatives, subnormals, infinities and NaN are not handled.
///
/// ``scalar(_:)`` performs the same IEEE operations in the same order, one lane at a time; the C
/// reference loop (Benchmarks/reference/loop.c) ports it, so that C and satsim draw identical
/// variates. Swift does not contract `a * b + c` into a fused multiply-add, and the C loop is
/// built with `-ffp-contract=off`, so the results agree bit for bit.
public enum VectorLog {
    /// Whether this CPU runs AVX2: the exponential blocks then take their logarithms from the C
    /// kernel `satsim_negative_log_avx2` (Sources/CSatsimKernels), four lanes per register
    /// instead of SSE2's two, with the same operations in the same order (issue 10: a block of
    /// 64 costs about half the instructions). Resolved once per process.
    public static let avx2 = satsim_cpu_has_avx2() == 1

    /// `-log(x)` of each value by the AVX2 kernel, or nil when this CPU lacks AVX2: for the tests
    /// that hold the kernel to ``scalar(_:)`` bit for bit.
    public static func negativeLogsAVX2(_ xs: [Double]) -> [Double]? {
        guard avx2 else { return nil }
        var padded = xs + Array(repeating: 1, count: (4 - xs.count % 4) % 4)
        let count = padded.count
        padded.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            satsim_negative_log_avx2(base, base, count)
        }
        return Array(padded.prefix(xs.count))
    }

    @usableFromInline static let ln2Hi = 6.93147180369123816490e-01  // 0x3fe62e42fee00000
    @usableFromInline static let ln2Lo = 1.90821492927058770002e-10  // 0x3dea39ef35793c76
    @usableFromInline static let lg1 = 6.666666666666735130e-01
    @usableFromInline static let lg2 = 3.999999999940941908e-01
    @usableFromInline static let lg3 = 2.857142874366239149e-01
    @usableFromInline static let lg4 = 2.222219843214978396e-01
    @usableFromInline static let lg5 = 1.818357216161805012e-01
    @usableFromInline static let lg6 = 1.531383769920937332e-01
    @usableFromInline static let lg7 = 1.479819860511658591e-01

    /// 1 + 0x6147a / 2^20 and 1 + 0x6b851 / 2^20: where fdlibm switches between its two forms.
    @usableFromInline static let farFrom = 1 + Double(0x6147a) * 0x1p-20
    @usableFromInline static let farTo = 1 + Double(0x6b851) * 0x1p-20

    /// log(x) for eight positive normal doubles.
    ///
    /// Written with what baseline x86-64 (SSE2) has for 64-bit lanes: logical shifts, and/or,
    /// adds and double compares. An arithmetic shift, a signed 64-bit compare or an Int64 to
    /// Double conversion has no SSE2 instruction and fell back to one lane at a time (measured:
    /// 61 instructions a value, no better than scalar `log1p`). So the exponent becomes a double
    /// by the 2^52 trick, and the choice of form compares the mantissa's high bits as a double.
    @inlinable
    public static func log(_ x: SIMD8<Double>) -> SIMD8<Double> {
        let lo = x.lowHalf, hi = x.highHalf
        return SIMD8(lowHalf: SIMD4(lowHalf: log(lo.lowHalf), highHalf: log(lo.highHalf)),
                     highHalf: SIMD4(lowHalf: log(hi.lowHalf), highHalf: log(hi.highHalf)))
    }

    /// log(x) for two positive normal doubles: one SSE2 register, so that no value is spilled
    /// (eight lanes need 4 registers per value and spilled a third of the time).
    @inlinable @inline(__always)
    public static func log(_ x: SIMD2<Double>) -> SIMD2<Double> {
        let bits = unsafeBitCast(x, to: SIMD2<UInt64>.self)
        let hx = bits &>> 32
        let hm = hx & 0x000f_ffff
        // i is 2^20 when the mantissa is at least sqrt(2): then halve it and add one to k.
        let i = (hm &+ 0x95f64) & 0x10_0000
        let high = hm | (i ^ 0x3ff0_0000)
        let normal = unsafeBitCast((high &<< 32) | (bits & 0xffff_ffff), to: SIMD2<Double>.self)
        // k + 1023 = the biased exponent (x is positive: 11 bits) + i / 2^20; as a double,
        // exactly: (2^52 + e) - (2^52 + 1023).
        let biased = (hx &>> 20) &+ (i &>> 20)
        let dk = unsafeBitCast(biased | 0x4330_0000_0000_0000, to: SIMD2<Double>.self) - (0x1p52 + 1023)
        let f = normal - 1
        let s = f / (2 + f)
        let z = s * s
        let w = z * z
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        let r = t2 + t1
        // fdlibm's two forms; the first where the mantissa's high bits lie in
        // [0x6147a, 0x6b851] (f away from 0), the second elsewhere.
        let hfsq = 0.5 * f * f
        let far = dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
        let near = dk * ln2Hi - ((s * (f - r) - dk * ln2Lo) - f)
        let mantissaHigh = unsafeBitCast((hm &<< 32) | 0x3ff0_0000_0000_0000, to: SIMD2<Double>.self)
        let useFar = (mantissaHigh .>= farFrom) .& (mantissaHigh .<= farTo)
        return near.replacing(with: far, where: useFar)
    }

    /// log(x) for one positive normal double: the same operations as ``log(_:)`` on one lane.
    @inlinable
    public static func scalar(_ x: Double) -> Double {
        let bits = Int64(bitPattern: x.bitPattern)
        let hx = bits >> 32
        var k = (hx >> 20) - 1023
        let hm = hx & 0x000f_ffff
        let i = (hm + 0x95f64) & 0x10_0000
        let high = hm | (i ^ 0x3ff0_0000)
        let normal = Double(bitPattern: UInt64(bitPattern: (high << 32) | (bits & 0xffff_ffff)))
        k += i >> 20
        let f = normal - 1
        let s = f / (2 + f)
        let dk = Double(k)
        let z = s * s
        let w = z * z
        let t1 = w * (lg2 + w * (lg4 + w * lg6))
        let t2 = z * (lg1 + w * (lg3 + w * (lg5 + w * lg7)))
        let r = t2 + t1
        if ((hm - 0x6147a) | (0x6b851 - hm)) > 0 {
            let hfsq = 0.5 * f * f
            return dk * ln2Hi - ((hfsq - (s * (hfsq + r) + dk * ln2Lo)) - f)
        }
        return dk * ln2Hi - ((s * (f - r) - dk * ln2Lo) - f)
    }
}
