import SatsimAnalysis
import SatsimModel

/// events.jsonl: what happened during a run, one JSON object a line, in time order: the
/// simulation's events, and the phases the verdict detected (`phase_started`, its subject the
/// phase: `healthy`, `unhealthy`, `recovered`, `metastable`, `oscillating`), each after the
/// simulation's events of the same time.
public enum EventsJSONL {
    public static func render(_ events: [RunEvent], phases: [DetectedPhase] = []) -> String {
        func line(_ time: Double, _ kind: String, _ subject: String, _ detail: String) -> String {
            JSONValue.object([
                ("time", .number(time)), ("kind", .string(kind)), ("subject", .string(subject)), ("detail", .string(detail)),
            ]).rendered(pretty: false) + "\n"
        }
        // Both lists in time order, merged: a phase after every event of an earlier or equal time.
        let phases = phases.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var out = ""
        var next = 0
        for event in events {
            while next < phases.count, phases[next].time < event.time {
                out += line(phases[next].time, "phase_started", phases[next].kind.rawValue, phases[next].detail)
                next += 1
            }
            out += line(event.time, event.kind.rawValue, event.subject, event.detail)
        }
        for phase in phases[next...] {
            out += line(phase.time, "phase_started", phase.kind.rawValue, phase.detail)
        }
        return out
    }
}
