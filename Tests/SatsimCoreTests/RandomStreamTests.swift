import CGSL
import SatsimCore
import Testing

@Suite struct RandomStreamTests {
    @Test(arguments: [0 as UInt64, 1, 12_345, .max])
    func theSwiftFastPathIsTheGSLGenerator(seed: UInt64) {
        let swift = RandomStream(seed: seed)
        let gsl = RandomStream(seed: seed)
        // Whole sequences compared at once: one failure message, not ten thousand.
        #expect((0..<10_000).map { _ in swift.nextUInt64() } == (0..<10_000).map { _ in UInt64(gsl_rng_get(gsl.gsl)) })
        #expect((0..<10_000).map { _ in swift.uniform() } == (0..<10_000).map { _ in gsl_rng_uniform(gsl.gsl) })
        #expect(
            (0..<1_000).map { _ in swift.uniformPositive() } == (0..<1_000).map { _ in gsl_rng_uniform_pos(gsl.gsl) })
    }

    /// GSL's samplers and the Swift fast path advance one state, whichever draws in between.
    @Test func swiftAndGSLDrawsShareOneState() {
        let mixed = RandomStream(seed: 7)
        let reference = RandomStream(seed: 7)
        var left: [Double] = [], right: [Double] = []
        for i in 0..<3_000 {
            switch i % 3 {
            case 0: left.append(mixed.uniform()); right.append(gsl_rng_uniform(reference.gsl))
            case 1: left.append(gsl_ran_gamma(mixed.gsl, 0.3, 2)); right.append(gsl_ran_gamma(reference.gsl, 0.3, 2))
            default:
                left.append(gsl_ran_lognormal(mixed.gsl, 0, 1.2))
                right.append(gsl_ran_lognormal(reference.gsl, 0, 1.2))
            }
        }
        #expect(left == right)
    }

    /// Each lane is xoshiro256**: lane 0 from the authors' reference state {1, 2, 3, 4} gives
    /// Blackman and Vigna's published first outputs (https://prng.di.unimi.it/xoshiro256starstar.c),
    /// so that C and Swift cannot agree on a wrong generator. The stream interleaves the lanes
    /// (lane 0's first word, lane 1's, lane 2's, lane 3's, then each lane's second, ...); lane l
    /// starts from {4l + 1, ..., 4l + 4}, and the expected words come from an independent Python
    /// implementation of xoshiro256** run on each lane alone.
    @Test func eachLaneIsXoshiro256StarStar() {
        let stream = RandomStream(seed: 0)
        guard let words = cgsl_xoshiro_words(stream.gsl) else {
            Issue.record("no state words")
            return
        }
        // Word i of lane l is at 4 i + l; index 80 is the next buffered word (64: none pending).
        for lane in 0..<4 {
            for i in 0..<4 { words[4 * i + lane] = UInt64(4 * lane + i + 1) }
        }
        words[80] = 64
        let drawn = (0..<16).map { _ in stream.nextUInt64() }
        #expect(drawn[0] == 11520 && drawn[4] == 0 && drawn[8] == 1_509_978_240 && drawn[12] == 1_215_971_899_390_074_240)
        #expect(Array(drawn.prefix(8)) == [11520, 34560, 57600, 80640, 0, 23040, 46080, 69120])
    }

    /// The state is expanded from the seed with splitmix64: lane 0 takes its first four outputs (so
    /// the stream's words 0, 4, 8, ... are the single xoshiro256** generator satsim used before the
    /// vector generator), lanes 1 to 3 the next twelve. Values from an independent Python
    /// implementation of splitmix64 and xoshiro256**.
    @Test func seedingExpandsTheSeedWithSplitmix64() {
        let stream = RandomStream(seed: 12_345)
        let drawn = (0..<6).map { _ in stream.nextUInt64() }
        #expect(
            drawn == [
                0xbe6a_3637_4160_d49b, 0x51a8_7c17_1123_0e0f, 0xed20_faa2_61e5_3303, 0xba59_d4f3_e490_7a39,
                0x214a_aa06_37a6_88c6, 0xf66a_ebd0_e48b_e1a6,
            ])
        #expect(RandomStream(seed: 0).nextUInt64() == 0x99ec_5f36_cb75_f2b4)
    }

    /// A step advances the four lanes in SIMD registers; the portable loops (Swift SIMD4) and the
    /// AVX2 kernels must give the same words in the stream's order, so that a run's numbers do not
    /// depend on the CPU. All four are held to words drawn one at a time.
    @Test func theVectorStepsGiveTheStreamsWords() {
        let reference = RandomStream(seed: 77, component: "clients.users.arrivals")
        let expectedWords = (0..<256).map { _ in reference.nextUInt64() }
        let expected = expectedWords.map { 2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | ($0 >> 12)) }
        let source = RandomStream(seed: 77, component: "clients.users.arrivals")
        guard let words = cgsl_xoshiro_words(source.gsl) else {
            Issue.record("no state words")
            return
        }
        let initial = (0..<16).map { words[$0] }
        var portable = [Double](repeating: 0, count: 256)
        var state = initial
        state.withUnsafeMutableBufferPointer { s in
            portable.withUnsafeMutableBufferPointer { o in RandomStream.openUnits(s.baseAddress!, o.baseAddress!, steps: 64) }
        }
        #expect(portable.map(\.bitPattern) == expected.map(\.bitPattern))
        var portableWords = [UInt64](repeating: 0, count: 256)
        var wordState = initial
        wordState.withUnsafeMutableBufferPointer { s in
            portableWords.withUnsafeMutableBufferPointer { o in RandomStream.stepWords(s.baseAddress!, o.baseAddress!, steps: 64) }
        }
        #expect(portableWords == expectedWords)
        #expect(wordState == state, "both portable loops leave the lanes in the same state")
        var avx2State = initial
        guard let kernel = RandomStream.openUnitsAVX2(&avx2State, steps: 64) else {
            print("RandomStreamTests: AVX2 kernels skipped, this CPU has no AVX2 (the portable SIMD loops are what runs here)")
            return
        }
        #expect(kernel.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(avx2State == state, "the kernel leaves the lanes where the portable loop does")
        var avx2WordState = initial
        #expect(RandomStream.stepWordsAVX2(&avx2WordState, steps: 64) == expectedWords)
        #expect(avx2WordState == state)
    }

    /// A refill when buffered words are still pending (a stream that also serves single draws)
    /// takes them first and refills the buffer for the rest: the block still holds the stream's
    /// next 64 words, and single draws go on after them. Every count of pending words, and past a
    /// refill of the buffer.
    @Test(arguments: [1, 2, 3, 4, 5, 31, 62, 63, 64, 65, 100, 127, 128, 129])
    func aRefillAfterSingleDrawsContinuesTheStream(singles: Int) {
        let mixed = RandomStream(seed: 3)
        let reference = RandomStream(seed: 3)
        let words = (0..<(singles + RandomStream.blockSize + 1)).map { _ in reference.nextUInt64() }
        #expect((0..<singles).map { _ in mixed.nextUInt64() } == Array(words.prefix(singles)))
        let expected = words[singles..<(singles + RandomStream.blockSize)].map {
            0 - VectorLog.scalar(2 - Double(bitPattern: 0x3ff0_0000_0000_0000 | ($0 >> 12)))
        }
        let block = (0..<RandomStream.blockSize).map { _ in mixed.standardExponential() }
        #expect(block.map(\.bitPattern) == expected.map(\.bitPattern))
        #expect(mixed.nextUInt64() == words[singles + RandomStream.blockSize])
    }

    @Test func theSameSeedGivesTheSameSequence() {
        let a = RandomStream(seed: 99, component: "services.api.service_time")
        let b = RandomStream(seed: 99, component: "services.api.service_time")
        #expect((0..<1_000).map { _ in a.nextUInt64() } == (0..<1_000).map { _ in b.nextUInt64() })
    }

    @Test func otherSeedsAndComponentsGiveUnrelatedStreams() {
        func prefix(_ stream: RandomStream) -> Set<UInt64> { Set((0..<1_000).map { _ in stream.nextUInt64() }) }
        let base = prefix(RandomStream(seed: 1, component: "clients.a.arrivals"))
        let others = [
            prefix(RandomStream(seed: 1, component: "clients.b.arrivals")),
            prefix(RandomStream(seed: 1, component: "clients.a.arrival")),
            prefix(RandomStream(seed: 2, component: "clients.a.arrivals")),
        ]
        // Not merely different: not even shifted copies of one another (no shared 64-bit value).
        for other in others { #expect(base.isDisjoint(with: other)) }
    }

    /// Pinned against an independent Python implementation of the documented derivation:
    /// FNV-1a 64 of the name's UTF-8, then mix(seed + 0x9E3779B97F4A7C15 * (hash | 1)) ^ mix(hash)
    /// with splitmix64's finaliser. A change here changes every run's numbers.
    @Test func seedDerivationIsStable() {
        #expect(StreamSeed.derive(seed: 1, component: "clients.load.arrivals") == 0x0093_af06_d900_ba54)
        #expect(StreamSeed.derive(seed: 42, component: "services.api.service_time") == 0x0fed_d49a_c304_6e14)
        #expect(StreamSeed.derive(seed: 0, component: "") == 0xfd29_4ac0_0574_e028)
        #expect(StreamSeed.derive(seed: .max, component: "é") == 0x644f_cc9d_75ac_9692)
        // splitmix64's published first output for seed 0.
        #expect(StreamSeed.mix(0x9E37_79B9_7F4A_7C15) == 0xe220_a839_7b1d_cdaf)
    }

    @Test func uniformDrawsStayInTheUnitInterval() {
        let stream = RandomStream(seed: 5)
        let draws = (0..<100_000).map { _ in stream.uniform() }
        #expect(draws.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect((0..<100_000).allSatisfy { _ in stream.uniformPositive() > 0 })
    }
}
