import SatsimCore
import SatsimModel

extension ScenarioLoader {
    /// Resolves every enabled timeline `set` into the settings it puts in force (see
    /// ``ResolvedSetting``). Each `set` alone has passed `checkOverlays` (which also refuses by
    /// name each path fixed for the run, ``MidRunRule``); here they are combined in time.
    ///
    /// `root` is the tree the run uses (variant and `--set` applied), `spec` its decoding. The
    /// settings in force at a time t are the tree with every enabled step `set` with at <= t and
    /// every enabled windowed one with at <= t < at + for applied, in order of `at`, then file
    /// order; each distinct moment is decoded once.
    ///
    /// `sources[i]`, when given, is where timeline event i was written (`timeline.3`, or
    /// `chaos.faults.1` for a chaos fault added to a combination's timeline): the positions and
    /// the paths of diagnostics come from there. By default event i is `timeline.i`.
    static func resolveSettings(
        _ spec: ScenarioSpec, root: YAMLNode, positions: PositionIndex, file: String, sources: [String]? = nil
    ) -> (ScenarioSpec, [Diagnostic]) {
        var problems: [Diagnostic] = []
        func source(_ index: Int) -> String {
            sources.flatMap { $0.indices.contains(index) ? $0[index] : nil } ?? "timeline.\(index)"
        }
        // Paths fixed for the run were refused by `checkOverlays`, which runs first.
        var sets: [(index: Int, event: TimelineEventSpec, override: ScalarOverride)] = []
        for (index, event) in spec.timeline.enumerated() {
            guard event.enabled, case .set(let override) = event.action else { continue }
            sets.append((index, event, override))
        }
        guard problems.isEmpty, !sets.isEmpty else { return (spec, problems) }

        /// The sets in force at `time`, in the order they apply.
        func inForce(at time: SimTime, before: Bool = false) -> [(index: Int, event: TimelineEventSpec, override: ScalarOverride)] {
            sets.filter { s in
                (before ? s.event.at < time : s.event.at <= time) && (s.event.duration.map { time < s.event.at + $0 } ?? true)
            }.sorted { ($0.event.at, $0.index) < ($1.event.at, $1.index) }
        }
        func tree(with active: [(index: Int, event: TimelineEventSpec, override: ScalarOverride)]) -> YAMLNode? {
            var changed = root
            for s in active {
                let overlay = Overlay(
                    path: s.override.path,
                    value: YAMLNode(content: .scalar(s.override.value, quoted: false), position: positions.value("\(source(s.index)).value")),
                    pathPosition: positions.value("\(source(s.index)).path"))
                if overlay.apply(to: &changed) != nil { return nil }
            }
            return changed
        }
        var snapshots: [SimTime: SettingsSnapshot] = [:]
        func snapshot(at time: SimTime, for index: Int) -> SettingsSnapshot? {
            if let known = snapshots[time] { return known }
            let active = inForce(at: time)
            guard let changed = tree(with: active) else { return nil }
            do throws(ScenarioError) {
                let (decoded, _) = try decodeAndValidate(changed, file: file)
                let result = SettingsSnapshot(clients: decoded.clients, services: decoded.services)
                snapshots[time] = result
                return result
            } catch {
                // Each set alone was checked by `checkOverlays`; this is a combination of them.
                let path = "\(source(index)).path"
                let others = active.map { source($0.index) }.joined(separator: ", ")
                for d in error.diagnostics {
                    problems.append(Diagnostic(at: positions.value(path), path: path,
                        "the settings in force at \(time.shortText) (\(others)) do not hold together: \(d.path): \(d.message)"))
                }
                return nil
            }
        }
        var resolved = spec
        for s in sets {
            guard let start = snapshot(at: s.event.at, for: s.index) else { continue }
            let end = s.event.duration.flatMap { snapshot(at: s.event.at + $0, for: s.index) }
            if s.event.duration != nil && end == nil { continue }
            let previous = tree(with: inForce(at: s.event.at, before: true)).flatMap { scalar(in: $0, at: s.override.path) }
            // What comes back at the end is what is in force then without this event, which a
            // set started during the window (or a window ended during it) makes differ from
            // `previous`: events.jsonl told "set back to" the value before it started.
            let restored = s.event.duration.flatMap { tree(with: inForce(at: s.event.at + $0)) }.flatMap { scalar(in: $0, at: s.override.path) }
            resolved.timeline[s.index].resolved = ResolvedSetting(atStart: start, atEnd: end, previousValue: previous, restoredValue: restored)
        }
        return (resolved, problems)
    }

    /// The most `set` faults `chaos.faults` may hold: the settings in force are resolved ahead of
    /// the search for every subset of them (any may meet in one combination), 2^n timelines.
    public static let maximumChaosSets = 8

    /// Resolves the settings that the enabled `set` faults of `chaos.faults` put in force, for
    /// every subset of them, as ``resolveSettings(_:root:positions:file:sources:)`` does for the
    /// file's own timeline: a combination's timeline is the file's, then its faults, each started
    /// at chaos.at + its offset, and the settings in force at a time combine the file's `set`
    /// events and the combination's. The results go to ``ChaosSpec/resolvedSettings``, keyed by
    /// the subset; ``ChaosSearch`` gives each combination the one of its `set` faults.
    static func resolveChaosSettings(
        _ spec: ScenarioSpec, root: YAMLNode, positions: PositionIndex, file: String
    ) -> (ScenarioSpec, [Diagnostic]) {
        guard var chaos = spec.chaos else { return (spec, []) }
        let setFaults = chaos.faults.indices.filter { index in
            guard chaos.faults[index].event.enabled, case .set = chaos.faults[index].event.action else { return false }
            return true
        }
        guard !setFaults.isEmpty else { return (spec, []) }
        guard setFaults.count <= maximumChaosSets else {
            let path = "chaos.faults.\(setFaults[maximumChaosSets]).kind"
            return (spec, [Diagnostic(at: positions.value(path), path: path,
                "found \(setFaults.count) enabled `set` faults, expected at most \(maximumChaosSets): the settings of every "
                + "combination of them are resolved before the search (2^\(setFaults.count) of them)")])
        }
        var problems: [Diagnostic] = []
        var resolved: [[Int]: [ResolvedSetting?]] = [:]
        for mask in 1..<(1 << setFaults.count) {
            let subset = setFaults.indices.filter { mask & (1 << $0) != 0 }.map { setFaults[$0] }
            var combined = spec
            combined.chaos = nil
            combined.timeline += subset.map { chaos.faults[$0].scheduled(after: chaos.at) }
            let sources = spec.timeline.indices.map { "timeline.\($0)" } + subset.map { "chaos.faults.\($0)" }
            let (result, found) = resolveSettings(combined, root: root, positions: positions, file: file, sources: sources)
            problems += found
            resolved[subset] = result.timeline.map(\.resolved)
        }
        chaos.resolvedSettings = resolved
        var withSettings = spec
        withSettings.chaos = chaos
        return (withSettings, problems)
    }

    /// The scalar text at a KEY.PATH of a tree, or nil when the file leaves it out.
    static func scalar(in root: YAMLNode, at path: String) -> String? {
        var node = root
        for segment in path.split(separator: ".").map(String.init) {
            if let entries = node.entries, let entry = entries.first(where: { $0.key == segment }) {
                node = entry.value
            } else if let items = node.items, let i = Int(segment), items.indices.contains(i) {
                node = items[i]
            } else {
                return nil
            }
        }
        return node.isNull ? nil : node.scalar
    }
}
