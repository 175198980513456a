import SatsimCore
@testable import SatsimModel
import Testing

/// The exact boundaries of rules whose comparisons the other suites only pin from afar: each
/// test puts an event exactly on the boundary and one nanosecond short of it, so flipping the
/// comparison (< for <=, > for >=) fails it. Each rule is read from its primary source.
@Suite("Mechanism boundaries, from the primary sources")
struct SourceBoundaryTests {
    static let ms: Int64 = 1_000_000

    // MARK: - CoDel (RFC 8289)

    /// One dequeue instant: takes requests whose head waited `sojourn` ns while CoDel drops
    /// them (as `startWaiting` does, 100 requests behind the head), and returns how many it
    /// dropped before serving one.
    static func dequeue(_ codel: inout CoDel, at now: Int64, sojourn: Int64) -> Int {
        var dropped = 0
        while dropped < 1000, codel.shouldDrop(sojourn: sojourn, now: now, remaining: 100) { dropped += 1 }
        return dropped
    }

    /// RFC 8289 section 5.5 (`dequeue`, the branch that enters the dropping state):
    /// `if ((delta > 1) && (now - drop_next_ < 16 * INTERVAL)) count_ = delta;` otherwise
    /// count_ = 1. The comparison is strict: a re-entry exactly 16 intervals after the last
    /// drop_next starts again from count 1; one nanosecond sooner it keeps count - lastcount.
    @Test("CoDel re-entry: count - lastcount is kept only while now - drop_next < 16 x INTERVAL (strictly)", arguments: [0, 1] as [Int64])
    func codelSixteenIntervals(short: Int64) {
        var codel = CoDel()
        let high = 50 * Self.ms, low = Self.ms
        // Above target from 1000 ms: first drop at 1100 ms (count 1, drop_next 1200 ms), then
        // 1200 ms (count 2) and 1280 ms (count 3); drop_next moves on each time the request after
        // a drop is droppable too: 1200 + 100/sqrt(2), then + 100/sqrt(3) [ms, truncated to ns].
        #expect(Self.dequeue(&codel, at: 1000 * Self.ms, sojourn: high) == 0)
        #expect(Self.dequeue(&codel, at: 1100 * Self.ms, sojourn: high) == 1)
        #expect(Self.dequeue(&codel, at: 1200 * Self.ms, sojourn: high) == 1)
        #expect(Self.dequeue(&codel, at: 1280 * Self.ms, sojourn: high) == 1)
        // Below target: the dropping state ends with count 3, lastcount 1.
        #expect(Self.dequeue(&codel, at: 1290 * Self.ms, sojourn: low) == 0)
        let dropNext: Int64 = 1200 * Self.ms + Int64(1e8 / 2.0.squareRoot()) + Int64(1e8 / 3.0.squareRoot())
        #expect(dropNext == 1_328_445_704)
        // Re-entry at exactly drop_next + 16 intervals (or 1 ns before): the delay went above
        // target one interval earlier, so the first dequeue at `entry` may drop.
        let entry = dropNext + 16 * CoDel.interval - short
        #expect(Self.dequeue(&codel, at: entry - CoDel.interval, sojourn: high) == 0)
        #expect(Self.dequeue(&codel, at: entry, sojourn: high) == 1)
        // delta = 3 - 1 = 2. Kept (count 2), the next drop comes 100/sqrt(2) = 70.7 ms later;
        // restarted (count 1), 100 ms later. A dequeue 80 ms after the entry tells them apart.
        let dropsAt80 = Self.dequeue(&codel, at: entry + 80 * Self.ms, sojourn: high)
        #expect(dropsAt80 == (short == 0 ? 0 : 1), "now - drop_next = 16 x INTERVAL - \(short) ns")
    }

    // MARK: - Envoy outlier detection

