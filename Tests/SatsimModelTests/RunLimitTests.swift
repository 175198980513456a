import SatsimCore
import Testing

@testable import SatsimModel

/// Limits stop a run for good, where they tripped, and say when; hostile values that pass
/// validation neither trap nor make memory grow with the number of events.
@Suite("Run limits and hostile values")
struct RunLimitTests {
    /// One client at a constant rate into one instance with one worker whose service time is
    /// longer than the run: nothing ever completes, so every request stays in flight with its
    /// one attempt, and the counts at any time are exact.
    static func flood(rate: Double, duration: Double = 1) -> ScenarioSpec {
        ScenarioSpec(
            name: "flood", duration: SimTime(seconds: duration),
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: rate))],
            services: [ServiceSpec(name: "api", serviceTime: .constant(value: 2 * duration))])
    }

    @Test func theInFlightLimitStopsTheRunOnTheArrivalThatCrossesIt() throws {
        // Arrivals every 10 us (1 / 100,000 per second, exactly 10,000 ns); the k-th at k x 10 us.
        // Each arrival adds a request and its attempt, so in flight = 2k, which first exceeds
        // 1,000 at k = 501, at 5,010,000 ns.
        let simulation = Simulation(spec: Self.flood(rate: 100_000))
        let result = simulation.run(limits: RunLimits(maxInFlight: 1_000))
        let stop = SimTime(nanoseconds: 5_010_000)
        #expect(result.limitHit == .inFlight(count: 1_002, largestQueue: "api", at: stop))
        // The run ended there: no arrival after the one that tripped the limit was processed
        // (before the fix, the next arrival was scheduled after the calendar was emptied and the
        // run went on to the end, creating 100,000 requests in this one second).
        #expect(result.clients[0].requests == 501)
        #expect(result.eventCount == 501)
        #expect(result.endSeconds == stop.seconds)
        #expect(simulation.now == stop)
        #expect(result.timeSeries.rows.last?.first == stop.seconds)
        // The message gives the same time.
        let message = try #require(result.limitHit?.message)
        #expect(message.contains("stopped at 0.00501s of simulated time"))
        #expect(result.events.last?.kind == .runStopped)
        #expect(result.events.last?.time == stop.seconds)
    }

    @Test func aHaltedRunNeverResumes() {
        let simulation = Simulation(spec: Self.flood(rate: 100_000))
        let first = simulation.run(limits: RunLimits(maxInFlight: 1_000))
        let again = RunLoop.run(simulation, until: SimTime(seconds: 1))
        #expect(again == RunReport(stop: .halted, events: 0, popped: 0, time: SimTime(nanoseconds: 5_010_000)))
        #expect(first.clients[0].requests == 501)
    }

    @Test func theEventBudgetSaysWhereTheRunStopped() throws {
        // 100 arrivals per second: the 250th counted event is the arrival at 2.5 s.
        let result = Simulation(spec: Self.flood(rate: 100, duration: 10)).run(limits: RunLimits(maxEvents: 250))
        let stop = SimTime(seconds: 2.5)
        #expect(result.limitHit == .eventBudget(events: 250, at: stop))
        #expect(result.endSeconds == 2.5)
        let message = try #require(result.limitHit?.message)
        #expect(message.contains("stopped at 2.5s of simulated time"))
    }

    @Test func healthProbesCountInFlight() {
        // 60 instances of one worker each, taken one by one by requests (constant 1,000/s, round
        // robin; a service time longer than the run): each request holds 2 in flight (request and
        // attempt). Probes every millisecond, each waiting an hour, queue behind the request on
        // each taken instance, one per instance (the prober has one probe out at a time,
        // HealthCheckOneAtATimeTests). Requests alone cross the budget of 100 at the 51st, at
        // 51 ms; with a probe queued on each taken instance, about 3 per instance, near the 34th
        // (34-35 ms, the probes' phases being random). So the run stops well before 51 ms only
        // if probes count.
        let spec = ScenarioSpec(
            name: "probes", duration: SimTime(seconds: 10),
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 1000))],
            services: [
                ServiceSpec(
                    name: "api", instances: 60, workers: 1, serviceTime: .constant(value: 100),
                    healthCheck: HealthCheckSpec(
                        interval: SimTime(seconds: 0.001), timeout: SimTime(seconds: 3600), unhealthyAfter: 1_000_000))
            ])
        let result = Simulation(spec: spec).run(limits: RunLimits(maxInFlight: 100))
        guard case .inFlight(let count, let largest, let at)? = result.limitHit else {
            Issue.record("no in-flight stop: \(String(describing: result.limitHit))")
            return
        }
        #expect(count == 101)
        #expect(largest == "api")
        #expect(at.seconds > 0.033 && at.seconds < 0.037, "stopped at \(at)")
        #expect(result.endSeconds == at.seconds)
    }

    @Test func longTimeoutsOnFastAnswersDoNotGrowTheCalendar() {
        // 20,000 requests/s for 20 s, each answered in about 10 us, each with a 1 h timeout that
        // is cancelled (its slot released) when the answer comes. Without removing those stale
        // timers the calendar would end holding all 400,000 of them; with it, it never holds
        // more than twice what survived the last removal, and at least 65,536 before the first.
        let spec = ScenarioSpec(
            name: "stale", duration: SimTime(seconds: 20),
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 20_000), timeout: SimTime(seconds: 3600))],
            services: [ServiceSpec(name: "api", workers: 8, serviceTime: .exponential(mean: 0.00001))])
        let simulation = Simulation(spec: spec)
        let result = simulation.run()
        #expect(result.limitHit == nil)
        #expect(result.clients[0].requests > 390_000)
        #expect(simulation.calendar.count <= 2 * Simulation.minimumCompactionThreshold)
    }

    @Test func removingStaleTimersChangesNoResult() {
        // The same run with stale timers removed whenever the calendar holds more than 8 events
        // (and twice what survived the last removal) and without removal (threshold out of
        // reach) gives identical results: removal keeps the (time, sequence) order.
        func run(threshold: Int) -> SimulationResult {
            let spec = ScenarioSpec(
                name: "stale", duration: SimTime(seconds: 5),
                clients: [
                    ClientSpec(
                        name: "users", target: "api", arrival: .poisson(rate: 2_000), timeout: SimTime(seconds: 0.05),
                        retry: RetrySpec(maxAttempts: 3, backoff: BackoffSpec(base: SimTime(seconds: 0.01), jitter: .full)))
                ],
                services: [ServiceSpec(name: "api", workers: 4, serviceTime: .exponential(mean: 0.002))])
            let simulation = Simulation(spec: spec)
            simulation.compactionThreshold = threshold
            simulation.compactionFloor = threshold
            let result = simulation.run()
            return result
        }
        let compacted = run(threshold: 8)
        let plain = run(threshold: .max)
        #expect(compacted.clients == plain.clients)
        #expect(compacted.services == plain.services)
        #expect(compacted.timeSeries == plain.timeSeries)
    }

    @Test func aClosedLoopPopulationIsClampedInsteadOfTrapping() {
        // Int(1e300) traps; validation refuses such a factor, and the model clamps regardless.
        #expect(Simulation.population(users: 10, factor: 1e300) == Simulation.maximumUsers)
        #expect(Simulation.population(users: 10, factor: .infinity) == Simulation.maximumUsers)
        #expect(Simulation.population(users: 10, factor: 2.5) == 25)
        #expect(Simulation.population(users: 10, factor: 1e-300) == 0)
    }

    @Test func spikesThatUnderflowRestoreTheBaseRateWhenTheyEnd() {
        // Two overlapping x1e-200 spikes underflow to a factor of 0; multiplying and dividing
        // back (0 / 1e-200 = 0) would leave the client silent for good. After both end it runs
        // at its base rate again: the measured half sees as many requests as with no spikes.
        func requests(spiked: Bool) -> Int {
            let spike = { (at: Double) in
                TimelineEventSpec(
                    at: SimTime(seconds: at), duration: SimTime(seconds: 0.5), action: .loadSpike(client: "users", factor: 1e-200))
            }
            let spec = ScenarioSpec(
                name: "underflow", duration: SimTime(seconds: 20), warmup: SimTime(seconds: 10),
                clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 10))],
                services: [ServiceSpec(name: "api", workers: 4, serviceTime: .constant(value: 0.001))],
                timeline: spiked ? [spike(1), spike(1.2)] : [])
            return Simulation(spec: spec).run().clients[0].requests
        }
        let base = requests(spiked: false)
        #expect(base >= 100)
        #expect(requests(spiked: true) == base)
    }

    @Test func aWindowOfAFewNanosecondsIsOneBucketPerNanosecond() {
        // A breaker window of 3 ns used to fail a precondition (fewer nanoseconds than buckets).
        var window = SlidingWindow(span: SimTime(nanoseconds: 3))
        window.add(first: 1, at: SimTime(nanoseconds: 10))
        window.add(first: 1, at: SimTime(nanoseconds: 12))
        #expect(window.sums(at: SimTime(nanoseconds: 12)).first == 2)
        // Three one-nanosecond buckets: at 13 ns the bucket of 10 ns has left the window.
        #expect(window.sums(at: SimTime(nanoseconds: 13)).first == 1)
        var single = SlidingWindow(span: SimTime(nanoseconds: 1))
        single.add(first: 1, at: SimTime(nanoseconds: 5))
        #expect(single.sums(at: SimTime(nanoseconds: 5)).first == 1)
        #expect(single.sums(at: SimTime(nanoseconds: 6)).first == 0)
    }

    @Test func aBreakerWithANanosecondWindowRuns() {
        let spec = ScenarioSpec(
            name: "breaker", duration: SimTime(seconds: 5),
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 100),
                    circuitBreaker: CircuitBreakerSpec(
                        failureRatio: 0.5, minRequests: 1, window: SimTime(nanoseconds: 1), openFor: SimTime(seconds: 1),
                        halfOpenProbes: 1),
                    adaptiveThrottle: AdaptiveThrottleSpec(k: 2, window: SimTime(nanoseconds: 7)))
            ],
            services: [ServiceSpec(name: "api", serviceTime: .exponential(mean: 0.001))])
        let result = Simulation(spec: spec).run()
        #expect(result.limitHit == nil)
        #expect(result.clients[0].requests > 0)
    }
}

