import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel

/// The readable summary `satsim run` prints: the verdict, then a table per kind of component.
public enum TextSummary {
    public static func render(
        result: SimulationResult, analysis: RunAnalysis, spec: ScenarioSpec, provenance: RunProvenance = .none,
        explanation: Explanation? = nil
    ) -> String {
        var out = ""
        let verdict = analysis.verdict
        out += "\(spec.name) (seed \(spec.seed)): \(simulated(spec: spec, result: result))"
        if spec.warmup > .zero { out += ", first \(duration(spec.warmup)) warmup" }
        out += "\n"
        // The variant and overrides, so that two runs of one file printed side by side can be told apart.
        if !provenance.isEmpty { out += wrap(provenance.line, width: 96, indent: "") + "\n" }
        if !spec.description.isEmpty { out += wrap(spec.description, width: 96, indent: "  ") + "\n" }
        if let reason = verdict.notJudged {
            out += "\noutcome: not judged\n" + wrap(reason, width: 96, indent: "  ")
        } else {
            out += "\noutcome: \(verdict.outcome.rawValue)"
        }
        if let recovery = verdict.recoveryTime {
            // "outcome: recovered, 9 s after the last fault ended" (not "recovered, recovered"),
            // the end named as the story names it: an operator's change is no fault ("9 s after
            // the operator's change to clients.users.retry.max_attempts ended").
            let ended = StoryData(result: result, spec: spec, analysis: analysis).lastFaultEnded
            // A kill whose instances boot after the run's end: "healthy again by the time the last
            // fault ended" vouched for a moment the run never reached.
            let afterTheRun = (analysis.faults.map(\.end).max() ?? 0) > result.endSeconds + 1e-9
            out += recovery > 0 ? ", \(number(recovery)) s after \(ended)"
                : afterTheRun ? ", healthy again when the run ended, before \(ended)" : ", healthy again by the time \(ended)"
        }
        out += "\n"
        if let limit = result.limitHit {
            // The limit's message says where the run stopped, in simulated time.
            out += "PARTIAL RESULTS: \(limit.message)\n"
        }
        out += "\n"
        // With run --explain, what switching each mechanism off showed joins the story's findings.
        let story = Story(result: result, spec: spec, analysis: analysis, explanation: explanation)
        // A run not judged has no story to tell: its ending would claim an outcome.
        if !story.sentences.isEmpty && verdict.notJudged == nil {
            out += "what happened:\n"
            for sentence in story.sentences { out += wrap(sentence, width: 96, indent: "  ") + "\n" }
            out += "\n"
        }
        // The tables' window, so that they are not read against the story's narrower ones.
        let from = min(spec.warmup.seconds, result.endSeconds)
        out += "over the whole run after warmup (from \(time(from)) s to \(time(result.endSeconds)) s):\n"
        var clientRows = [["client", "requests", "attempts", "success", "goodput/s", "ampl.", "p50", "p99", "max"]]
        for c in result.clients {
            // No success, no latency to show: "-" rather than the empty histogram's 0.
            let timed = c.successes > 0
            clientRows.append([
                c.name, String(c.requests), String(c.attempts),
                successShare(c).map(percent) ?? "-",
                number(c.goodputPerSecond), c.requests > 0 ? number(c.amplification) : "-",
                timed ? seconds(c.latency.p50) : "-", timed ? seconds(c.latency.p99) : "-", timed ? seconds(c.latency.max) : "-",
            ])
        }
        out += table(clientRows)
        out += "  success: the share of requests that succeeded; a request still in flight at the end counts as not succeeded\n\n"
        var serviceRows = [["service", "arrivals", "done", "rejected", "dropped", "wasted", "util.", "queue", "wait", "inst."]]
        for s in result.services {
            serviceRows.append([
                s.name, String(s.arrivals), String(s.completions), String(s.rejected), String(s.dropped),
                String(s.wasted), percent(s.utilization), number(s.meanQueueLength), seconds(s.meanWait),
                s.instances.min == s.instances.max ? String(s.instances.min) : "\(s.instances.min)-\(s.instances.max)",
            ])
        }
        out += table(serviceRows)
        return out
    }

