/// `--shard I/N`: the I-th (0-based) of N disjoint slices of a plan's runs.
///
/// Run k of the plan (points in order, replications within a point) belongs to shard k mod N:
/// dealt round-robin, so slow points near a cliff spread over the shards instead of landing on
/// one, and the N slices together hold every run exactly once.
public struct Shard: Sendable, Hashable {
    public var index: Int
    public var count: Int

    /// The whole plan as one shard.
    public static let whole = Shard(index: 0, count: 1)

    public init(index: Int, count: Int) {
        precondition(count > 0 && (0..<count).contains(index), "shard \(index)/\(count) is not one of 0..<\(count)")
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 0 <= I < N; nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n > 0, (0..<n).contains(i) else { return nil }
        self.init(index: i, count: n)
    }

    /// Whether the k-th run of the plan belongs to this shard.
    public func holds(runNumber k: Int) -> Bool { k % count == index }

    public var description: String { "\(index)/\(count)" }
}