extension RunLimitTests {
    /// Closed-loop users that neither think nor wait for service loop at one instant: each wakes,
    /// its request is served in no time, and it wakes again, so simulated time never moves. The
    /// run stops once that many counted events in a row happened at that instant, with its
    /// partial results, instead of spinning until the event budget (2 x 10^9 events at time 0
    /// took 170 s in a release build).
    static func zenoLoop(users: Int, service: Distribution = .constant(value: 0)) -> ScenarioSpec {
        ScenarioSpec(
            name: "zeno", duration: SimTime(seconds: 60),
            clients: [ClientSpec(name: "users", target: "api", arrival: .closed(users: users, think: .constant(value: 0)))],
            services: [ServiceSpec(name: "api", workers: users, serviceTime: service)])
    }

    @Test func aLoopWithNoDelayStopsWhereTimeStoodStill() throws {
        let result = Simulation(spec: Self.zenoLoop(users: 10)).run(standStill: 50_000)
        #expect(result.limitHit == .timeStoodStill(events: 50_000, at: .zero))
        #expect(result.eventCount == 50_000)
        #expect(result.endSeconds == 0)
        let message = try #require(result.limitHit?.message)
        #expect(message.hasPrefix("the run stopped at 0s of simulated time: 50000 counted events in a row happened at that same instant"))
        // With progress reports in smaller chunks, the clock is still read at every 50,000
        // events, so the run stops at the same event (StandStillTests: a stall that starts
        // between two readings).
        var reports = 0
        let chunked = Simulation(spec: Self.zenoLoop(users: 10)).run(progressEvery: 7_000, progress: { _ in reports += 1 }, standStill: 50_000)
        #expect(chunked.limitHit == .timeStoodStill(events: 50_000, at: .zero))
        #expect(chunked.eventCount == result.eventCount)
        #expect(reports == 8)
    }