    /// The share of a client's requests that succeeded, with the requests still in flight at
    /// the end counted as not succeeded: successes / max(requests, successes + failures).
    ///
    /// Dividing by the requests that ended alone would call a run where 8 of 5,909 requests
    /// succeeded and the rest were still queued "100%". The figures are counted after warmup,
    /// so requests created before it may end after it; the larger of the created and the ended
    /// counts keeps the share at most 1 then. Nil when there were neither.
    public static func successShare(_ c: ClientSummary) -> Double? {
        let base = max(c.requests, c.successes + c.failures)
        return base > 0 ? Double(c.successes) / Double(base) : nil
    }

    static func table(_ rows: [[String]]) -> String { TextTable.render(rows) }

    static func number(_ x: Double) -> String {
        if !x.isFinite { return "-" }
        if x == x.rounded() && abs(x) < 1e15 { return fixed(x, 0) }
        let magnitude = abs(x)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
        return fixed(x, decimals)
    }

    /// A share in tenths of a percent, except where rounding would contradict the counts: a
    /// share short of the whole is never printed as `100.0%` (5,381 of 5,382 requests succeeded
    /// is `99.98%`), nor a share above nothing as `0.0%`.
    static func percent(_ x: Double) -> String {
        let tenths = fixed(x * 100, 1)
        if x < 1, tenths == "100.0" {
            let hundredths = fixed(x * 100, 2)
            return (hundredths == "100.00" ? "99.99" : hundredths) + "%"
        }
        if x > 0, tenths == "0.0" {
            let hundredths = fixed(x * 100, 2)
            return (hundredths == "0.00" ? "<0.01" : hundredths) + "%"
        }
        return tenths + "%"
    }

    /// A time in the run, in seconds, truncated (not rounded) to its shown digits, the rule the
    /// story tells times by: a run stopped at 59.996 s is "59.99", not "60.00", beside a story
    /// that says it stopped at 59s.
    static func time(_ t: Double) -> String {
        if !t.isFinite { return "-" }
        if t == t.rounded() && abs(t) < 1e15 { return fixed(t, 0) }
        let decimals = abs(t) >= 100 ? 1 : abs(t) >= 1 ? 2 : 3
        let scale = [1.0, 10, 100, 1000][decimals]
        // Half a nanosecond up first, as the story's clock does: a sum an ulp below a digit is it.
        let shown = ((t + 5e-10) * scale).rounded(.down) / scale
        return shown == shown.rounded() ? fixed(shown, 0) : fixed(shown, decimals)
    }

    static func seconds(_ s: Double) -> String {
        if s == 0 { return "0" }
        if s < 1e-3 { return fixed(s * 1e6, 0) + "us" }
        if s < 1 { return fixed(s * 1e3, s < 0.01 ? 2 : 1) + "ms" }
        return fixed(s, 2) + "s"
    }

    /// A span in the largest whole unit that writes it exactly (`6m`, `90s`, `1.5s`).
    /// `6m simulated`, or for a run a limit stopped `0.009999996s of 1h simulated (a limit
    /// stopped it)`, at the time the limit's message names: the header said "1h simulated" of a
    /// run that reached 10 ms.
    static func simulated(spec: ScenarioSpec, result: SimulationResult) -> String {
        guard let limit = result.limitHit else { return "\(duration(spec.duration)) simulated" }
        return "\(limit.at.description) of \(duration(spec.duration)) simulated (\(limit.isInterrupt ? "interrupted" : "a limit stopped it"))"
    }

    static func duration(_ t: SimTime) -> String {
        let ns = t.nanoseconds
        let second: Int64 = 1_000_000_000
        if ns >= 3600 * second && ns % (3600 * second) == 0 { return "\(ns / (3600 * second))h" }
        if ns >= 60 * second && ns % (60 * second) == 0 { return "\(ns / (60 * second))m" }
        if ns % second == 0 { return "\(ns / second)s" }
        return number(t.seconds) + "s"
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        FixedDecimal.format(x, decimals: decimals)
    }

    static func wrap(_ text: String, width: Int, indent: String) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
            if !line.isEmpty && line.count + 1 + word.count > width - indent.count {
                lines.append(indent + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(indent + line) }
        return lines.joined(separator: "\n")
    }
}
