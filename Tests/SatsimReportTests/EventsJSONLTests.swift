import SatsimAnalysis
import SatsimModel
@testable import SatsimReport
import Testing

/// events.jsonl is in time order (scenario-format.md), the detected phases merged among the
/// simulation's events, each after the events of its own time.
@Suite("events.jsonl")
struct EventsJSONLTests {
    @Test("Phases are merged in time order, after the events of the same time")
    func phasesMergeInTimeOrder() {
        let events = [
            RunEvent(time: 20, kind: .faultStarted, subject: "users", detail: "spike"),
            RunEvent(time: 30, kind: .faultEnded, subject: "users", detail: "over"),
        ]
        // Out of order on purpose: the verdict's phase comes after the health phases it follows.
        let phases = [
            DetectedPhase(time: 5, kind: .healthy, detail: "a"),
            DetectedPhase(time: 20, kind: .unhealthy, detail: "b"),
            DetectedPhase(time: 60, kind: .healthy, detail: "c"),
            DetectedPhase(time: 25, kind: .recovered, detail: "d"),
        ]
        let lines = EventsJSONL.render(events, phases: phases).split(separator: "\n").map(String.init)
        #expect(lines == [
            #"{"time":5,"kind":"phase_started","subject":"healthy","detail":"a"}"#,
            #"{"time":20,"kind":"fault_started","subject":"users","detail":"spike"}"#,
            #"{"time":20,"kind":"phase_started","subject":"unhealthy","detail":"b"}"#,
            #"{"time":25,"kind":"phase_started","subject":"recovered","detail":"d"}"#,
            #"{"time":30,"kind":"fault_ended","subject":"users","detail":"over"}"#,
            #"{"time":60,"kind":"phase_started","subject":"healthy","detail":"c"}"#,
        ], "\(lines)")
    }
}
