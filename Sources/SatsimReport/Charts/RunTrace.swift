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

    /// The trace of `result`.
    public init(result: SimulationResult) {
        let series = result.timeSeries
        let ends = series.column("time") ?? []
        var widths: [Double] = []
        var previous = 0.0
        for end in ends {
            widths.append(end - previous)
            previous = end
        }
        self.ends = ends
        clients = result.clients.map { client in
            let prefix = "clients.\(client.name)."
            let successes = series.column(prefix + "successes") ?? []
            let p99 = series.column(prefix + "latency_p99") ?? []
            return Client(
                name: client.name,
                goodput: ends.indices.map { i in i < successes.count && widths[i] > 0 ? successes[i] / widths[i] : .nan },
                p99: ends.indices.map { i in i < successes.count && i < p99.count && successes[i] > 0 ? p99[i] : .nan })
        }
    }

    /// Successes per second of every client together, per interval.
    public var totalGoodput: [Double] {
        ends.indices.map { i in clients.reduce(0.0) { $0 + (i < $1.goodput.count ? $1.goodput[i] : .nan) } }
    }
}
