import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// The stand-still stop (``RunLimitHit/timeStoodStill(events:at:)``) is for a loop with no
/// delay; it must not stop a finite burst, and it must stop at the same event whether or not
/// the run reports progress (`satsim run` does, in chunks of 100,000 events; `compare`, `sweep`
/// and `explain` do not, and their runs of the same file and seed must be the same).
@Suite struct StandStillTests {
    /// Ten closed-loop users with no think time, served in 1 ms until a `set` at 1 s makes the
    /// service time 0: time stands still from about the 20,000th counted event on.
    static let stall = """
        name: stall
        description: time stands still from 1 s on
        duration: 10s
        clients:
          users: { target: api, arrival: { process: closed, users: 10, think: { dist: constant, value: 0s } } }
        services:
          api:
            instances: 1
            workers: 10
            service_time: { dist: constant, value: 1ms }
        timeline:
          - { at: 1s, kind: set, path: services.api.service_time.value, value: 0s }
        """

    @Test func progressChunksDoNotMoveTheStop() throws {
        let spec = try ScenarioLoader.parse(text: Self.stall, file: "stall.yaml")
        let plain = Simulation(spec: spec).run(standStill: 50_000)
        // Read at every 50,000 events: 1 s at the 50,000th and again at the 100,000th.
        #expect(plain.limitHit == .timeStoodStill(events: 50_000, at: SimTime(seconds: 1)))
        #expect(plain.eventCount == 100_000)
        for chunk in [7_000, 100_000, 1] {
            let chunked = Simulation(spec: spec).run(progressEvery: chunk, progress: { _ in }, standStill: 50_000)
            #expect(chunked.limitHit == plain.limitHit, "chunks of \(chunk)")
            #expect(chunked.eventCount == plain.eventCount, "chunks of \(chunk)")
            #expect(chunked.endSeconds == plain.endSeconds, "chunks of \(chunk)")
        }
    }

    /// 1,000 users wake at the same instant each second; every request but the first is turned
    /// away at a full queue and retried at once (no backoff) 99 times: about 10^5 counted events
    /// at one instant, ten times as many per user as the old bound (ten times the population)
    /// allowed. At full size, 10^6 such users make 10^8 at one instant, the old default. The
    /// burst is finite: the bound the run takes from the file lets it finish.
    static let herd = """
        name: herd
        description: a synchronised retry storm, one instant a second
        duration: 2500ms
        clients:
          users:
            target: api
            arrival: { process: closed, users: 1000, think: { dist: constant, value: 1s } }
            retry: { max_attempts: 100 }
        services:
          api:
            instances: 1
            workers: 1
            service_time: { dist: constant, value: 1h }
            queue: { capacity: 0 }
        """

    @Test func aFiniteBurstIsNotStopped() throws {
        let spec = try ScenarioLoader.parse(text: Self.herd, file: "herd.yaml")
        // The burst is real: ten times the population stops it.
        let tight = Simulation(spec: spec).run(standStill: 10 * 1_000)
        #expect(tight.limitHit == .timeStoodStill(events: 10_000, at: SimTime(seconds: 1)))
        // An in-flight budget close to the population, so that the bound rests on what one
        // request can do at an instant, not on the default budget's 2,000,000.
        let limits = RunLimits(maxInFlight: 3_000)
        let simulation = Simulation(spec: spec)
        let bound = simulation.burstBound(limits: limits)
        let result = simulation.run(limits: limits, standStill: bound)
        #expect(result.limitHit == nil, "bound \(bound)")
        #expect(result.eventCount > 2 * 99_000)
        // The default bound is at least this one.
        #expect(Simulation(spec: spec).standStillBound(limits: limits) >= bound)
    }
}
