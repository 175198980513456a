import SatsimCore
import SatsimTestSupport
import Testing

@testable import SatsimModel

/// The balancers' picks on their own, as balls thrown into bins: each pick adds one outstanding
/// request to the instance picked and none ever leaves, so the load an instance ends with is the
/// number of picks it got.
///
/// Sources: Envoy's load balancer docs (arch_overview/upstream/load_balancing/load_balancers):
/// round robin, "each available upstream host is selected in round robin order"; random, "selects
/// a random available host"; least request with its default choice_count of 2, "selects N
/// random available hosts ... and picks the host which has the fewest active requests", which is
/// the power of two choices (Mitzenmacher, "The Power of Two Choices in Randomized Load
/// Balancing", IEEE TPDS 12(10), 2001; Azar, Broder, Karlin and Upfal, "Balanced Allocations",
/// SIAM J. Computing 29(1), 1999): n balls into n bins, the fullest bin holds about
/// ln n / ln ln n balls when each picks one bin at random, but ln ln n / ln 2 + O(1) when each
/// picks the emptier of two.
@Suite("Balancer picks")
struct BalancerPickTests {
    /// A service of `instances` instances behind `balancer`, prepared so that every instance
    /// serves and none holds work.
    static func simulation(_ balancer: BalancerKind, instances: Int, seed: UInt64 = 1) -> Simulation {
        let spec = ScenarioSpec(
            name: "picks", duration: SimTime(seconds: 1), seed: seed,
            clients: [ClientSpec(name: "users", target: "api", arrival: .poisson(rate: 1))],
            services: [
                ServiceSpec(name: "api", instances: instances, workers: 1, serviceTime: .constant(value: 0.001), balancer: balancer)
            ])
        let simulation = Simulation(spec: spec)
        simulation.prepare()
        return simulation
    }

    /// Throws `balls` picks at the service and returns each instance's final load.
    static func throwBalls(_ simulation: Simulation, _ balls: Int) -> [Int] {
        for _ in 0..<balls {
            guard let pick = simulation.chooseInstance(service: 0) else { return [] }
            simulation.instances[pick].busy += 1
            // As the model does at every change of load: least_outstanding's tree learns it.
            simulation.loadChanged(FullPath.self, service: 0, instance: pick)
        }
        let first = simulation.services[0].firstInstance
        return (first..<(first + simulation.services[0].slotCount)).map { Int(simulation.instances[$0].busy) }
    }

    @Test("round_robin: every instance in turn, so k rounds give each exactly k")
    func roundRobinInTurn() {
        let simulation = Self.simulation(.roundRobin, instances: 5)
        let first = simulation.services[0].firstInstance
        let picks = (0..<15).compactMap { _ in simulation.chooseInstance(service: 0) }.map { $0 - first }
        #expect(picks == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
    }

    @Test("least_outstanding: the fewest outstanding requests always, so picks fill the emptiest instances first")
    func leastOutstandingFillsTheEmptiest() {
        // 999 instances holding 0, 1, 2, 0, 1, 2, ... requests (999 in all); 999 more picks,
        // each to an instance with the fewest, end with every instance at exactly 2. (Round
        // robin would end at 1, 2, 3, ...; random far above 3 somewhere.)
        let simulation = Self.simulation(.leastOutstanding, instances: 999)
        let first = simulation.services[0].firstInstance
        for k in 0..<999 {
            simulation.instances[first + k].busy = Int32(k % 3)
            simulation.loadChanged(FullPath.self, service: 0, instance: first + k)
        }
        let loads = Self.throwBalls(simulation, 999)
        #expect(loads.count == 999 && loads.allSatisfy { $0 == 2 }, "loads from \(loads.min() ?? -1) to \(loads.max() ?? -1)")
    }

