import SatsimMetrics
import SatsimModel

/// The short label a chart writes above a timeline event (`load spike x2: users`).
enum TimelineLabel {
    static func short(_ action: TimelineAction) -> String {
        switch action {
        case .loadSpike(let client, let factor): return "load spike \u{00D7}\(ratio(factor)): \(client)"
        case .latency(let service, _): return "\(service) slower"
        case .errors(let service, let ratio): return "\(service) fails \(FixedDecimal.format(ratio * 100, decimals: 0))%"
        case .outage(let service, let mode): return "\(service) outage (\(mode.rawValue))"
        case .kill(let service, let count): return "kill \(count) \u{00D7} \(service)"
        case .cacheFlush(let service): return "\(service) cache flush"
        case .pause(let service, let count): return "pause \(count) \u{00D7} \(service)"
        case .scale(let service, let to): return "scale \(service) to \(to)"
        case .deploy(let service, _, _): return "deploy \(service)"
        case .set(let change): return "set \(change.path) = \(change.value)"
        }
    }

    static func ratio(_ x: Double) -> String {
        x == x.rounded() ? FixedDecimal.format(x, decimals: 0) : FixedDecimal.format(x, decimals: 2)
    }
}
