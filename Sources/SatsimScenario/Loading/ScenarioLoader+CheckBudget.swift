import SatsimModel

extension ScenarioLoader {
    /// The most YAML nodes decoded, in all, to check a file's variants, sweep values and timeline
    /// `set` events (each check decodes the whole file once, `set` events up to three times: on
    /// their own, and the settings in force when they start and end), and chaos `set` faults (on
    /// their own, then the settings in force for every subset of them). A scenario of a few hundred
    /// nodes with dozens of them uses a few thousand; without a bound, a file of thousands of
    /// variants beside a timeline of thousands of events took hours to validate.
    public static let maximumCheckedNodes = 2_000_000

    /// A diagnostic when checking the overlays of `spec` would decode more than
    /// ``maximumCheckedNodes`` nodes, located at the first overlay past the budget; nil otherwise.
    static func checkBudget(
        _ spec: ScenarioSpec, original: YAMLNode, positions: PositionIndex, skipping selected: String?, alternatives: Bool = true
    ) -> Diagnostic? {
        let nodes = nodeCount(original)
        let sweepNodes = original["sweep"].map(nodeCount) ?? 0
        // (path of the overlay, nodes decoded to check it), in file order of kind.
        var checks: [(path: String, nodes: Int)] = []
        for variant in spec.variants where alternatives && variant.name != selected {
            checks.append(("variants.\(variant.name)", nodes))
        }
        for (path, values) in alternatives ? spec.sweep?.vary ?? [] : [] {
            for index in values.indices { checks.append(("sweep.vary.\(path).\(index)", nodes - sweepNodes)) }
        }
        for (index, event) in spec.timeline.enumerated() {
            guard case .set = event.action else { continue }
            checks.append(("timeline.\(index)", nodes * (event.enabled ? 3 : 1)))
        }
        if let chaos = spec.chaos {
            // Each chaos `set` on its own, as a timeline `set`; then the settings in force for
            // every subset of the enabled ones (resolveChaosSettings): a subset of k among s
            // faults, with f enabled `set` events in the file, decodes up to 2 (f + k) moments.
            let sets = chaos.faults.indices.filter { if case .set = chaos.faults[$0].event.action { true } else { false } }
            for index in sets { checks.append(("chaos.faults.\(index)", nodes)) }
            let enabled = sets.filter { chaos.faults[$0].event.enabled }
            if let first = enabled.first, enabled.count <= maximumChaosSets {
                let fileSets = spec.timeline.filter { if case .set = $0.action { $0.enabled } else { false } }.count
                let s = enabled.count
                let decodes = 2 * (((1 << s) - 1) * fileSets + s * (1 << (s - 1)))
                checks.append(("chaos.faults.\(first)", nodes * decodes))
            }
        }
        var total = 0
        for check in checks {
            total += check.nodes
            guard total > maximumCheckedNodes else { continue }
            let counts = "\(spec.variants.count) variants, \(spec.sweep?.vary.reduce(0) { $0 + $1.values.count } ?? 0) sweep values "
                + "and \(spec.timeline.filter { if case .set = $0.action { return true } else { return false } }.count) `set` events"
                + (spec.chaos.map { chaos in
                    let n = chaos.faults.filter { if case .set = $0.event.action { true } else { false } }.count
                    return n > 0 ? " (and \(n) chaos `set` faults, resolved for every subset of them)" : ""
                } ?? "")
            return Diagnostic(
                at: positions.key(check.path), path: check.path,
                "the file has \(nodes) YAML nodes and \(counts); each of them is checked by decoding the whole file, "
                    + "more than \(maximumCheckedNodes) nodes in all; expected fewer of them, or a shorter file (a long timeline, say)")
        }
        return nil
    }

    /// The nodes of a tree: scalars, mappings (with their keys) and sequences.
    static func nodeCount(_ node: YAMLNode) -> Int {
        switch node.content {
        case .scalar: return 1
        case .mapping(let entries): return 1 + entries.reduce(0) { $0 + 1 + nodeCount($1.value) }
        case .sequence(let items): return 1 + items.reduce(0) { $0 + nodeCount($1) }
        }
    }
}