    /// A prepared simulation of 4 instances with outlier detection (5 errors in a row, interval
    /// 1 s, base 3 s, every instance may go), and the slot of its instance 2.
    static func outlierSimulation() -> (Simulation, Int) {
        let spec = ScenarioSpec(
            name: "outlier-boundary", duration: SimTime(seconds: 60), seed: 1,
            clients: [ClientSpec(name: "users", target: "api", arrival: .constant(rate: 1))],
            services: [
                ServiceSpec(
                    name: "api", instances: 4, workers: 1, serviceTime: .constant(value: 0.001),
                    outlierDetection: OutlierDetectionSpec(
                        consecutiveErrors: 5, interval: SimTime(seconds: 1), baseEjectionTime: SimTime(seconds: 3), maxEjectionPercent: 100))
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        return (simulation, simulation.services[0].firstInstance + 2)
    }

    /// Five errors in a row from `instance` at `time` [ns]: ejects it there.
    static func eject(_ simulation: Simulation, _ instance: Int, at time: Int64) {
        simulation.now = SimTime(nanoseconds: time)
        for _ in 0..<5 {
            let (a, _) = simulation.attempts.acquire(request: 0, requestGeneration: 0, service: 0)
            simulation.attempts.rows[Int(a)].instance = Int32(instance)
            simulation.observeOutlier(a, success: false)
            simulation.attempts.slots.release(a)
        }
    }

    /// An interval review at `time` [ns] (called directly, at any instant).
    static func review(_ simulation: Simulation, at time: Int64) {
        simulation.now = SimTime(nanoseconds: time)
        simulation.outlierReview(service: 0, generation: simulation.chaos.reviewGeneration[0])
    }

    /// Envoy, source/common/upstream/outlier_detection_impl.cc, `DetectorImpl::checkHostForUneject`:
    /// `if ((min(base_eject_time * monitor->ejectTimeBackoff(), max_eject_time) + jitter) <=
    /// (now - monitor->lastEjectionTime().value())) unejectHost(host);` (jitter defaults to 0):
    /// a review that finds the ejection has lasted exactly its time returns the host.
    @Test("outlier ejection ends at a review where exactly min(base x m, max_ejection_time) has passed (<=)", arguments: [0, 1] as [Int64])
    func outlierUnejectsOnTheBoundary(short: Int64) {
        let (simulation, instance) = Self.outlierSimulation()
        Self.eject(simulation, instance, at: 2 * 1_000_000_000)
        #expect(simulation.instances[instance].outlierEjected)
        #expect(simulation.instances[instance].outlierBackoff == 1)
        // Base 3 s x m 1: due at 5 s.
        Self.review(simulation, at: 5 * 1_000_000_000 - short)
        #expect(simulation.instances[instance].outlierEjected == (short != 0), "review \(short) ns before the 3 s were up")
    }

    /// The same file, `DetectorImpl::onIntervalTimer`, after the returns: for each host not
    /// ejected, `if (monitor->lastUnejectionTime().has_value() && ((now -
    /// monitor->lastUnejectionTime().value()) >= interval)) { if (monitor->ejectTimeBackoff() != 0)
    /// monitor->ejectTimeBackoff()--; }`: a review exactly one interval after the return lowers the
    /// multiplier; one nanosecond sooner it does not (and a review at the return itself never does).
    @Test("outlier multiplier drops at a review exactly one interval after the return (>=), not sooner", arguments: [0, 1] as [Int64])
    func outlierBackoffDropsOnTheBoundary(short: Int64) {
        let second: Int64 = 1_000_000_000
        let (simulation, instance) = Self.outlierSimulation()
        Self.eject(simulation, instance, at: 2 * second)
        Self.review(simulation, at: 5 * second)
        #expect(!simulation.instances[instance].outlierEjected)
        #expect(simulation.instances[instance].outlierBackoff == 1, "lowered at the review that returned it")
        Self.review(simulation, at: 6 * second - short)
        #expect(simulation.instances[instance].outlierBackoff == (short == 0 ? 0 : 1), "review \(short) ns before an interval had passed")
    }
}