    @Test("random: every instance equally likely (chi-square over 20 instances, 100,000 picks)")
    func randomIsUniform() {
        let loads = Self.throwBalls(Self.simulation(.random, instances: 20, seed: 3), 100_000)
        let test = PearsonChiSquare(counts: loads, probabilities: Array(repeating: 1.0 / 20, count: 20))
        // A two-sided 1e-6 level: the draws are fixed by the seed; a biased balancer fails by
        // far (one instance never picked alone makes chi2 about 5,000).
        #expect(test.pValue > 1e-6 && test.pValue < 1 - 1e-6, "\(test)")
    }

    /// n = 10,000 balls into n = 10,000 bins.
    ///
    /// Random: a bin's count is binomial(n, 1/n), P(>= 5) = 0.00366 (Poisson(1) tail). Bin counts
    /// are negatively associated (Dubhashi and Ranjan, 1998), so P(every bin < 5) <=
    /// (1 - 0.00366)^n = e^-36.6 = 1e-16: the fullest bin holds at least 5.
    ///
    /// Two choices: in the fluid limit (Mitzenmacher 2001, ds_i/dt = s_{i-1}^2 - s_i^2, s_0 = 1,
    /// to t = 1) the share of bins holding at least i balls is s_1 = 0.762, s_2 = 0.229,
    /// s_3 = 0.0089, s_4 = 6.0e-6, s_5 = 1.3e-12: n x s_5 = 1.3e-8 bins are expected to hold 5,
    /// so (Markov) the fullest bin holds at most 4 but with probability about 1e-8.
    @Test("power_of_two keeps the fullest of 10,000 bins at <= 4 where random reaches >= 5 (balls into bins)")
    func powerOfTwoBeatsRandom() {
        let n = 10_000
        let random = Self.throwBalls(Self.simulation(.random, instances: n, seed: 7), n)
        let twoChoices = Self.throwBalls(Self.simulation(.powerOfTwo, instances: n, seed: 7), n)
        #expect(random.reduce(0, +) == n && twoChoices.reduce(0, +) == n)
        #expect((random.max() ?? 0) >= 5, "random: fullest bin \(random.max() ?? -1)")
        #expect((twoChoices.max() ?? .max) <= 4, "power_of_two: fullest bin \(twoChoices.max() ?? -1)")
    }
    /// Envoy's least request with choice_count 2 draws its two hosts independently: in
    /// source/extensions/load_balancing_policies/least_request/least_request_lb.cc,
    /// `LeastRequestLoadBalancer::unweightedHostPickNChoices` takes `random() % hosts.size()`
    /// once per choice, so both choices may name the same host, and keeps the first unless a
    /// later one has strictly fewer active requests. (There is no full scan for small host sets
    /// unless selection_method is FULL_SCAN.) With loads fixed (nothing is added by a pick), the
    /// pick is the less loaded of two uniform draws: over loads 2, 1, 0 the busiest is picked
    /// only when both draws name it, 1/9; the middle one when both name one of the two busiest
    /// but not both the busiest, 4/9 - 1/9 = 3/9; the idle one 5/9. Over loads 1, 0: 1/4, 3/4.
    /// Two distinct draws would never pick the busiest (0 and 0), a scan neither.
    @Test("power_of_two: two independent draws, the same instance possibly twice: loads 2, 1, 0 picked 1/9, 3/9, 5/9; loads 1, 0 picked 1/4, 3/4",
          arguments: [[2, 1, 0], [1, 0]])
    func powerOfTwoDrawsIndependently(loads: [Int]) {
        let simulation = Self.simulation(.powerOfTwo, instances: loads.count, seed: 11)
        let first = simulation.services[0].firstInstance
        for (k, load) in loads.enumerated() { simulation.instances[first + k].busy = Int32(load) }
        var counts = Array(repeating: 0, count: loads.count)
        for _ in 0..<90_000 {
            guard let pick = simulation.chooseInstance(service: 0) else { return }
            counts[pick - first] += 1
        }
        let probabilities: [Double] = loads.count == 3 ? [1.0 / 9, 3.0 / 9, 5.0 / 9] : [0.25, 0.75]
        let test = PearsonChiSquare(counts: counts, probabilities: probabilities)
        #expect(test.pValue > 1e-6 && test.pValue < 1 - 1e-6, "picks \(counts): \(test)")
    }
}
