/// The runs of a plan that a store lacks, and where they belong: the points they are runs of,
/// and, when the stores noted the shard count they were run with, the shards that should have
/// run them (run k belongs to shard k mod N, ``Shard``).
public struct MissingRuns: Sendable, Hashable {
    /// Missing runs, of `planned`.
    public var count: Int
    public var planned: Int
    /// The points with at least one missing run, ascending.
    public var points: [Int]
    /// The shards the missing runs belong to, ascending; empty when the shard count is unknown.
    public var shards: [Shard]

    /// - Parameters:
    ///   - stored: the runs the store holds.
    ///   - shardCount: N when every shard that wrote the stores noted the same N; nil otherwise.
    public init(layout: ResultsLayout, stored: Set<RunKey>, shardCount: Int?) {
        planned = layout.runCount
        var points: [Int] = []
        var shards: Set<Int> = []
        var count = 0
        for k in 0..<layout.runCount {
            let key = RunKey(point: k / layout.replications, replication: k % layout.replications)
            guard !stored.contains(key) else { continue }
            count += 1
            if points.last != key.point { points.append(key.point) }
            if let n = shardCount { shards.insert(k % n) }
        }
        self.count = count
        self.points = points
        self.shards = shardCount.map { n in shards.sorted().map { Shard(index: $0, count: n) } } ?? []
    }

    /// The shard count every noted shard agrees on, or nil (none noted, or different counts).
    public static func commonShardCount(_ noted: [Shard]) -> Int? {
        let counts = Set(noted.map(\.count))
        return counts.count == 1 ? counts.first : nil
    }

    /// `12 of 48 runs are missing, from shard 2/4 (points 0-11)`; `from points 3, 7-9` without
    /// shards. Long lists are cut after `limit` items, with how many more there are.
    public func sentence(limit: Int = 8) -> String {
        let pointList = Self.ranges(points, limit: limit)
        let where_ = shards.isEmpty
            ? "from point\(points.count == 1 ? "" : "s") \(pointList)"
            : "from shard\(shards.count == 1 ? "" : "s") \(Self.cut(shards.map(\.description), limit: limit)) "
                + "(point\(points.count == 1 ? "" : "s") \(pointList))"
        return "\(count) of \(planned) runs \(count == 1 ? "is" : "are") missing, \(where_)"
    }

    /// `0-11, 14, 20-21`, at most `limit` items, then `and N more points`.
    static func ranges(_ sorted: [Int], limit: Int) -> String {
        var items: [String] = []
        var start = 0
        for i in sorted.indices where i == sorted.count - 1 || sorted[i + 1] != sorted[i] + 1 {
            items.append(start == i ? String(sorted[i]) : "\(sorted[start])-\(sorted[i])")
            start = i + 1
        }
        return cut(items, limit: limit)
    }

    static func cut(_ items: [String], limit: Int) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }
}
