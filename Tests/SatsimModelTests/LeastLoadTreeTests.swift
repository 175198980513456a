@testable import SatsimModel
import SatsimCore
import SatsimTestSupport
import Testing

/// The least-outstanding balancer's tree (`LeastLoadTree`) against the scan it replaced: the
/// fewest outstanding attempts, ties to the first at or after a rotating start, wrapping around.
/// The rule is nginx's `least_conn` and HAProxy's `leastconn` ("the server with the lowest number
/// of connections receives the connection"; round robin among equals), which the scan applied
/// to every instance the balancer may choose.
@Suite struct LeastLoadTreeTests {
    /// The scan, as `Simulation.chooseInstance(service:)` did it before the tree.
    static func scan(_ loads: [Int], from start: Int) -> Int {
        var best = start, bestLoad = loads[start]
        for k in 1..<max(loads.count, 1) {
            let j = (start + k) % loads.count
            if loads[j] < bestLoad { (best, bestLoad) = (j, loads[j]) }
        }
        return best
    }

    /// Lists of every length from 1 to 70 (powers of two and not), over slots that are partly
    /// listed, with loads changed one at a time: after each change the tree chooses what the
    /// scan chooses from every start.
    @Test func theTreeChoosesWhatTheScanChooses() {
        var rng = SplitMix64(seed: 7)
        for n in 1...70 {
            let slots = n + Int(rng.next() % 5)
            let first = 3
            // Which slots the balancer may choose, in index order (the others: ejected, booting).
            var listed = Array(first..<(first + slots)).filter { _ in rng.next() % 4 != 0 }
            if listed.count > n { listed.removeLast(listed.count - n) }
            if listed.isEmpty { listed = [first] }
            var load = [Int: Int]()
            for i in first..<(first + slots) { load[i] = Int(rng.next() % 4) }
            let tree = LeastLoadTree(firstInstance: first, slotCount: slots)
            tree.rebuild(listed) { load[$0]! }
            for step in 0..<200 {
                let i = first + Int(rng.next() % UInt64(slots))
                load[i] = max(0, load[i]! + Int(rng.next() % 3) - 1)
                tree.update(instance: i, load: load[i]!)
                let loads = listed.map { load[$0]! }
                let start = Int(rng.next() % UInt64(listed.count))
                #expect(tree.leastLoaded(from: start) == Self.scan(loads, from: start), "n \(n), step \(step), start \(start), loads \(loads)")
                if step % 50 == 0 {
                    for i in first..<(first + slots) {
                        #expect(tree.load(of: i) == (listed.contains(i) ? load[i] : nil))
                    }
                }
            }
        }
    }

    /// Ties rotate: with every load equal, the choice is the start itself, and after the start's
    /// load rises, the next one along (wrapping from the last position to the first).
    @Test func tiesGoToTheFirstFromTheStartAndWrap() {
        let tree = LeastLoadTree(firstInstance: 0, slotCount: 5)
        tree.rebuild([0, 1, 2, 3, 4]) { _ in 2 }
        for start in 0..<5 { #expect(tree.leastLoaded(from: start) == start) }
        tree.update(instance: 4, load: 3)
        #expect(tree.leastLoaded(from: 4) == 0)
        tree.update(instance: 1, load: 1)
        #expect(tree.leastLoaded(from: 2) == 1)
    }

    /// A service whose balancer list changes under it (kills, health checks, outlier ejections,
    /// a scale-out, pauses) keeps its tree equal to the live loads: `checkInvariants()` compares
    /// every leaf with busy + queued after every slice of the run.
    @Test func theTreeFollowsTheLoadsThroughAChangingFleet() {
        let spec = ScenarioSpec(
            name: "least", duration: SimTime(seconds: 60), seed: 5,
            clients: [
                ClientSpec(
                    name: "users", target: "api", arrival: .poisson(rate: 400), timeout: SimTime(seconds: 0.5),
                    retry: RetrySpec(maxAttempts: 3))
            ],
            services: [
                ServiceSpec(
                    name: "api", instances: 8, workers: 2, serviceTime: .exponential(mean: 0.03),
                    queue: QueueSpec(capacity: 20, timeout: SimTime(seconds: 0.2)), balancer: .leastOutstanding,
                    healthCheck: HealthCheckSpec(interval: SimTime(seconds: 1), timeout: SimTime(seconds: 0.1), unhealthyAfter: 2, healthyAfter: 1),
                    outlierDetection: OutlierDetectionSpec(consecutiveErrors: 3, interval: SimTime(seconds: 1)))
            ],
            timeline: [
                TimelineEventSpec(at: SimTime(seconds: 10), action: .kill(service: "api", count: 2)),
                TimelineEventSpec(at: SimTime(seconds: 20), duration: SimTime(seconds: 10), action: .errors(service: "api", ratio: 0.3)),
                TimelineEventSpec(at: SimTime(seconds: 35), action: .scale(service: "api", to: 12)),
                TimelineEventSpec(at: SimTime(seconds: 45), duration: SimTime(seconds: 5), action: .pause(service: "api", count: 3)),
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        var t = 0.0
        while t < 60 {
            t += 0.1
            _ = RunLoop.run(simulation, until: SimTime(seconds: t))
            simulation.checkInvariants()
        }
        #expect(simulation.services[0].loadTree != nil)
    }
}
