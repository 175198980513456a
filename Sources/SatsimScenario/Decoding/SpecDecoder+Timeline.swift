import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// One `timeline` item, or (with `shape: "FAULT"`) one `chaos.faults` item, whose `at`
    /// defaults to 0 and which may carry a `label` (read by ``chaos(_:)``).
    mutating func event(_ node: YAMLNode, _ path: String, shape: String = "EVENT") -> TimelineEventSpec? {
        let before = diagnostics.count
        guard let f = fields(node, path, shape: shape) else { return nil }
        let at = duration(f, "at")
        guard let entry = f.entries["kind"], let word = entry.value.scalar, schema.shape(shape)?.case(word) != nil,
              let kind = modelCase(word, TimelineKind.self, at: entry.value.position, f.child("kind"))
        else { return nil }
        let window = f.keys["for"] != nil ? duration(f, "for") : nil
        var action: TimelineAction?
        switch kind {
        case .loadSpike:
            if let client = text(f, "client"), let factor = number(f, "factor") { action = .loadSpike(client: client, factor: factor) }
        case .latency:
            if let service = text(f, "service"), let add = distribution(f, "add") { action = .latency(service: service, add: add) }
        case .errors:
            if let service = text(f, "service"), let ratio = number(f, "ratio") { action = .errors(service: service, ratio: ratio) }
        case .outage:
            if let service = text(f, "service"), let mode = choice(f, "mode", as: OutageMode.self) {
                action = .outage(service: service, mode: mode)
            }
        case .kill:
            if let service = text(f, "service"), let count = integer(f, "count") { action = .kill(service: service, count: count) }
        case .cacheFlush:
            if let service = text(f, "service") { action = .cacheFlush(service: service) }
        case .pause:
            if let service = text(f, "service"), let count = integer(f, "count") { action = .pause(service: service, count: count) }
        case .scale:
            if let service = text(f, "service"), let to = integer(f, "to") { action = .scale(service: service, to: to) }
        case .deploy:
            if let service = text(f, "service"), let batch = integer(f, "batch"), let every = duration(f, "every") {
                action = .deploy(service: service, batch: batch, every: every)
            }
        case .set:
            let target = text(f, "path")
            if let entry = f.entries["value"], entry.value.scalar == nil || entry.value.isNull {
                error(entry.value.position, f.child("value"), "found \(entry.value.foundDescription), expected a scalar value")
            }
            if let target, let value = f.entries["value"]?.value.scalar {
                action = .set(ScalarOverride(path: target, value: value))
            }
        }
        let enabled = boolean(f, "enabled") ?? true
        let caller = f.keys["caller"] != nil ? text(f, "caller") : nil
        let share = f.keys["share"] != nil ? number(f, "share") : nil
        guard diagnostics.count == before, let at, let action else { return nil }
        return TimelineEventSpec(at: at, duration: window, action: action, enabled: enabled, caller: caller, share: share)
    }
}
