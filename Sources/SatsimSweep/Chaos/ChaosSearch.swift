import SatsimCore
import SatsimModel
import SatsimScenario

/// The plan of `satsim chaos`: the baseline (no fault) and every combination of 1 ...
/// `maxTogether` of the scenario's `chaos.faults`, each a point of a ``SweepPlan`` run on common
/// random numbers (replication r of every point has the same seed), so that two combinations
/// differ only by their faults, run by run.
///
/// Point 0 is the baseline; then the combinations by size, and within a size in lexicographic
/// order of the fault indices (0+1, 0+2, ..., 1+2, ...). A point's column `faults` is its indices
/// joined by `+` (`baseline` for none), the key its runs are stored under.
public struct ChaosSearch: Sendable {
    /// The scenario, its `chaos` block removed from the runs.
    public let base: ScenarioSpec
    public let chaos: ChaosSpec
    /// `combinations[p]`: the fault indices of point p, ascending; `[]` for the baseline.
    public let combinations: [[Int]]
    public let plan: SweepPlan

    /// The column that names each point.
    public static let column = "faults"

    /// - Parameters:
    ///   - maxTogether: overrides `chaos.max_together` (`--max-together`), clamped to the faults.
    ///   - replications: overrides `chaos.replications`.
    ///   - source: a digest of the scenario file's text, part of the plan's identity.
    public init(spec: ScenarioSpec, chaos: ChaosSpec, maxTogether: Int?, replications: Int?, source: String, context: [String] = []) {
        var base = spec
        base.chaos = nil
        self.base = base
        self.chaos = chaos
        // A fault switched off (`enabled: false`) keeps its index but joins no combination.
        let enabled = chaos.faults.filter(\.event.enabled).count
        let k = min(maxTogether ?? chaos.maxTogether, enabled)
        combinations = [[]] + (1...max(1, k)).flatMap {
            Self.subsets(of: chaos.faults.count, size: $0).filter { $0.allSatisfy { chaos.faults[$0].event.enabled } }
        }
        let points = combinations.enumerated().map { index, faults in
            let name = Self.name(faults)
            return SweepPoint(index: index, values: [name], overrides: [ScalarOverride(path: "chaos.faults", value: name)])
        }
        let faultLines = chaos.faults.enumerated().map {
            ChaosOutline.faultLine(index: $0, label: $1.label, at: chaos.at, offset: $1.event.at)
        }
        var plan = SweepPlan(
            scenario: spec.name, baseSeed: spec.seed, columns: [Self.column], points: points,
            replications: replications ?? chaos.replications,
            figures: [SweepFigure(.successesAfter(chaos.at))] + SweepFigure.all(for: base),
            context: context + faultLines + (source.isEmpty ? [] : ["source \(source)"]))
        plan.commonSeeds = true
        plan.description = spec.description
        self.plan = plan
    }

    /// What the outputs need of the search (``ChaosOutline/init(layout:)`` reads the same back
    /// from its store).
    public var outline: ChaosOutline {
        var outline = ChaosOutline(scenario: base.name, at: chaos.at, labels: chaos.faults.map(\.label), combinations: combinations,
                                   replications: plan.replications)
        outline.description = plan.description
        return outline
    }

    /// The scenario of point `index`: the base with the point's faults added to its timeline,
    /// each started at chaos.at + its own offset.
    ///
    /// A `set` among them puts in force the settings the scenario loader resolved for the
    /// point's `set` faults together with the file's own (``ChaosSpec/resolvedSettings``): the
    /// file's events and the point's `set` faults take their resolution from there.
    public func spec(of index: Int) -> ScenarioSpec {
        var spec = base
        let faults = combinations[index]
        spec.timeline += faults.map { chaos.faults[$0].scheduled(after: chaos.at) }
        let sets = faults.filter { fault in
            if case .set = chaos.faults[fault].event.action { return true }
            return false
        }
        guard !sets.isEmpty, let resolved = chaos.resolvedSettings[sets] else { return spec }
        // `resolved` covers the file's events, then `sets` in order.
        let fileEvents = base.timeline.count
        for i in 0..<min(fileEvents, resolved.count) { spec.timeline[i].resolved = resolved[i] }
        for (k, fault) in sets.enumerated() where fileEvents + k < resolved.count {
            guard let position = faults.firstIndex(of: fault) else { continue }
            spec.timeline[fileEvents + position].resolved = resolved[fileEvents + k]
        }
        return spec
    }

    /// `0+2`, or `baseline` for no fault.
    public static func name(_ faults: [Int]) -> String {
        faults.isEmpty ? "baseline" : faults.map(String.init).joined(separator: "+")
    }

    /// Every subset of 0..<n of `size` elements, each ascending, in lexicographic order.
    public static func subsets(of n: Int, size: Int) -> [[Int]] {
        guard size > 0, size <= n else { return [] }
        var result: [[Int]] = []
        var current: [Int] = []
        func extend(from start: Int) {
            if current.count == size {
                result.append(current)
                return
            }
            // Leave room for the elements still to choose.
            for i in start...(n - (size - current.count)) {
                current.append(i)
                extend(from: i + 1)
                current.removeLast()
            }
        }
        extend(from: 0)
        return result
    }
}
