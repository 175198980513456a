import SatsimCore
import SatsimModel
@testable import SatsimScenario
import Testing

/// `balancer: power_of_two` against Envoy's least request balancer with its default
/// choice_count of 2 (source/extensions/load_balancing_policies/least_request,
/// `LeastRequestLoadBalancer::unweightedHostPick`: each of the two choices is
/// `hosts[random() % hosts.size()]`, drawn independently, and a later choice replaces the
/// candidate only with strictly fewer active requests; the architecture overview, "Weighted
/// least request": "selects N random available hosts ... and picks the host which has the fewest
/// active requests"), which is Mitzenmacher's power of two choices with both bins drawn
/// independently and uniformly at random.
@Suite("Balancer definitions")
struct BalancerDefinitionTests {
    @Test("power_of_two draws both choices independently: with two instances, one stuck, a quarter of the picks still land on it")
    func powerOfTwoDrawsWithReplacement() throws {
        // Instance 0 of 2 paused from 5 s to 15 s: whatever reaches it then waits past the 1 s
        // timeout. Once it holds more than the other, only the draws (0, 0) pick it: a share of
        // 1/4 of the attempts. Drawing two distinct instances would never pick it again.
        let text = """
            name: p2c
            description: Two instances, one stuck.
            duration: 16s
            seed: 11
            clients:
              users:
                target: api
                arrival: { process: constant, rate: 100/s }
                timeout: 1s
            services:
              api:
                instances: 2
                workers: 4
                service_time: { dist: constant, value: 1ms }
                queue: { capacity: 100000 }
                balancer: power_of_two
            timeline:
              - { at: 5s, for: 10s, kind: pause, service: api, count: 1 }

            """
        let result = Simulation(spec: try ScenarioLoader.parse(text: text, file: "p2c.yaml")).run()
        let timeouts = try #require(result.clients.first?.attemptOutcomes["timeout"])
        // Attempts sent in [5 s, 14 s): 900, each landing on the stuck instance with probability
        // 1/4 (less at the very start, while the two are tied, at most a few attempts). A
        // binomial(900, 1/4): mean 225, sd 13; 4.4 sd (a two-sided 1e-5 interval) is +-57.
        #expect(abs(Double(timeouts) - 225) <= 57, "\(timeouts) timeouts")
    }
}
