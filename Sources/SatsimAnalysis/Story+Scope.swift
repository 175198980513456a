import SatsimModel

extension Story {
    /// Whom a `latency` or `errors` fault reaches, when it has `caller` or `share`: " on calls
    /// from api, for the experiment cohort (5% of requests)"; empty otherwise.
    static func scope(of event: TimelineEventSpec) -> String {
        var out = ""
        if let caller = event.caller { out += " on calls from \(caller)" }
        if let share = event.share { out += "\(out.isEmpty ? "" : ",") for the experiment cohort (\(Format.percent(share)) of requests)" }
        return out
    }
}
