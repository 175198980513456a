import SatsimCore
import Testing

@testable import SatsimModel

/// One instance's cache against the definitions it is named for, step by step.
///
/// LRU (least recently used): when a full cache must take a new entry it evicts the entry whose
/// last use (insertion or hit) is oldest (Mattson, Gecsei, Slutz and Traiger, "Evaluation
/// techniques for storage hierarchies", IBM Systems Journal 9(2), 1970). TTL (time to live): an
/// entry is fresh while its age (time since it was stored) is below `ttl`, whatever hits it had
/// in between; storing it again starts its age afresh (RFC 9111 section 4.2: a response "is fresh
/// if its freshness lifetime exceeds its current age"; the TTL caches of Jung, Berger and
/// Balakrishnan, "Modeling TTL-based Internet caches", INFOCOM 2003, count from the miss that
/// fetched the entry).
@Suite("LRU cache, step by step")
struct LRUCacheTests {
    @Test("a full cache evicts the least recently used entry; a hit makes an entry the most recent")
    func evictsLeastRecentlyUsed() {
        var cache = LRUCache(capacity: 3, ttl: nil)
        for key in [1, 2, 3] { cache.insert(key, now: 0) }
        #expect(cache.count == 3)
        // Use 1: the recency order, newest first, is 1, 3, 2.
        let h1 = cache.lookup(1, now: 1)
        #expect(h1)
        // 4 evicts 2, the least recently used; then 5 evicts 3.
        cache.insert(4, now: 2)
        let h2 = cache.lookup(2, now: 3)
        #expect(!h2)
        let h3 = cache.lookup(3, now: 3)
        let h4 = cache.lookup(1, now: 3)
        let h5 = cache.lookup(4, now: 3)
        #expect(h3 && h4 && h5)
        // Now 3, 1, 4 by age of last use: 5 evicts 3.
        cache.insert(5, now: 4)
        let h6 = cache.lookup(3, now: 5)
        #expect(!h6)
        let h7 = cache.lookup(1, now: 5)
        let h8 = cache.lookup(4, now: 5)
        let h9 = cache.lookup(5, now: 5)
        #expect(h7 && h8 && h9)
        #expect(cache.count == 3)
        // Storing a key already cached makes it the most recent without evicting anything.
        cache.insert(1, now: 6)
        cache.insert(6, now: 7)
        let h10 = cache.lookup(4, now: 8)
        let h11 = cache.lookup(1, now: 8)
        #expect(cache.count == 3 && !h10 && h11)
    }

    @Test("ttl: fresh while younger than ttl, stale from the instant its age reaches ttl; hits do not extend it, storing again does")
    func timeToLive() {
        let ttl = SimTime(seconds: 10).nanoseconds
        var cache = LRUCache(capacity: 10, ttl: SimTime(nanoseconds: ttl))
        cache.insert(7, now: 0)
        // Hit at 5 s: still counted from 0.
        let h12 = cache.lookup(7, now: 5_000_000_000)
        #expect(h12)
        let h13 = cache.lookup(7, now: ttl - 1)
        #expect(h13)
        let h14 = cache.lookup(7, now: ttl)
        #expect(!h14)
        // An expired lookup drops the entry: it is a miss from then on, until stored again.
        #expect(cache.count == 0)
        cache.insert(7, now: 20_000_000_000)
        cache.insert(7, now: 25_000_000_000)
        let h15 = cache.lookup(7, now: 25_000_000_000 + ttl - 1)
        #expect(h15)
        let h16 = cache.lookup(7, now: 25_000_000_000 + ttl)
        #expect(!h16)
    }

    @Test("an expired entry frees its place: a full cache with an expired entry evicts nothing live")
    func expiredPlaceIsReused() {
        var cache = LRUCache(capacity: 2, ttl: SimTime(nanoseconds: 100))
        cache.insert(1, now: 0)
        cache.insert(2, now: 150)
        // 1 expired at 101; looking it up frees its place, so 3 fits beside 2.
        let h17 = cache.lookup(1, now: 200)
        #expect(!h17)
        cache.insert(3, now: 200)
        let h18 = cache.lookup(2, now: 210)
        let h19 = cache.lookup(3, now: 210)
        #expect(h18 && h19)
    }

