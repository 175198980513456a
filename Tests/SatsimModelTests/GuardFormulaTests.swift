import SatsimCore
@testable import SatsimModel
import Testing

/// The client guards' formulas, exactly, on the types themselves.
///
/// Adaptive throttling: Google SRE book, chapter 21 "Handling Overload", "Client-side
/// throttling": each client keeps, over the last two minutes, `requests` (attempted by the
/// application layer, the ones the throttle itself rejected included) and `accepts` (accepted by
/// the backend), and rejects a new request locally with probability
/// max(0, (requests - K x accepts) / (requests + 1)).
///
/// Retry budget: the contract's `budget: { ratio, min_per_second }`, "retries allowed <= ratio x
/// first attempts (token bucket)", as Finagle's `RetryBudget` keeps it (deposit `ratio` per first
/// attempt, withdraw 1 per retry, over a 10 s window, with a reserve of min_per_second x 10 s).
@Suite("Client guard formulas")
struct GuardFormulaTests {
    static let second: Int64 = 1_000_000_000
    static func at(_ seconds: Double) -> SimTime { SimTime(seconds: seconds) }

    @Test("throttle: p = max(0, (requests - k x accepts) / (requests + 1)) over the window", arguments: [1.0, 2.0, 3.0])
    func throttleProbability(k: Double) {
        var throttle = AdaptiveThrottle(AdaptiveThrottleSpec(k: k, window: SimTime(seconds: 120)))
        do { let p = throttle.rejectionProbability(at: Self.at(0)); #expect(p == 0) }
        // 10 requests (u = 1: none rejected), 3 accepted.
        for i in 0..<10 { _ = throttle.shouldReject(at: Self.at(Double(i)), uniform: 1) }
        for i in 0..<3 { throttle.accepted(at: Self.at(10 + Double(i))) }
        let p = throttle.rejectionProbability(at: Self.at(20))
        #expect(abs(p - max(0, (10 - k * 3) / 11)) < 1e-12, "k \(k): \(p)")
    }

    @Test("throttle: requests it rejected count as requests (they are attempted by the application)")
    func throttleCountsItsRejections() {
        var throttle = AdaptiveThrottle(AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 120)))
        // No accepts: after n requests p = n / (n + 1). u = 0 rejects whenever p > 0.
        do { let ok = throttle.shouldReject(at: Self.at(1), uniform: 0); #expect(ok == false) }  // p = 0 before the first
        for n in 1...20 {
            let p = throttle.rejectionProbability(at: Self.at(1))
            #expect(abs(p - Double(n) / Double(n + 1)) < 1e-12)
            do { let ok = throttle.shouldReject(at: Self.at(1), uniform: 0); #expect(ok) }
        }
    }

    @Test("throttle: what left the window no longer counts (the SRE book's two minutes)")
    func throttleWindowSlides() {
        var throttle = AdaptiveThrottle(AdaptiveThrottleSpec(k: 2, window: SimTime(seconds: 120)))
        for _ in 0..<10 { _ = throttle.shouldReject(at: Self.at(0), uniform: 1) }
        let halfway = throttle.rejectionProbability(at: Self.at(60))
        #expect(abs(halfway - 10.0 / 11) < 1e-12)
        // 60 buckets of 2 s: the window covers between 118 s and 120 s back.
        do { let p = throttle.rejectionProbability(at: Self.at(120)); #expect(p == 0) }
    }

    @Test("budget: each first attempt deposits ratio of a token, each retry takes one whole token")
    func budgetTokens() {
        var budget = RetryBudget(RetryBudgetSpec(ratio: 0.1, minPerSecond: 0))
        do { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok == false) }
        for _ in 0..<9 { budget.deposit(at: Self.at(0)) }
        do { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok == false) }  // 0.9 of a token
        budget.deposit(at: Self.at(0))
        do { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok) }  // ten deposits of 0.1: one retry
        do { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok == false) }
        for _ in 0..<25 { budget.deposit(at: Self.at(1)) }  // 2.5 tokens: two retries
        do { let ok = budget.tryWithdraw(at: Self.at(1)); #expect(ok) }
        do { let ok = budget.tryWithdraw(at: Self.at(1)); #expect(ok) }
        do { let ok = budget.tryWithdraw(at: Self.at(1)); #expect(ok == false) }
        // 0.95 of a token is not one either: a withdrawal threshold anywhere below a whole token
        // (0.9 was tried: nine deposits of 0.1 sum to 0.8999999999999999, below it) lets this
        // one through.
        var fine = RetryBudget(RetryBudgetSpec(ratio: 0.05, minPerSecond: 0))
        for _ in 0..<19 { fine.deposit(at: Self.at(0)) }
        do { let ok = fine.tryWithdraw(at: Self.at(0)); #expect(ok == false) }  // 0.95
        fine.deposit(at: Self.at(0))
        do { let ok = fine.tryWithdraw(at: Self.at(0)); #expect(ok) }  // twenty deposits of 0.05: one retry
    }

    @Test("budget: the reserve is min_per_second x 10 s tokens, always there")
    func budgetReserve() {
        var budget = RetryBudget(RetryBudgetSpec(ratio: 0, minPerSecond: 2))
        for _ in 0..<20 { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok) }
        do { let ok = budget.tryWithdraw(at: Self.at(0)); #expect(ok == false) }
        // The withdrawals leave the 10 s window, and the reserve is whole again.
        do { let ok = budget.tryWithdraw(at: Self.at(9.5)); #expect(ok == false) }
        for _ in 0..<20 { let ok = budget.tryWithdraw(at: Self.at(10)); #expect(ok) }
        do { let ok = budget.tryWithdraw(at: Self.at(10)); #expect(ok == false) }
    }

    @Test("budget: deposits expire with the 10 s window (Finagle's ttl)")
    func budgetDepositsExpire() {
        var budget = RetryBudget(RetryBudgetSpec(ratio: 0.5, minPerSecond: 0))
        for _ in 0..<4 { budget.deposit(at: Self.at(0)) }  // two tokens
        do { let ok = budget.tryWithdraw(at: Self.at(9.5)); #expect(ok) }
        do { let ok = budget.tryWithdraw(at: Self.at(10)); #expect(ok == false) }  // the deposits left the window
    }
}
