import SatsimCore
@testable import SatsimModel
import Testing

/// The ejection time of Envoy's outlier detection, `checkHostForUneject` in
/// source/common/upstream/outlier_detection_impl.cc: min(base_ejection_time x m,
/// max_ejection_time), where max_ejection_time is the configured one, or when absent
/// max(300 s, base_ejection_time) (`DetectorConfig`, and the OutlierDetection API reference:
/// "If not specified, the default value (300000ms or 300s) or base_ejection_time value is
/// applied, whatever is larger"); m grows while m x base < max + base (`ejectHost`).
@Suite("Outlier ejection time: min(base x m, max(max_ejection_time, base))")
struct OutlierEjectionTimeTests {
    static func seconds(_ backoff: Int32, base: Double, max: Double?) -> Double {
        let spec = OutlierDetectionSpec(baseEjectionTime: SimTime(seconds: base), maxEjectionTime: max.map { SimTime(seconds: $0) })
        return SimTime(nanoseconds: Simulation.ejectionTime(backoff: backoff, spec)).seconds
    }

    @Test("with and without max_ejection_time, m = 1...5")
    func formula() {
        let m: [Int32] = [1, 2, 3, 4, 5]
        #expect(m.map { Self.seconds($0, base: 100, max: nil) } == [100, 200, 300, 300, 300])
        #expect(m.map { Self.seconds($0, base: 100, max: 150) } == [100, 150, 150, 150, 150])
        #expect(m.map { Self.seconds($0, base: 100, max: 100) } == [100, 100, 100, 100, 100])
        #expect(m.map { Self.seconds($0, base: 100, max: 1000) } == [100, 200, 300, 400, 500])
        // A base above 300 s raises the default cap to the base.
        #expect(m.map { Self.seconds($0, base: 400, max: nil) } == [400, 400, 400, 400, 400])
        // A spec built in code with max < base (the loader refuses it) still lasts base.
        #expect(m.map { Self.seconds($0, base: 100, max: 50) } == [100, 100, 100, 100, 100])
    }

    @Test("the multiplier grows while m x base < max_ejection_time + base")
    func backoffGrowth() {
        let spec = OutlierDetectionSpec(baseEjectionTime: SimTime(seconds: 100), maxEjectionTime: SimTime(seconds: 150))
        // 1 x 100 < 250, 2 x 100 < 250, 3 x 100 is not.
        #expect((Int32(0)...4).map { Simulation.backoffMayGrow($0, spec) } == [true, true, true, false, false])
    }
}
