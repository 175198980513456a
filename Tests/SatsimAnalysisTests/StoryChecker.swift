import Foundation
import SatsimAnalysis
import SatsimMetrics
import SatsimModel
import Testing

/// Holds a story to the data it was told from (issue 7, "What must be true"): every figure equals
/// the measure it names, recomputed here over its window from the time series' columns (the rows
/// timeseries.csv prints) by code of its own; every share lies in [0, 1]; every number a sentence
/// prints is one of its figures; sentences are in time order; every timeline event the run
/// reached is told with its effect.
struct StoryChecker {
    let columns: [String: [Double]]
    let ends: [Double]
    let begins: [Double]

    init(series: TimeSeries) {
        var columns: [String: [Double]] = [:]
        for (k, name) in series.columns.enumerated() { columns[name] = series.rows.map { $0[k] } }
        self.columns = columns
        ends = columns["time"] ?? []
        begins = [0] + ends.dropLast()
    }

    /// The intervals a window covers: those that start at or after its start and end at or
    /// before its end.
    func inside(_ window: StoryWindow) -> [Int] {
        ends.indices.filter { begins[$0] >= window.from - 1e-9 && ends[$0] <= window.to + 1e-9 }
    }

    func sum(_ names: [String], _ i: Int) -> Double { names.reduce(0) { $0 + (columns[$1]?[i] ?? 0) } }

    /// The measure over the window, as ``StoryMeasure``'s documentation defines it; nil for a
    /// given figure (a setting or a time, not measured).
    func recompute(_ measure: StoryMeasure, over window: StoryWindow) -> Double? {
        let intervals = inside(window)
        let seconds = intervals.reduce(0.0) { $0 + ends[$1] - begins[$1] }
        switch measure {
        case .total(let names): return intervals.reduce(0) { $0 + sum(names, $1) }
        case .rate(let names): return seconds > 0 ? intervals.reduce(0) { $0 + sum(names, $1) } / seconds : 0
        case .mean(let names):
            return seconds > 0 ? intervals.reduce(0) { $0 + sum(names, $1) * (ends[$1] - begins[$1]) } / seconds : 0
        case .minimum(let names): return intervals.map { sum(names, $0) }.min() ?? 0
        case .maximum(let names): return intervals.map { sum(names, $0) }.max() ?? 0
        case .quotient(let a, let b):
            guard let x = recompute(a, over: window), let y = recompute(b, over: window) else { return nil }
            return y != 0 ? x / y : 0
        case .difference(let a, let b):
            guard let x = recompute(a, over: window), let y = recompute(b, over: window) else { return nil }
            return x - y
        case .constant(let value): return value
        case .over(let inner, let other): return recompute(inner, over: other)
        case .given, .explained: return nil
        }
    }

