import SatsimCore
@testable import SatsimModel
@testable import SatsimScenario
import Testing

/// The defaults a scenario gets when it leaves a server-side key out, against the published
/// defaults of the mechanism each key is named after.
///
/// Sources: Envoy's OutlierDetection API reference (api/envoy/config/cluster/v3/
/// outlier_detection.proto): consecutive_5xx "Defaults to 5", interval "Defaults to 10000ms or
/// 10s", base_ejection_time "Defaults to 30000ms or 30s", max_ejection_percent "Defaults to 10%",
/// max_ejection_time "the default value (300000ms or 300s) or base_ejection_time value is
/// applied, whatever is larger". Kubernetes' HPAScalingRules (autoscaling/v2):
/// stabilizationWindowSeconds "For scale up: 0 ... For scale down: 300"; kube-controller-manager
/// `--horizontal-pod-autoscaler-tolerance` 0.1. Kubernetes' Probe (core/v1): failureThreshold
/// "Defaults to 3".
@Suite("Server-side defaults, as published")
struct ServerSideDefaultTests {
    static func services(_ block: String) throws -> ServiceSpec {
        let text = """
            name: defaults
            description: Every server-side block with only its required keys.
            duration: 1m
            clients:
              users: { target: api, arrival: { process: poisson, rate: 10/s } }
            services:
              api:
                instances: 2
                workers: 1
                service_time: { dist: constant, value: 1ms }
            \(block)

            """
        let spec = try ScenarioLoader.parse(text: text, file: "defaults.yaml")
        return try #require(spec.services.first)
    }

    @Test("outlier_detection: 5 errors in a row, reviews every 10 s, 30 s base ejection, 10% at most, 300 s longest (Envoy)")
    func outlierDefaults() throws {
        let api = try Self.services("    outlier_detection: {}")
        let od = try #require(api.outlierDetection)
        #expect(od.consecutiveErrors == 5)
        #expect(od.interval == SimTime(seconds: 10))
        #expect(od.baseEjectionTime == SimTime(seconds: 30))
        #expect(od.maxEjectionPercent == 10)
        #expect(Simulation.maxEjectionTime(od) == SimTime(seconds: 300).nanoseconds)
        // "whatever is larger": a base of 400 s makes the longest ejection 400 s.
        let long = try #require(try Self.services("    outlier_detection: { base_ejection_time: 400s }").outlierDetection)
        #expect(Simulation.maxEjectionTime(long) == SimTime(seconds: 400).nanoseconds)
    }

    @Test("hpa: scale-down window 300 s, scale-up window 0 s, tolerance 0.1 (Kubernetes)")
    func hpaDefaults() throws {
        let api = try Self.services("""
                autoscaler: { policy: hpa, metric: utilization, target: 0.5, min: 1, max: 10 }
            """)
        let scaler = try #require(api.autoscaler)
        #expect(scaler.scaleInCooldown == SimTime(seconds: 300))
        #expect(scaler.scaleOutCooldown == .zero)
        #expect(scaler.interval == SimTime(seconds: 15))  // --horizontal-pod-autoscaler-sync-period
        #expect(HPAPolicy.tolerance == 0.1)
    }

    @Test("health_check: 3 failures in a row mark an instance unhealthy (Kubernetes' failureThreshold)")
    func healthCheckDefaults() throws {
        let api = try Self.services("""
                health_check: { interval: 10s, timeout: 1s }
            """)
        let check = try #require(api.healthCheck)
        #expect(check.unhealthyAfter == 3)
    }
}
