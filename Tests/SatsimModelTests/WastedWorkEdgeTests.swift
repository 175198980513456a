import SatsimCore
import SatsimModel
import Testing

/// Wasted work at its edges, against DESIGN.md ("Wasted work"): a completion is wasted when the
/// server finishes an attempt after its caller gave up, whoever the caller is (a client's
/// timeout, or a handler's call `timeout`) and wherever the attempt was when it gave up (on its
/// way, queued, in service). The answer's own trip back does not make it wasted: a server that
/// finished in time did no wasted work, even when its answer then arrives too late.
/// Every figure is derived by hand from constant times; no instants coincide.
@Suite("Wasted work at its edges, by hand")
struct WastedWorkEdgeTests {
    /// One request every 100 ms (the first at 100 ms), a constant one-way network delay, a
    /// client timeout, and a service with enough workers that nothing waits.
    static func oneHop(network: Double, timeout: Double, service: Double) -> ScenarioSpec {
        ScenarioSpec(
            name: "edges", duration: SimTime(seconds: 10.05), seed: 1,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .constant(rate: 10), network: .constant(value: network),
                    timeout: SimTime(seconds: timeout))
            ],
            services: [ServiceSpec(name: "api", workers: 100, serviceTime: .constant(value: service))])
    }

    @Test("Finished before the client gave up, answer arrives after: a client timeout, not wasted work")
    func lateAnswerIsNotWaste() {
        // Sent at t, reaches the server at t + 10 ms, done at t + 20 ms, back at t + 30 ms; the
        // client gave up at t + 25 ms. 100 requests (100 ms ... 10 s), each one attempt.
        let result = Simulation(spec: Self.oneHop(network: 0.01, timeout: 0.025, service: 0.01)).run()
        #expect(result.services[0].completions == 100)
        #expect(result.services[0].wasted == 0)
        #expect(result.clients[0].attemptOutcomes["timeout"] == 100)
        #expect(result.clients[0].successes == 0)
    }

    @Test("Finished after the client gave up: every completion is wasted")
    func lateCompletionIsWaste() {
        // Done at t + 10 + 20 = t + 30 ms, the client gave up at t + 25 ms.
        let result = Simulation(spec: Self.oneHop(network: 0.01, timeout: 0.025, service: 0.02)).run()
        #expect(result.services[0].completions == 100)
        #expect(result.services[0].wasted == 100)
        #expect(result.clients[0].attemptOutcomes["timeout"] == 100)
    }

    @Test("Still on its way when the client gave up: served anyway, and wasted")
    func givenUpInFlightIsWaste() {
        // Reaches the server at t + 30 ms, 5 ms after the client gave up: the server cannot
        // know, serves it (done at t + 31 ms), and the work is wasted. The last request (10 s)
        // arrives at 10.03 s and is done at 10.031 s, before the end at 10.05 s.
        let result = Simulation(spec: Self.oneHop(network: 0.03, timeout: 0.025, service: 0.001)).run()
        #expect(result.services[0].arrivals == 100)
        #expect(result.services[0].completions == 100)
        #expect(result.services[0].wasted == 100)
    }

    /// The client waits forever; `api` (many workers, 1 ms of its own work) calls `db` with a
    /// call timeout of 1.001 s; `db` has one worker and 10 ms of work. One request every 8 ms
    /// (the first at 8 ms): `db` is the D/D/1 queue of WastedWorkTests, shifted by `api`'s 1 ms.
    /// Call k reaches `db` at 8k + 1 ms, starts at 10(k - 1) + 9 ms, is done at 10k + 9 ms: its
    /// response time is 2k + 8 ms, over the call timeout from k = 497 on. Those calls time out
    /// at 8k + 1002 ms (api answers its client with an error then) and are still served by `db`:
    /// wasted there. `api` itself wastes nothing, its caller never gives up.
    static let callChain = ScenarioSpec(
        name: "call-waste", duration: SimTime(seconds: 20), warmup: SimTime(seconds: 2), seed: 1,
        clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 125))],
        services: [
            ServiceSpec(
                name: "api", workers: 1000, serviceTime: .constant(value: 0.001),
                calls: [CallSpec(service: "db", timeout: SimTime(seconds: 1.001))]),
            ServiceSpec(name: "db", workers: 1, serviceTime: .constant(value: 0.01)),
        ])

    @Test("A call that timed out is wasted work at the dependency, not at the caller whose client still waits")
    func callTimeoutWastesDependencyWork() {
        let result = Simulation(spec: Self.callChain).run()
        let series = result.timeSeries
        // db's completions at 10k + 9 ms: 99 in (0, 1] s, then 100 a second; the wasted ones are
        // k >= 497: three in (4, 5] s (4979, 4989, 4999 ms), then all.
        #expect(series.column("services.db.completions") == [99] + [Double](repeating: 100, count: 19))
        #expect(series.column("services.db.wasted") == [0, 0, 0, 0, 3] + [Double](repeating: 100, count: 15))
        #expect((series.column("services.api.wasted") ?? [1]).allSatisfy { $0 == 0 })
        // After the 2 s warmup: db completes 1800, of which 3 + 1500 wasted.
        let api = result.services[0], db = result.services[1], users = result.clients[0]
        #expect(db.completions == 1800)
        #expect(db.wasted == 1503)
        #expect(api.wasted == 0)
        // The client sees the failed call as an error at 8k + 1002 ms, k = 497 (4978 ms) to
        // k = 2374 (19994 ms), and never a timeout of its own.
        #expect(users.attemptOutcomes["error"] == 2374 - 497 + 1)
        #expect(users.attemptOutcomes["timeout", default: 0] == 0)
    }
}

