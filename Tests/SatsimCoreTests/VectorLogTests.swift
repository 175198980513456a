import Foundation
import SatsimCore
import Testing

/// The vectorised logarithm behind exponential variates, and the block path that uses it.
@Suite struct VectorLogTests {
    /// Distance in units in the last place between two positive finite doubles of one sign.
    static func ulps(_ a: Double, _ b: Double) -> UInt64 {
        let x = Int64(bitPattern: a.bitPattern), y = Int64(bitPattern: b.bitPattern)
        return (x - y).magnitude
    }

    /// Inputs over the whole domain the streams use, (0, 1] with 52 bits, and beyond it: the
    /// fdlibm form boundaries (mantissa high bits 0x6147a and 0x6b851), sqrt(2)/2 and sqrt(2)
    /// where the mantissa is halved, 1 and its neighbours, the smallest normal, and large values.
    static let inputs: [Double] = {
        var xs: [Double] = [1, 1.0.nextDown, 1.0.nextUp, 0x1p-52, 0x1p-1022, 0.5, 2, 2.0.squareRoot(),
                            (0.5 as Double).squareRoot(), 1e-300, 1e300, .greatestFiniteMagnitude, 3, 10, 0.1]
        for high: UInt64 in [0x6147a, 0x6b851] {
            for delta: Int64 in -2...2 {
                let h = UInt64(Int64(high) + delta)
                xs.append(Double(bitPattern: (0x3ff0_0000 | h) << 32 | 0x1234_5678))
                xs.append(Double(bitPattern: (0x3fe0_0000 | h) << 32))
            }
        }
        let stream = RandomStream(seed: 2_026)
        for _ in 0..<200_000 { xs.append(2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | (stream.nextUInt64() >> 12))) }
        // Log-uniform over the normal range.
        for _ in 0..<20_000 { xs.append(Foundation.exp(Double(stream.nextUInt64() >> 11) * 0x1p-53 * 1_400 - 700)) }
        return xs
    }()

    static func vectorised(_ xs: [Double]) -> [Double] {
        var out: [Double] = []
        var i = 0
        while i < xs.count {
            var lanes = SIMD8<Double>(repeating: 1)
            for j in 0..<min(8, xs.count - i) { lanes[j] = xs[i + j] }
            let l = VectorLog.log(lanes)
            for j in 0..<min(8, xs.count - i) { out.append(l[j]) }
            i += 8
        }
        return out
    }

    /// fdlibm's bound is below 1 ulp (e_log.c); against a correctly rounded log that allows the
    /// neighbouring double, and Glibc's log is itself correctly rounded in all but rare cases
    /// (below 1 ulp), so two doubles apart is the most the two may differ.
    @Test("The vector log is within 1 ulp of Glibc's log (2 at most, counting Glibc's own error)")
    func closeToGlibc() {
        let xs = Self.inputs
        let ours = Self.vectorised(xs)
        var worst: UInt64 = 0, off = 0
        for (x, l) in zip(xs, ours) {
            let d = Self.ulps(l, Foundation.log(x))
            worst = max(worst, d)
            if d > 1 { off += 1 }
        }
        #expect(worst <= 2, "worst \(worst) ulp")
        // Nearly all are within one ulp.
        #expect(off * 10_000 <= xs.count, "\(off) of \(xs.count) beyond 1 ulp")
        #expect(ours[0] == 0)
    }

    @Test("The vector log and its scalar form agree bit for bit")
    func vectorMatchesScalar() {
        let xs = Self.inputs
        // Counted, not compared as arrays: a failing comparison of 220,000 elements made the
        // test library diff them for a quarter of an hour.
        let differing = zip(xs, Self.vectorised(xs)).filter { VectorLog.scalar($0.0).bitPattern != $0.1.bitPattern }
        #expect(differing.isEmpty, "\(differing.count) differ, first (x, vector log) \(String(describing: differing.first))")
    }

    /// The AVX2 kernel (Sources/CSatsimKernels) replaces the SIMD loop on CPUs that have it: a
    /// run must give the same bits on either, so both must agree with the scalar form exactly,
    /// down to the sign of -log(1): 0 - log(1) = +0, as Swift's SIMD minus computes it.
    @Test("The AVX2 kernel's -log agrees with the scalar form bit for bit")
    func avx2KernelMatchesScalar() {
        guard let kernel = VectorLog.negativeLogsAVX2(Self.inputs) else {
            print("VectorLogTests: skipped, this CPU has no AVX2 (the portable SIMD loop is what runs here)")
            return
        }
        #expect(VectorLog.avx2)
        let differing = zip(Self.inputs, kernel).filter { (0 - VectorLog.scalar($0.0)).bitPattern != $0.1.bitPattern }
        #expect(differing.isEmpty, "\(differing.count) differ, first (x, kernel) \(String(describing: differing.first))")
        #expect(kernel[0].bitPattern == (0.0 as Double).bitPattern, "0 - log(1) is +0")
    }

    @Test("The portable refill loop (CPUs without AVX2) gives the scalar form's -log bit for bit")
    func portableLoopMatchesScalar() {
        var values = Self.inputs + Array(repeating: 1, count: (8 - Self.inputs.count % 8) % 8)
        let count = values.count
        values.withUnsafeMutableBufferPointer { RandomStream.negativeLogs($0.baseAddress!, count: count) }
        let differing = zip(Self.inputs, values).filter { (0 - VectorLog.scalar($0.0)).bitPattern != $0.1.bitPattern }
        #expect(differing.isEmpty, "\(differing.count) differ, first (x, loop) \(String(describing: differing.first))")
    }

    @Test("Block exponentials are the scalar reference's, bit for bit, across block boundaries")
    func blockMatchesScalarReference() {
        let block = RandomStream(seed: 41, component: "services.api.service_time")
        let reference = RandomStream(seed: 41, component: "services.api.service_time")
        let n = 10 * RandomStream.blockSize + 5
        #expect((0..<n).map { _ in block.standardExponential() } == reference.scalarReferenceExponentials(n))
    }

    /// The documented interleaving: a refill takes the next ``RandomStream/blockSize`` words, so a
    /// uniform drawn after one exponential is the word after the block. The C reference loop
    /// depends on this order.
    @Test("A refill draws a whole block of words; other draws continue after it")
    func refillTakesAWholeBlock() {
        let mixed = RandomStream(seed: 5)
        let reference = RandomStream(seed: 5)
        _ = mixed.standardExponential()
        let words = (0...RandomStream.blockSize).map { _ in reference.nextUInt64() }
        #expect(mixed.nextUInt64() == words[RandomStream.blockSize])
    }

    @Test("Standard exponentials are finite, non-negative, at most 52 ln 2, with mean 1")
    func range() {
        let stream = RandomStream(seed: 9)
        let xs = (0..<100_000).map { _ in stream.standardExponential() }
        #expect(xs.allSatisfy { $0 >= 0 && $0 <= 52 * M_LN2 + 1e-12 })
        // Mean of 10^5 Exp(1): standard error 1/sqrt(10^5) = 0.0032; 5 standard errors.
        let mean = xs.reduce(0, +) / Double(xs.count)
        #expect(abs(mean - 1) < 5 * 0.0032, "mean \(mean)")
    }
}