    @Test("a restart empties the cache; a flush too")
    func removeAllEmpties() {
        var cache = LRUCache(capacity: 4, ttl: nil)
        for key in 0..<4 { cache.insert(key, now: 0) }
        cache.removeAll()
        #expect(cache.count == 0)
        let anyLeft = (0..<4).contains { cache.lookup($0, now: 1) }
        #expect(!anyLeft)
        // And it fills again to its capacity, evicting in order.
        for key in 10..<15 { cache.insert(key, now: 2) }
        let h21 = cache.lookup(10, now: 3)
        let h22 = cache.lookup(14, now: 3)
        #expect(cache.count == 4 && !h21 && h22)
    }

    @Test("a cache that holds every key misses exactly once per key (the cold misses), whatever the popularity")
    func compulsoryMissesOnly() {
        // 50 keys, Zipf(1), room for all 50, no ttl, no calls (the entry is stored the moment the
        // miss is served): each key misses on its first request and hits ever after. Over about
        // 100,000 requests the rarest key (p = 0.02 / H_50 = 0.0044) goes unrequested with
        // probability (1 - 0.0044)^100000 = e^-445: every key is seen, so misses = 50 exactly.
        let spec = ScenarioSpec(
            name: "cold-misses", duration: SimTime(seconds: 100), seed: 4,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 1000))],
            services: [
                ServiceSpec(
                    name: "api", instances: 1, workers: 100, serviceTime: .constant(value: 0.001),
                    cache: CacheSpec(keys: 50, zipf: 1.0, capacity: 50))
            ])
        let result = Simulation(spec: spec).run()
        let misses = (result.timeSeries.column("services.api.cache_misses") ?? []).reduce(0, +)
        let hits = (result.timeSeries.column("services.api.cache_hits") ?? []).reduce(0, +)
        #expect(misses == 50, "misses \(misses), hits \(hits)")
        #expect(hits > 99_000)
    }

    /// A timeline `set` of `cache.capacity` or `cache.ttl` (scenario-format.md: "change any
    /// KEY.PATH mid-run"): a smaller cache keeps its most recently used entries and evicts the
    /// rest at once, by the LRU rule; a larger one fills up before evicting again; a new
    /// lifetime judges entries already stored by the age they have.
    @Test("a resize keeps the most recently used entries; a new ttl judges stored entries by their age")
    func resizeMidRun() {
        var cache = LRUCache(capacity: 5, ttl: nil)
        for key in 1...5 { cache.insert(key, now: Int64(key)) }
        // Recency, newest first: 3, 5, 4, 2, 1.
        let hit = cache.lookup(3, now: 10)
        #expect(hit)
        cache.resize(capacity: 2, ttl: nil)
        cache.checkInvariants()
        #expect(cache.count == 2)
        var kept: [Bool] = []
        for key in [5, 3, 4, 2, 1] { kept.append(cache.lookup(key, now: 11)) }
        #expect(kept == [true, true, false, false, false])
        // Full at 2: one more evicts the least recent (5, then 3 is newer after its hit above).
        cache.insert(6, now: 12)
        cache.checkInvariants()
        var afterInsert: [Bool] = []
        for key in [5, 3] { afterInsert.append(cache.lookup(key, now: 12)) }
        #expect(cache.count == 2 && afterInsert == [false, true])
        // Larger again: it fills to 4 before it evicts.
        cache.resize(capacity: 4, ttl: nil)
        for key in [7, 8] { cache.insert(key, now: 13) }
        cache.checkInvariants()
        #expect(cache.count == 4)
        // A ttl of 5 ns set at 14: 6 (stored at 12) is fresh until 17, 3 (stored at 3) is stale now.
        cache.resize(capacity: 4, ttl: SimTime(nanoseconds: 5))
        let fresh = [cache.lookup(3, now: 14), cache.lookup(6, now: 16), cache.lookup(6, now: 17)]
        #expect(fresh == [false, true, false])
        cache.checkInvariants()
    }
}