/// The server-side queue timeout at its boundary: `queue.timeout` drops "work that waited
/// longer" (scenario-format.md), so an attempt that waited exactly the timeout is served, and the
/// drop happens when a worker reaches it (a dequeue-time check, as CoDel measures sojourn at
/// dequeue, RFC 8289 section 5.6). `mean_wait` covers the attempts that started service only.
@Suite("Queue timeout, by hand")
struct QueueTimeoutBoundaryTests {
    /// Two clients, one request a second each, both at 1, 2, ... 10 s (the same instants; the
    /// first client's goes first), to one worker with 10 ms of work: at each instant one
    /// attempt starts at once and the other waits exactly 10 ms.
    static func pairs(queueTimeout: SimTime) -> SimulationResult {
        let spec = ScenarioSpec(
            name: "queue-timeout", duration: SimTime(seconds: 10.5), seed: 1,
            clients: [
                ClientSpec(name: "first", target: "api", arrival: .constant(rate: 1)),
                ClientSpec(name: "second", target: "api", arrival: .constant(rate: 1)),
            ],
            services: [
                ServiceSpec(name: "api", workers: 1, serviceTime: .constant(value: 0.01), queue: QueueSpec(timeout: queueTimeout))
            ])
        return Simulation(spec: spec).run()
    }

    @Test("Waited exactly the timeout: served, not dropped")
    func exactlyTheTimeoutIsServed() {
        let api = Self.pairs(queueTimeout: SimTime(nanoseconds: 10_000_000)).services[0]
        #expect(api.arrivals == 20)
        #expect(api.dropped == 0)
        #expect(api.completions == 20)
        // Waits of 0 and 10 ms, alternately.
        #expect(abs(api.meanWait - 0.005) < 1e-12, "mean wait \(api.meanWait)")
    }

    @Test("Waited 1 ns longer than the timeout: dropped when the worker reaches it, and left out of mean_wait")
    func longerThanTheTimeoutIsDropped() {
        let result = Self.pairs(queueTimeout: SimTime(nanoseconds: 9_999_999))
        let api = result.services[0]
        #expect(api.arrivals == 20)
        #expect(api.dropped == 10)
        #expect(api.completions == 10)
        #expect(api.meanWait == 0)
        // The dropped attempt is answered with an error (DESIGN.md: "dropped by the server").
        #expect(result.clients[1].attemptOutcomes["error"] == 10)
        #expect(result.clients[0].successes == 10)
    }
}
