/// The runs a counterfactual finding is measured over: `count` replications on seeds
/// `firstSeed`, `firstSeed + 1`..., the same seeds in every row of `explain` (common random
/// numbers), as a ``StoryWindow`` is the span a finding about one run is measured over.
public struct ReplicationSet: Sendable, Hashable {
    /// Runs per row.
    public var count: Int
    /// The seed of replication 0; replication r uses `firstSeed + r` (wrapping).
    public var firstSeed: UInt64

    public init(count: Int, firstSeed: UInt64) {
        precondition(count >= 1, "a replication set holds at least one run, got \(count)")
        self.count = count
        self.firstSeed = firstSeed
    }

    /// The seed of the last replication.
    public var lastSeed: UInt64 { firstSeed &+ UInt64(count - 1) }

    /// "over 5 replications on seeds 7 to 11", "over 1 replication on seed 7".
    public var label: String {
        count == 1 ? "over 1 replication on seed \(firstSeed)" : "over \(count) replications on seeds \(firstSeed) to \(lastSeed)"
    }
}
