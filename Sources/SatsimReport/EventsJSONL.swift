import SatsimModel

/// events.jsonl: what happened during a run, one JSON object a line, in time order.
public enum EventsJSONL {
    public static func render(_ events: [RunEvent]) -> String {
        var out = ""
        for event in events {
            let line = JSONValue.object([
                ("time", .number(event.time)),
                ("kind", .string(event.kind.rawValue)),
                ("subject", .string(event.subject)),
                ("detail", .string(event.detail)),
            ])
            out += line.rendered(pretty: false) + "\n"
        }
        return out
    }
}
