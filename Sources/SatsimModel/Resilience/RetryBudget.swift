import SatsimCore

/// A retry budget (`retry.budget`): retries may not exceed `ratio` x first attempts, plus a floor
/// of `min_per_second`.
///
/// It follows Finagle's `RetryBudget`: every first attempt deposits `ratio` of a token, every
/// retry withdraws one, both into a sliding window of ten seconds (`ttl`), and a reserve of
/// `min_per_second` x ttl tokens is always there, so that a client with little traffic can still
/// retry. A retry is allowed when the balance holds a whole token. Over any stretch of time T the
/// retries sent are therefore at most ratio x first attempts + min_per_second x (T + ttl).
///
/// When it is asked is Finagle's too: its RetryFilter calls `tryWithdraw` as soon as a failed
/// response is classified as retryable, then waits the backoff and sends the retry; a refusal
/// returns that failure at once. So the client deposits when it sends a first attempt and
/// withdraws when it decides to retry, not when the retry leaves after its backoff.
struct RetryBudget {
    /// How long deposits and withdrawals count (Finagle's default ttl).
    static let ttl = SimTime(seconds: 10)

    let ratio: Double
    let reserve: Double
    /// first: deposits; second: withdrawals.
    private var window = SlidingWindow(span: RetryBudget.ttl)

    init(_ spec: RetryBudgetSpec) {
        ratio = spec.ratio
        reserve = spec.minPerSecond * RetryBudget.ttl.seconds
    }

    /// A first attempt was made.
    mutating func deposit(at now: SimTime) {
        window.add(first: ratio, at: now)
    }

    /// Takes a token for a retry, or answers false when the budget is spent.
    mutating func tryWithdraw(at now: SimTime) -> Bool {
        let (deposits, withdrawals) = window.sums(at: now)
        // A small tolerance keeps ten deposits of 0.1 worth one whole token despite rounding.
        guard deposits - withdrawals + reserve >= 1 - 1e-9 else { return false }
        window.add(second: 1, at: now)
        return true
    }
}