    /// A loop that moves time on, however little, is not stuck: one nanosecond of service.
    @Test func aLoopThatMovesTimeOnIsNotStopped() throws {
        let result = Simulation(spec: Self.zenoLoop(users: 10, service: .constant(value: 1e-9)))
            .run(limits: RunLimits(maxEvents: 200_000), standStill: 50_000)
        #expect(result.limitHit == .eventBudget(events: 200_000, at: result.limitHit?.at ?? .zero))
        #expect((result.limitHit?.at ?? .zero) > .zero)
    }

    /// Many users waking at one instant is no loop: below the bound, the run goes on.
    @Test func aBurstAtOneInstantBelowTheBoundIsNotStopped() throws {
        let result = Simulation(spec: Self.zenoLoop(users: 1_000, service: .constant(value: 1)))
            .run(limits: RunLimits(maxEvents: 100_000), standStill: 1_001)
        #expect(result.limitHit?.at != .zero)
    }
}

/// The early stop at the pace of the run so far (`RunLimits.stopEarlyOverBudget`): a loop with a
/// tiny delay (closed-loop users that think and are served in a microsecond) is not stuck, so the
/// stand-still stop never fires, and it would run minutes until the event budget (a 1 us loop of
/// 1,000 users over an hour: 2 x 10^9 events in 3 min of CPU, release build).
extension RunLimitTests {
    /// A constant-rate client at 1,000/s served in 1 ms by one worker: two counted events per
    /// request, about 2,000 per simulated second, so about 200,000 over its 100 s.
    static func steadyPace() -> ScenarioSpec {
        ScenarioSpec(
            name: "steady", duration: SimTime(seconds: 100),
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 1_000))],
            services: [ServiceSpec(name: "api", workers: 1, serviceTime: .constant(value: 0.001))])
    }

    @Test func aTinyDelayLoopStopsEarlyAtItsPace() throws {
        let spec = ScenarioSpec(
            name: "tiny", duration: SimTime(seconds: 3_600),
            clients: [ClientSpec(name: "users", target: "api", arrival: .closed(users: 10, think: .constant(value: 1e-6)))],
            services: [ServiceSpec(name: "api", workers: 10, serviceTime: .constant(value: 1e-6))])
        let result = Simulation(spec: spec)
            .run(limits: RunLimits(maxEvents: 1_000_000, stopEarlyOverBudget: true), standStill: 10_000)
        guard case .paceOverBudget(let events, let projected, let budget, let end, let at)? = result.limitHit else {
            Issue.record("expected an early stop, got \(String(describing: result.limitHit))")
            return
        }
        // It stops at the first reading of the clock, with its partial results up to there.
        #expect(events == 10_000 && result.eventCount == 10_000)
        #expect(budget == 1_000_000 && end == SimTime(seconds: 3_600))
        #expect(at > .zero && result.endSeconds == at.seconds)
        // The projection is the pace since time 0 carried to the end: events x end / now.
        #expect(abs(projected - 10_000 * 3_600 / at.seconds) <= 1e-9 * projected)
        let message = try #require(result.limitHit?.message)
        #expect(message.hasPrefix("the run stopped early at \(at.description) of simulated time, after 10000 counted events"))
        #expect(message.contains("more than 2 times the event budget of 1000000"))
        #expect(message.contains("--max-events"))
        // Without the early stop (the user gave --max-events), the same run goes to its budget.
        let toBudget = Simulation(spec: spec).run(limits: RunLimits(maxEvents: 1_000_000), standStill: 10_000)
        #expect(toBudget.limitHit == .eventBudget(events: 1_000_000, at: toBudget.limitHit?.at ?? .zero))
    }

    /// A projection past what digits show exactly reads "more than 10^15", never "about more
    /// than"; one within them reads "about N".
    @Test func theEarlyStopsProjectionReadsAsAnEstimate() {
        let huge = RunLimitHit.paceOverBudget(events: 100, projected: 3e18, budget: 1_000, end: SimTime(seconds: 3_600), at: SimTime(seconds: 1))
        #expect(huge.message.contains("would take more than 10^15 counted events"), "\(huge.message)")
        #expect(!huge.message.contains("about more"))
        let small = RunLimitHit.paceOverBudget(events: 100, projected: 360_000, budget: 1_000, end: SimTime(seconds: 3_600), at: SimTime(seconds: 1))
        #expect(small.message.contains("would take about 360000 counted events"), "\(small.message)")
    }

    /// The margin: a run stops early only when its pace needs more than twice the budget. The
    /// steady run needs about 200,000 events: with a budget of 90,000 (twice is 180,000) it stops
    /// at the first reading; with 110,000 (twice is 220,000) it runs on to the budget itself.
    @Test func theEarlyStopKeepsItsMarginOfTwice() throws {
        let early = Simulation(spec: Self.steadyPace())
            .run(limits: RunLimits(maxEvents: 90_000, stopEarlyOverBudget: true), standStill: 10_000)
        guard case .paceOverBudget(let events, let projected, _, _, _)? = early.limitHit else {
            Issue.record("expected an early stop, got \(String(describing: early.limitHit))")
            return
        }
        #expect(events == 10_000)
        #expect(abs(projected - 200_000) < 100)

        let onward = Simulation(spec: Self.steadyPace())
            .run(limits: RunLimits(maxEvents: 110_000, stopEarlyOverBudget: true), standStill: 10_000)
        #expect(onward.limitHit == .eventBudget(events: 110_000, at: onward.limitHit?.at ?? .zero))
    }

    /// A run that fits its budget is not touched: the same result, to the bit, with the early
    /// stop on or off, read every 10,000 events along the way.
    @Test func aRunThatFitsItsBudgetIsNotChangedByTheEarlyStop() throws {
        let on = Simulation(spec: Self.steadyPace())
            .run(limits: RunLimits(maxEvents: 1_000_000, stopEarlyOverBudget: true), standStill: 10_000)
        let off = Simulation(spec: Self.steadyPace())
            .run(limits: RunLimits(maxEvents: 1_000_000), standStill: 10_000)
        #expect(on.limitHit == nil)
        #expect(on.eventCount == off.eventCount && on.eventCount > 190_000)
        #expect(on.clients == off.clients && on.services == off.services)
        #expect(on.endSeconds == off.endSeconds)
    }

    /// The event log's bound names the likely cause by the kind of entries that filled it: a
    /// timeline's own fault entries read "changed state over and over (a circuit breaker's
    /// open_for ...?)", a cause the run did not have; and one entry read "1 entries".
    @Test func theEventLogBoundNamesACauseThatFitsTheEntries() {
        func message(_ kind: String, _ count: Int) -> String {
            RunLimitHit.eventLog(count: count, top: LoggedEventCount("users", kind, count), at: SimTime(seconds: 5)).message
        }
        let fault = message("fault_started", 1)
        #expect(fault.contains("with 1 entry in its event log"), "\(fault)")
        #expect(fault.contains("the most, 1, is a fault_started entry of 'users', which the timeline's own events wrote"), "\(fault)")
        #expect(!fault.contains("over and over"), "\(fault)")
        #expect(message("setting_changed", 40).contains("which the timeline's own events wrote: raise --max-log-entries"))
        let breaker = message("breaker_opened", 500)
        #expect(breaker.contains("the most, 500, are breaker_opened entries of 'users', which changed state over and over (a circuit breaker"), "\(breaker)")
        #expect(message("instance_ejected", 9).contains("a health check's interval or an outlier detection's ejection time"))
        #expect(message("scaled", 9).contains("an autoscaler whose interval"))
        // Turned-down ejections flood the log under overload, not with a tiny interval.
        #expect(message("outlier_not_ejected", 99_998).contains("at its max_ejection_percent, turned down an ejection over and over"))
        #expect(message("instance_booting", 9).contains("whose instances were replaced over and over (an autoscaler scaling, "))
        // Every kind has its cause or none; none is told as a breaker's but the breaker's own.
        for kind in RunEventKind.allCases {
            let text = message(kind.rawValue, 2)
            #expect(text.contains("a circuit breaker whose open_for") == kind.rawValue.hasPrefix("breaker_"), "\(kind): \(text)")
        }
    }
}