    /// Checks every finding of the story (named causes and unnamed candidates included).
    func check(
        _ story: Story, spec: ScenarioSpec, endSeconds: Double, label: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let names = spec.clients.map(\.name) + spec.services.map(\.name) + spec.timeline.compactMap {
            // A `set` quotes its path and value from the file: "set PATH to VALUE".
            if case .set(let change) = $0.action { return change.path + " to " + change.value } else { return nil }
        } + spec.timeline.compactMap {
            // "the operator's change to PATH" names the path alone.
            if case .set(let change) = $0.action { return change.path } else { return nil }
        }
        var previous = -Double.infinity
        for finding in story.findings + story.candidates {
            let where_ = "\(label): \(finding.mechanism.rawValue) \"\(finding.sentence)\""
            for figure in finding.figures {
                if figure.unit == .share {
                    #expect(figure.value >= 0 && figure.value <= 1, "\(where_): share \(figure.value)", sourceLocation: sourceLocation)
                }
                if figure.unit == .clock {
                    #expect(figure.value >= 0 && figure.value <= endSeconds + 1e-9, "\(where_): time \(figure.value)", sourceLocation: sourceLocation)
                }
                #expect(figure.value.isFinite, "\(where_)", sourceLocation: sourceLocation)
                guard let window = figure.window else {
                    #expect({ switch figure.measure { case .given, .explained: return true; default: return false } }(), "\(where_): a measured figure without a window", sourceLocation: sourceLocation)
                    continue
                }
                checkWindow(window, where_, sourceLocation)
                if let expected = recompute(figure.measure, over: window) {
                    #expect(
                        abs(figure.value - expected) <= 1e-9 * max(1, abs(expected)),
                        "\(where_): figure \(figure.value), recomputed \(expected) from \(figure.measure)", sourceLocation: sourceLocation)
                }
            }
            if let window = finding.window { checkWindow(window, where_, sourceLocation) }
            checkOfferedAgainstGoodput(finding, where_, sourceLocation)
            checkEveryFigurePrinted(finding, where_, sourceLocation)
            // Every number printed is a figure's: the template, without its placeholders and
            // the scenario's names, holds no digit.
            var bare = finding.template
            for k in finding.figures.indices.reversed() { bare = bare.replacingOccurrences(of: "{\(k)}", with: "") }
            bare = bare.replacingOccurrences(of: "{window}", with: "").replacingOccurrences(of: "p99", with: "")
                .replacingOccurrences(of: "{runs}", with: "")
            // explain's findings name what they switched off by its path and change (`timeline.0`,
            // `load_spike on users at 20s for 5s`): the scenario's words, no figure.
            for switchOff in finding.switchedOff {
                bare = bare.replacingOccurrences(of: switchOff.change, with: "").replacingOccurrences(of: switchOff.subject, with: "")
                if switchOff.change.hasSuffix(" removed") {
                    bare = bare.replacingOccurrences(of: String(switchOff.change.dropLast(" removed".count)), with: "")
                }
            }
            for name in names.sorted(by: { $0.count > $1.count }) { bare = bare.replacingOccurrences(of: name, with: "") }
            #expect(!bare.contains { $0.isNumber }, "\(where_): a number that is no figure in \(finding.template)", sourceLocation: sourceLocation)
            #expect(!finding.sentence.contains("{"), "\(where_): a placeholder left", sourceLocation: sourceLocation)
            for (k, figure) in finding.figures.enumerated() where finding.template.contains("{\(k)}") {
                #expect(finding.sentence.contains(figure.text), "\(where_): \(figure.text) not printed", sourceLocation: sourceLocation)
            }
            if let replications = finding.replications, finding.template.contains("{runs}") {
                #expect(finding.sentence.contains(replications.label), "\(where_)", sourceLocation: sourceLocation)
            }
            #expect((finding.role == .counterfactual) == (finding.replications != nil), "\(where_): replications on a finding about one run, or none on explain's", sourceLocation: sourceLocation)
            if let window = finding.window, finding.template.contains("{window}") {
                #expect(finding.sentence.lowercased().contains(window.label), "\(where_)", sourceLocation: sourceLocation)
            }
        }
        // In time order: each told finding at or after the one before; a finding's time is its
        // first clock, or within its window: its start, or the fault that caused it when the
        // window's first interval began before the fault (an effect is never told before its cause).
        for finding in story.findings {
            #expect(finding.time >= previous - 1e-9, "\(label): \"\(finding.sentence)\" told after a later one", sourceLocation: sourceLocation)
            previous = finding.time
            if let first = finding.figures.first(where: { $0.unit == .clock }), finding.template.hasPrefix("At {") || finding.template.hasPrefix("By {") {
                #expect(first.value == finding.time, "\(label): \(finding.sentence)", sourceLocation: sourceLocation)
            } else if let window = finding.window, finding.template.hasPrefix("{window}") {
                #expect(window.from <= finding.time && finding.time < window.to, "\(label): \(finding.sentence)", sourceLocation: sourceLocation)
            }
        }
        // Every timeline event the run reached is told, with a measured effect when its window
        // holds an interval.
        // A switched-off event (`enabled: false`) never happened and must not be told.
        for (index, event) in spec.timeline.enumerated() where !event.enabled {
            let told = story.findings.filter { $0.mechanism == .timelineEvent && $0.time == event.at.seconds }
            #expect(told.isEmpty || spec.timeline.contains { $0.enabled && $0.at == event.at },
                    "\(label): switched-off timeline event \(index) told", sourceLocation: sourceLocation)
        }
        for (index, event) in spec.timeline.enumerated() where event.enabled && event.at.seconds <= endSeconds + 1e-9 {
            let told = story.findings.filter { $0.mechanism == .timelineEvent && $0.time == event.at.seconds }
            #expect(!told.isEmpty, "\(label): timeline event \(index) not told", sourceLocation: sourceLocation)
            if event.at.seconds < (ends.last ?? 0) {
                #expect(told.contains { $0.window != nil }, "\(label): timeline event \(index) told without its effect", sourceLocation: sourceLocation)
            }
        }
    }

    /// A window is whole intervals: its ends are interval boundaries, in order.
    func checkWindow(_ window: StoryWindow, _ where_: String, _ sourceLocation: SourceLocation) {
        let boundaries = Set(begins + ends)
        #expect(window.from < window.to, "\(where_): window \(window)", sourceLocation: sourceLocation)
        #expect(boundaries.contains(window.from) && boundaries.contains(window.to), "\(where_): window \(window) off the intervals", sourceLocation: sourceLocation)
        #expect(window.toEnd == (window.to == ends.last), "\(where_): window \(window)", sourceLocation: sourceLocation)
    }
}
