import SatsimCore
import SatsimModel
import Testing

/// Wasted work (DESIGN.md, "Wasted work"): a server does not know its caller gave up, so an
/// attempt that timed out still holds a worker for its full service time, and its completion
/// counts as `wasted`. Checked on a deterministic D/D/1 queue where every figure follows by hand.
@Suite("Wasted work, by hand")
struct WastedWorkTests {
    /// One worker, 10 ms per request; one request every 8 ms (125/s for 100/s of capacity), the
    /// first at 8 ms; FIFO without bound; the client waits 1.001 s, with no retries.
    ///
    /// Request k (k = 1, 2, ...) arrives at 8k ms. The worker never idles after the first
    /// arrival, so request k starts at 8 + 10(k - 1) ms and completes at 10k + 8 ms: its response
    /// time is 2k + 8 ms. It exceeds the timeout of 1001 ms from k = 497 on (2 x 497 + 8 = 1002),
    /// so request k >= 497 times out at 8k + 1001 ms and is still served later: wasted.
    /// No instants coincide (completions end in 8 ms, timeouts are odd, ticks are whole seconds).
    static let spec = ScenarioSpec(
        name: "wasted", duration: SimTime(seconds: 20), warmup: SimTime(seconds: 2), seed: 1,
        clients: [
            ClientSpec(name: "users", target: "api", arrival: .constant(rate: 125), timeout: SimTime(seconds: 1.001))
        ],
        services: [ServiceSpec(name: "api", instances: 1, workers: 1, serviceTime: .constant(value: 0.01))])

    @Test("Per interval: completions, wasted completions, successes and timeouts as derived by hand")
    func perInterval() {
        let result = Simulation(spec: Self.spec).run()
        let series = result.timeSeries
        let completions = series.column("services.api.completions") ?? []
        let wasted = series.column("services.api.wasted") ?? []
        let successes = series.column("clients.users.successes") ?? []
        let timeouts = series.column("clients.users.timeouts") ?? []
        #expect(completions.count == 20)
        // Interval n (n = 0...19) covers (n, n + 1] s.
        // Completions at 10k + 8 ms: k = 1...99 in the first interval, then 100 per interval.
        #expect(completions == [99] + [Double](repeating: 100, count: 19))
        // Wasted: completions of k >= 497. The interval (4, 5] s holds k = 400...499, three of
        // them wasted (497, 498, 499); every later completion is wasted.
        #expect(wasted == [0, 0, 0, 0, 3] + [Double](repeating: 100, count: 15))
        // Successes are the other completions (no network delay: a response arrives at once).
        #expect(successes == [99, 100, 100, 100, 97] + [Double](repeating: 0, count: 15))
        // Timeouts at 8k + 1001 ms for k >= 497: from 4.977 s, three in (4, 5] s (k <= 499),
        // then one every 8 ms, 125 per interval.
        #expect(timeouts == [0, 0, 0, 0, 3] + [Double](repeating: 125, count: 15))
    }

    @Test("Summary: wasted and completions after warmup only")
    func summary() {
        let result = Simulation(spec: Self.spec).run()
        let api = result.services[0], users = result.clients[0]
        // Intervals from 2 s to 20 s: 18 x 100 completions, of which 3 + 15 x 100 wasted.
        #expect(api.completions == 1800)
        #expect(api.wasted == 1503)
        #expect(users.attemptOutcomes["timeout"] == 3 + 15 * 125)
        // Successes count the requests created after warmup (8k >= 2000 ms, so k >= 250) that
        // succeeded (k <= 496): 247. The 50 completions of k = 200...249 after 2 s belong to
        // requests created before it (SummaryCohortTests).
        #expect(users.successes == 496 - 250 + 1)
    }

    @Test("Summary: wasted work before the end of warmup is left out")
    func summaryAfterLateWarmup() {
        // Warmup ends at 5.5 s, after the first wasted completion (4.978 s): completions at
        // 10k + 8 ms in (5.5, 20] s are k = 550...1999, all wasted; timeouts at 8k + 1001 ms in
        // (5.5, 20] s are k = 563...2374.
        var spec = Self.spec
        spec.warmup = SimTime(seconds: 5.5)
        let result = Simulation(spec: spec).run()
        #expect(result.services[0].completions == 1450)
        #expect(result.services[0].wasted == 1450)
        #expect(result.clients[0].attemptOutcomes["timeout"] == 2374 - 563 + 1)
        #expect(result.clients[0].successes == 0)
    }

    @Test("A server-side queue timeout drops the work before it runs: nothing is wasted")
    func queueTimeoutWastesNothing() {
        // The same load with a queue timeout of 0.9 s: a request that waited longer is dropped
        // when a worker reaches it, and one that did not is answered within 0.9 + 0.01 s, before
        // the client's 1.001 s. (A queue timeout of 1 s would not do: a request that waited
        // 995 ms would be served and answered after 1.005 s, for nobody.)
        var spec = Self.spec
        spec.services[0].queue = QueueSpec(timeout: SimTime(seconds: 0.9))
        let result = Simulation(spec: spec).run()
        #expect(result.services[0].wasted == 0)
        let wasted = result.timeSeries.column("services.api.wasted") ?? []
        #expect(wasted.allSatisfy { $0 == 0 })
        #expect(result.clients[0].attemptOutcomes["timeout"] == 0)
        // Request k waits 2k - 2 ms until the first drop (k = 452, waited 902 ms); from then on
        // the queue holds its wait near 0.9 s and drops the excess, 25 of 125 per second.
        #expect(result.services[0].dropped > 0)
        #expect(result.services[0].completions + result.services[0].dropped <= result.services[0].arrivals)
    }
}
