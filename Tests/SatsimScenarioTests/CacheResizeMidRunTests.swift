import SatsimCore
import SatsimModel
import SatsimScenario
import SatsimTestSupport
import Testing

/// A timeline `set` of `cache.capacity` (scenario-format.md: "`set` ... change any KEY.PATH
/// mid-run") resizes every instance's cache at once.
///
/// With uniform popularity (`zipf: 0`) an LRU cache of C entries over N keys holds C of the N
/// equally likely keys, so it hits C/N of the lookups: Che's approximation (Che, Tung and Wang
/// 2002), exact here since every key is alike. The hit ratio moves from 100/1000 to 400/1000
/// once the larger cache has filled, and back when a second `set` shrinks it. Each phase is
/// measured after 20 s of refilling (about 20,000 lookups, far more than the 400 entries).
@Suite("A cache resized mid-run")
struct CacheResizeMidRunTests {
    static func yaml(seed: Int) -> String {
        """
        name: resize
        description: A uniform key space; the cache grows at 100 s and shrinks back at 200 s.
        duration: 300s
        warmup: 50s
        seed: \(seed)
        clients:
          users: { target: api, arrival: { process: poisson, rate: 1000/s } }
        services:
          api:
            workers: 100
            service_time: { dist: constant, value: 1ms }
            cache: { keys: 1000, zipf: 0, capacity: 100 }
        timeline:
          - { at: 100s, kind: set, path: services.api.cache.capacity, value: 400 }
          - { at: 200s, kind: set, path: services.api.cache.capacity, value: 100 }

        """
    }

    @Test("The hit ratio follows C/N through a grow and a shrink (5 seeds, 99% interval)")
    func hitRatioFollowsCapacity() throws {
        var phases: [[Double]] = [[], [], []]
        for seed in 1...5 {
            let spec = try ScenarioLoader.parse(text: Self.yaml(seed: seed), file: "resize.yaml")
            let result = Simulation(spec: spec).run()
            let hits = result.timeSeries.column("services.api.cache_hits") ?? []
            let misses = result.timeSeries.column("services.api.cache_misses") ?? []
            // Row i covers (i, i + 1] s.
            func ratio(_ range: Range<Int>) -> Double {
                let h = range.map { hits[$0] }.reduce(0, +), m = range.map { misses[$0] }.reduce(0, +)
                return h / (h + m)
            }
            phases[0].append(ratio(50..<100))
            phases[1].append(ratio(120..<200))
            phases[2].append(ratio(220..<300))
        }
        for (phase, expected) in zip(phases, [0.1, 0.4, 0.1]) {
            let ci = ConfidenceInterval(samples: phase, level: 0.99)
            #expect(abs(ci.mean - expected) <= ci.halfWidth, "C/N \(expected) outside \(ci)")
            #expect(ci.halfWidth < 0.01, "interval too wide to be a test: \(ci)")
        }
    }
}
