import Foundation
import SatsimCore
import SatsimModel
import Testing

@Suite("Caches")
struct CacheTests {
    static func spec(keys: Int, zipf: Double, capacity: Int, ttl: SimTime? = nil, rate: Double = 1000,
                     duration: Double = 200, timeline: [TimelineEventSpec] = []) -> ScenarioSpec {
        ScenarioSpec(
            name: "cache", duration: SimTime(seconds: duration), warmup: SimTime(seconds: 50), seed: 6,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: rate))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 100, serviceTime: .constant(value: 0.001), calls: [CallSpec(service: "db")],
                    cache: CacheSpec(keys: keys, zipf: zipf, capacity: capacity, ttl: ttl)),
                ServiceSpec(name: "db", instances: 1, workers: 100, serviceTime: .constant(value: 0.002)),
            ],
            timeline: timeline)
    }

    /// Che's approximation for LRU under independent references (Che, Tung and Wang 2002):
    /// hit(k) = 1 - exp(-p_k T), with the characteristic time T solving sum_k (1 - exp(-p_k T)) = C.
    static func cheHitRatio(keys: Int, zipf: Double, capacity: Int) -> Double {
        let weights = (1...keys).map { pow(Double($0), -zipf) }
        let total = weights.reduce(0, +)
        let p = weights.map { $0 / total }
        func filled(_ t: Double) -> Double { p.reduce(0) { $0 + (1 - exp(-$1 * t)) } }
        var lo = 0.0, hi = 1.0
        while filled(hi) < Double(capacity) { hi *= 2 }
        for _ in 0..<100 {
            let mid = (lo + hi) / 2
            if filled(mid) < Double(capacity) { lo = mid } else { hi = mid }
        }
        return p.reduce(0) { $0 + $1 * (1 - exp(-$1 * lo)) }
    }

    static func hitRatio(_ result: SimulationResult) -> Double {
        let hits = (result.timeSeries.column("services.api.cache_hits") ?? []).dropFirst(50).reduce(0, +)
        let misses = (result.timeSeries.column("services.api.cache_misses") ?? []).dropFirst(50).reduce(0, +)
        return hits / (hits + misses)
    }

    @Test("Zipf keys are drawn with probability proportional to k^-s", arguments: [0.0, 0.8, 1.2])
    func zipfFrequencies(s: Double) {
        let zipf = ZipfSampler(n: 50, exponent: s)
        let stream = RandomStream(seed: 3)
        var counts = [Int](repeating: 0, count: 51)
        let draws = 200_000
        for _ in 0..<draws { counts[zipf.draw(stream)] += 1 }
        var chi2 = 0.0
        for k in 1...50 {
            let expected = Double(draws) * zipf.probability(of: k)
            chi2 += (Double(counts[k]) - expected) * (Double(counts[k]) - expected) / expected
        }
        // 49 degrees of freedom: the 99.9% point is 85.4.
        #expect(chi2 < 85.4, "chi-square \(chi2)")
    }

    @Test("LRU hit ratio under Zipf popularity matches Che's approximation", arguments: [(0.8, 100), (1.0, 50)])
    func lruMatchesChe(zipf: Double, capacity: Int) {
        let result = Simulation(spec: Self.spec(keys: 1000, zipf: zipf, capacity: capacity)).run()
        let theory = Self.cheHitRatio(keys: 1000, zipf: zipf, capacity: capacity)
        let measured = Self.hitRatio(result)
        #expect(abs(measured - theory) < 0.015, "measured \(measured), Che \(theory)")
    }

    @Test("A hit skips the calls: the dependency sees only the misses")
    func hitsSkipCalls() {
        let result = Simulation(spec: Self.spec(keys: 1000, zipf: 1.0, capacity: 100, duration: 60)).run()
        let misses = Int((result.timeSeries.column("services.api.cache_misses") ?? []).dropFirst(50).reduce(0, +))
        let db = result.services[1].arrivals
        #expect(abs(db - misses) <= 5, "db arrivals \(db), misses \(misses)")
    }

    @Test("TTL: with every key fitting, a key requested at rate r is a hit r T / (1 + r T) of the time")
    func ttlHitRatio() {
        // Uniform popularity over 100 keys at 1000/s: r = 10/s per key; T = 0.2 s gives 2/3.
        let result = Simulation(spec: Self.spec(keys: 100, zipf: 0, capacity: 100, ttl: SimTime(seconds: 0.2))).run()
        #expect(abs(Self.hitRatio(result) - 2.0 / 3) < 0.01, "hit ratio \(Self.hitRatio(result))")
    }

    @Test("cache_flush empties the caches: misses jump, and the dependency with them")
    func flush() {
        let flush = [TimelineEventSpec(at: SimTime(seconds: 120), action: .cacheFlush(service: "api"))]
        let result = Simulation(spec: Self.spec(keys: 1000, zipf: 0.8, capacity: 500, timeline: flush)).run()
        let misses = result.timeSeries.column("services.api.cache_misses") ?? []
        #expect(misses[120] > 1.5 * misses[110], "misses before \(misses[110]), after the flush \(misses[120])")
        #expect(result.events.contains { $0.detail.contains("cache flushed") })
    }

    /// `satsim explain` switches a cache's cold start off with ``CacheSpec/neverCold``: a flush
    /// then changes nothing. A flush draws no random number, so on the same seed the run must be
    /// the run without the flush, miss for miss.
    @Test("A cache that never goes cold: a flush leaves every miss as it was without the flush")
    func neverColdIgnoresFlush() {
        let flush = [TimelineEventSpec(at: SimTime(seconds: 120), action: .cacheFlush(service: "api"))]
        var warm = Self.spec(keys: 1000, zipf: 0.8, capacity: 500, timeline: flush)
        warm.services[0].cache?.neverCold = true
        let flushed = Simulation(spec: warm).run()
        let unflushed = Simulation(spec: Self.spec(keys: 1000, zipf: 0.8, capacity: 500)).run()
        let misses = flushed.timeSeries.column("services.api.cache_misses") ?? []
        #expect(!misses.isEmpty)
        #expect(misses == (unflushed.timeSeries.column("services.api.cache_misses") ?? []))
    }

    /// A restart (kill, then boot) empties a cache unless it never goes cold: in the second after
    /// the restart, a cold LRU refills from empty (about 500 entries, one miss each, on top of the
    /// steady ~210 misses a second), so its misses are well above those of a warm one, same seed.
    @Test("A cache that never goes cold keeps its entries across a restart")
    func neverColdSurvivesRestart() {
        let kill = [TimelineEventSpec(at: SimTime(seconds: 120), action: .kill(service: "api", count: 1))]
        let cold = Self.spec(keys: 1000, zipf: 0.8, capacity: 500, timeline: kill)
        var warm = cold
        warm.services[0].cache?.neverCold = true
        func missesAfterRestart(_ spec: ScenarioSpec) -> Double {
            (Simulation(spec: spec).run().timeSeries.column("services.api.cache_misses") ?? [])[120]
        }
        let coldMisses = missesAfterRestart(cold), warmMisses = missesAfterRestart(warm)
        #expect(warmMisses * 1.5 < coldMisses, "misses after the restart: warm \(warmMisses), cold \(coldMisses)")
    }
}
