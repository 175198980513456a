import SatsimCore
import SatsimModel
import Testing

/// The summary describes the requests created after warmup (scenario-format.md: "Every figure
/// covers the time after warmup"): a request created before the warmup ended stays out of
/// `successes`, `failures` and `latency` even when it ends after, so that
/// `successes + failures <= requests` always holds. Without this rule a run whose queue carried
/// a backlog across the warmup reported more successes than requests.
@Suite("Summary figures count the requests created after warmup")
struct SummaryCohortTests {
    /// The D/D/1 queue of ``WastedWorkTests``: request k arrives at 8k ms, completes at
    /// 10k + 8 ms, and times out at 8k + 1001 ms from k = 497 on. Warmup ends at 2 s.
    @Test("Successes and failures are those of requests created after warmup, derived by hand")
    func cohortByHand() {
        let result = Simulation(spec: WastedWorkTests.spec).run()
        let users = result.clients[0]
        // Created in [2 s, 20 s] (the run processes what happens at its last instant):
        // 8k >= 2000 and 8k <= 20000, so k = 250...2500.
        #expect(users.requests == 2251)
        // Of those, k = 250...496 succeed (completions up to 4.968 s): 247. The 50 requests
        // k = 200...249, created before 2 s and completed after it, stay out.
        #expect(users.successes == 247)
        // k >= 497 time out at 8k + 1001 ms; those up to 20 s: k = 497...2374, 1878 failures.
        #expect(users.failures == 1878)
        #expect(users.successes + users.failures <= users.requests)
        // The slowest counted success is k = 496: 2 x 496 + 8 = 1000 ms.
        #expect(abs(users.latency.max - 1.0) < 0.001)
    }

    @Test("Without warmup every request counts")
    func noWarmup() {
        var spec = WastedWorkTests.spec
        spec.warmup = .zero
        let users = Simulation(spec: spec).run().clients[0]
        // k = 1...2500 created; k = 1...496 succeed; k = 497...2374 time out by 20 s.
        #expect(users.requests == 2500)
        #expect(users.successes == 496)
        #expect(users.failures == 1878)
    }
}
