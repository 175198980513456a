import SatsimCore
import SatsimMetrics
@testable import SatsimModel
import Testing

@testable import SatsimAnalysis

/// Whom a timeline event concerns: the clients whose requests pass through what it acts on. A
/// course sentence measures the event's goodput on those clients alone, and a cause is weighed
/// by the share of the traffic its subject concerns.
@Suite("The clients an event concerns")
struct ConcernedClientTests {
    @Test("An event's goodput is every client's when every client reaches what it acts on, and the listed clients' otherwise")
    func concernedClients() {
        let spec = ScenarioSpec(
            name: "c", duration: SimTime(seconds: 60), seed: 1,
            clients: [
                ClientSpec(name: "web", target: "gateway", arrival: .poisson(rate: 10)),
                ClientSpec(name: "admin", target: "backoffice", arrival: .poisson(rate: 1)),
                ClientSpec(name: "jobs", target: "db", arrival: .poisson(rate: 1)),
            ],
            services: [
                ServiceSpec(name: "gateway", serviceTime: .constant(value: 0.01), calls: [CallSpec(service: "db")]),
                ServiceSpec(name: "backoffice", serviceTime: .constant(value: 0.01)),
                ServiceSpec(name: "db", serviceTime: .constant(value: 0.01)),
            ])
        let result = SimulationResult(
            scenario: "c", seed: 1, measuredSeconds: 60, clients: [], services: [], timeSeries: TimeSeries(columns: []), limitHit: nil,
            eventCount: 0, endSeconds: 60, events: [], successLatency: [])
        let data = StoryData(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        func names(_ action: TimelineAction, caller: String? = nil) -> [String] {
            let event = TimelineEventSpec(at: SimTime(seconds: 10), action: action, caller: caller)
            return spec.clients.filter { data.concerns(event, $0) }.map(\.name)
        }
        #expect(names(.kill(service: "db", count: 1)) == ["web", "jobs"])
        #expect(names(.outage(service: "backoffice", mode: .refuse)) == ["admin"])
        #expect(names(.errors(service: "db", ratio: 1), caller: "gateway") == ["web"])
        #expect(names(.set(ScalarOverride(path: "clients.admin.timeout", value: "1ms"))) == ["admin"])
        #expect(names(.set(ScalarOverride(path: "services.gateway.workers", value: "2"))) == ["web"])
        // A spike is felt by the clients that share a service with the spiked one.
        #expect(names(.loadSpike(client: "admin", factor: 2)) == ["admin"])
        #expect(names(.loadSpike(client: "jobs", factor: 2)) == ["web", "jobs"])
        #expect(Format.list(["a"]) == "a" && Format.list(["a", "b"]) == "a and b" && Format.list(["a", "b", "c"]) == "a, b and c")
    }

}
