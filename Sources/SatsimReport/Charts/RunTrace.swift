import SatsimModel

/// The few series of one run that a comparison overlays: per client, successes per second and
/// the p99 latency of the requests that succeeded, per metrics interval. Small enough to keep for
/// every run of `compare` or `explain` (two numbers per client and interval).
public struct RunTrace: Sendable, Hashable {
    /// The end of each metrics interval [s of simulated time].
    public var ends: [Double]
    /// Per client, in the scenario's order: its name, successes/s and p99 latency [s] per interval
    /// (NaN where none succeeded).
    public var clients: [Client]

    public struct Client: Sendable, Hashable {
        public var name: String
        public var goodput: [Double]
        public var p99: [Double]

        public init(name: String, goodput: [Double], p99: [Double]) {
            self.name = name
            self.goodput = goodput
            self.p99 = p99
        }
    }

    public init(ends: [Double], clients: [Client]) {
        self.ends = ends
        self.clients = clients
    }

    /// The most points a trace keeps per series. A chart is about 850 pixels wide, and every run
    /// of `compare` and `explain --out` keeps its trace until the report is drawn: 100 runs of a
    /// day at 1 s intervals with 13 clients held 2 GB of traces at full resolution.
    public static let maximumPoints = 2_000

    /// The most values all the traces of one command keep (about 8 bytes each).
    public static let maximumValues = 20_000_000

    /// The points per trace when `runs` traces of `clients` clients are kept together: at most
    /// ``maximumPoints``, fewer when their values would pass ``maximumValues`` (500 runs of 500
    /// clients at 2,000 points each would be 8 GB), but never fewer than 50.
    public static func points(runs: Int, clients: Int) -> Int {
        let perPoint = max(1, runs) * (2 * max(1, clients) + 1)
        return min(maximumPoints, max(50, maximumValues / perPoint))
    }

    /// The trace of `result`. A run of more than ``maximumPoints`` intervals is read in groups
    /// of k consecutive intervals (k the smallest that fits; the same k for every run of one
    /// scenario, so runs still line up): a group's goodput is its successes over its width, its
    /// p99 the largest p99 of its intervals (an upper envelope; a p99 of merged intervals
    /// cannot be recovered from theirs).
    ///
    /// - Parameter points: the most points to keep, ``maximumPoints`` by default; a command that
    ///   keeps many traces passes ``points(runs:clients:)`` so that all of them together fit.
    public init(result: SimulationResult, points: Int = RunTrace.maximumPoints) {
        let series = result.timeSeries
        let times = series.column("time") ?? []
        let points = max(1, points)
        let k = max(1, (times.count + points - 1) / points)
        // groups[g] = the intervals of group g, by index.
        let groups = stride(from: 0, to: times.count, by: k).map { $0..<min($0 + k, times.count) }
        func start(_ i: Int) -> Double { i == 0 ? 0 : times[i - 1] }
        let ends = groups.map { times[$0.upperBound - 1] }
        self.ends = ends
        clients = result.clients.map { client in
            let prefix = "clients.\(client.name)."
            let successes = series.column(prefix + "successes") ?? []
            let p99 = series.column(prefix + "latency_p99") ?? []
            var goodput: [Double] = [], highest: [Double] = []
            goodput.reserveCapacity(groups.count)
            highest.reserveCapacity(groups.count)
            for group in groups {
                let width = times[group.upperBound - 1] - start(group.lowerBound)
                let counted = group.filter { $0 < successes.count }
                goodput.append(width > 0 && !counted.isEmpty ? counted.reduce(0.0) { $0 + successes[$1] } / width : .nan)
                let timed = group.filter { $0 < successes.count && $0 < p99.count && successes[$0] > 0 }
                highest.append(timed.map { p99[$0] }.max() ?? .nan)
            }
            return Client(name: client.name, goodput: goodput, p99: highest)
        }
    }

    /// Successes per second of every client together, per interval.
    public var totalGoodput: [Double] {
        ends.indices.map { i in clients.reduce(0.0) { $0 + (i < $1.goodput.count ? $1.goodput[i] : .nan) } }
    }
}
