import SatsimCore
import SatsimModel
import Testing

/// When the retry budget is asked, as Finagle does it. Finagle's `RetryFilter`
/// (twitter/finagle, finagle-core/src/main/scala/com/twitter/finagle/service/RetryFilter.scala,
/// `dispatch`) classifies a failed response, calls `retryBudget.tryWithdraw()` at once and only
/// then schedules the retry after its backoff (`schedule(howlong) { dispatch(...) }`); when the
/// withdrawal is refused it returns the failed response there and then (`budgetExhausted`).
/// `RetryBudget` (com.twitter.finagle.service.RetryBudget, `apply(ttl, minRetriesPerSec,
/// percentCanRetry)`) deposits for each request. So a retry's token is taken when the retry is
/// decided, not when it leaves after its backoff, and a refused retry ends its request without
/// waiting for the backoff.
///
/// Derived by hand: one request every 100 ms (the first at 0.1 s), a service that fails every
/// attempt at once, two attempts per request with a fixed 1 s backoff, a budget of ratio 0.5 and
/// no reserve, 5 s long (every deposit stays inside the 10 s ttl). Request k (k = 1...50) is
/// sent at 0.1k s, deposits 0.5 and fails at once; its retry is decided then, with a balance of
/// 0.5k - (retries granted before). For odd k that is 0.5: refused, the request fails at 0.1k s
/// (25 of them). For even k it is 1: granted, and the retry leaves at 0.1k + 1 s and fails; those
/// of k <= 40 leave by the end (5 s): 20 retries, 45 failed requests, 5 still waiting. Asked at
/// send time instead, the first retries would meet ten deposits already made and all pass.
@Suite("Retry budget: asked when the retry is decided (Finagle's RetryFilter)")
struct RetryBudgetTimingTests {
    enum Path: String, CaseIterable, CustomTestStringConvertible {
        case client, call
        var testDescription: String { rawValue }
    }

    static func spec(_ path: Path) -> ScenarioSpec {
        let retry = RetrySpec(
            maxAttempts: 2, on: [.error], backoff: BackoffSpec(base: SimTime(seconds: 1)),
            budget: RetryBudgetSpec(ratio: 0.5, minPerSecond: 0))
        let duration = SimTime(seconds: 5)
        let errors = TimelineEventSpec(at: .zero, duration: SimTime(seconds: 10), action: .errors(service: "broken", ratio: 1))
        switch path {
        case .client:
            return ScenarioSpec(
                name: "budget-timing", duration: duration, seed: 1,
                clients: [ClientSpec(name: "users", target: "broken", arrival: .constant(rate: 10), retry: retry)],
                services: [ServiceSpec(name: "broken", workers: 100, serviceTime: .constant(value: 0.001))],
                timeline: [errors])
        case .call:
            return ScenarioSpec(
                name: "budget-timing", duration: duration, seed: 1,
                clients: [ClientSpec(name: "users", target: "front", arrival: .constant(rate: 10))],
                services: [
                    ServiceSpec(
                        name: "front", workers: 100, serviceTime: .constant(value: 0),
                        calls: [CallSpec(service: "broken", retry: retry)]),
                    ServiceSpec(name: "broken", workers: 100, serviceTime: .constant(value: 0.001)),
                ],
                timeline: [errors])
        }
    }

    @Test("Exact retries and refusals: the token is taken before the backoff", arguments: Path.allCases)
    func exactCounts(path: Path) {
        let result = Simulation(spec: Self.spec(path)).run()
        let broken = result.services.first { $0.name == "broken" }
        // 50 first attempts and the 20 granted retries that left by the end.
        #expect(broken?.arrivals == 50 + 20)
        let c = result.clients[0]
        #expect(c.requests == 50)
        switch path {
        case .client:
            #expect(c.attempts == 50 + 20)
            #expect(c.attemptOutcomes["rejected"] == 25, "\(c.attemptOutcomes)")
            #expect(c.attemptOutcomes["error"] == 50 + 20)
            #expect(c.failures == 25 + 20)
        case .call:
            // The front's handler fails when its call fails: the 25 refused calls at once, the
            // 20 retried ones when their retry fails.
            #expect(c.failures == 25 + 20)
        }
    }

    @Test("A refused retry ends its request at once, not after its backoff")
    func refusedRetryFailsAtOnce() {
        let result = Simulation(spec: Self.spec(.client)).run()
        let refused = result.timeSeries.column("clients.users.rejected_budget") ?? []
        let failures = result.timeSeries.column("clients.users.failures") ?? []
        #expect(refused.count == 5)
        // Per second: the odd k of that second (k = 1, 3, 5, 7, 9 in the first), refused and
        // failed when their first attempt failed. The first granted retry fails at 1.2 s.
        #expect(refused == [5, 5, 5, 5, 5], "\(refused)")
        #expect(failures.first == 5, "\(failures)")
        #expect(failures.reduce(0, +) == 45)
    }
}
