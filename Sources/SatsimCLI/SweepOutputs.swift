import ArgumentParser
import Foundation
import SatsimAnalysis
import SatsimMetrics
import SatsimReport
import SatsimSweep

/// What `sweep` and `merge` do once the runs are stored: summarise each point into the `points`
/// table, export runs.csv, points.csv, report.html and the phase diagrams as one output set,
/// and print the points.
enum SweepOutputs {
    /// Writes the sweep's output set and prints it; returns the stored runs, for ``conclude(records:missing:missingFails:)``.
    static func publish(store: ResultsStore, directory: OutputDirectory, format: CompareCommand.OutputFormat,
                        header: String) throws -> [RunRecord] {
        let (records, summaries) = try settle(store, in: directory)
        let layout = store.layout
        let report = SweepReport(layout: layout, summaries: summaries, runCount: records.count)
        // Each file made as it is written, the tables a chunk at a time: made whole and held
        // together, the tables of 100,000 points took gigabytes.
        var files: [OutputFile] = [
            OutputFile("points.csv") { sink throws(CLIError) in try ResultsCSV.points(summaries, layout: layout) { (line: String) throws(CLIError) in try sink.append(line) } },
            OutputFile("runs.csv") { sink throws(CLIError) in try ResultsCSV.runs(records, layout: layout) { (line: String) throws(CLIError) in try sink.append(line) } },
            OutputFile("report.html") { sink throws(CLIError) in try sink.append(report.html) },
        ]
        files += report.charts.map { chart in OutputFile(chart.fileName) { sink throws(CLIError) in try sink.append(chart.svg) } }
        let written = try replace(directory, with: files)
        switch format {
        case .json:
            printJSON(layout: layout, summaries: summaries, runs: records.count)
        case .text:
            var text = header + (layout.settingsSentence.map { "\n" + TerminalText.inline($0) } ?? "") + "\n\n" + table(layout: layout, summaries: summaries)
            text += outputList(directory, written)
            Console.out(text)
        }
        return records
    }

    /// The store's runs and the summary of each point, with the `points` table rewritten, the file
    /// in its canonical layout (the same bytes for the same rows, whatever `--jobs`; the WAL folded
    /// in, ``ResultsStore/canonicalize(through:)``): what every output set of a store starts from (exit 2 when the store fails).
    static func settle(_ store: ResultsStore, in directory: OutputDirectory) throws(ExitCode) -> (records: [RunRecord], summaries: [PointSummary]) {
        do {
            let records = try store.records()
            let summaries = store.summaries(of: records)
            try store.writePoints(summaries)
            // A store that cannot be rewritten (no room for the copy, say) still holds every run,
            // committed: the outputs are written from it all the same, and the user told.
            do {
                try store.canonicalize(through: directory.file(OutputDirectory.partialPrefix + "\(getpid()).\(ResultsStore.fileName)"))
            } catch {
                Console.error("satsim: " + TerminalText.inline(error.message)
                              + "; the store holds every run, in the order they finished, but is not rewritten in its canonical layout "
                              + "(its bytes may differ from another sweep's of the same runs)")
            }
            return (records, summaries)
        } catch {
            Console.error("satsim: " + TerminalText.inline(String(describing: error)))
            throw ExitCode(2)
        }
    }

    /// Replaces the folder's output set (exit 2 when it cannot be written); the paths written.
    static func replace(_ directory: OutputDirectory, with files: [OutputFile]) throws(ExitCode) -> [String] {
        do {
            return try directory.replaceSet(with: files)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }

    /// The text output's closing list: the store, then the files written.
    static func outputList(_ directory: OutputDirectory, _ written: [String]) -> String {
        "\noutputs:\n" + ([directory.file(ResultsStore.fileName)] + written).map { "  \(TerminalText.inline($0))" }.joined(separator: "\n") + "\n"
    }

    /// The end of `sweep`, `chaos` and `merge` once the outputs are written: says what is
    /// missing (`missing`, a sentence, or nil) and how many runs stopped at a limit, on standard
    /// error; exit code 1 when a run stopped at a limit, or when runs are missing and
    /// `missingFails` (merge: the joined shards should be the whole plan; a shard's own run is
    /// expected to lack the others').
    static func conclude(records: [RunRecord], missing: String?, missingFails: Bool) throws(ExitCode) {
        if let missing { Console.error("satsim: " + missing) }
        let limited = records.filter { $0.limit != nil }.count
        if limited > 0 {
            Console.error("satsim: \(limited) of \(records.count) runs stopped at a limit; their figures are partial")
        }
        if limited > 0 || (missing != nil && missingFails) { throw ExitCode(1) }
    }

    /// One line per point: its values, runs, the outcome counts, P(metastable) with its Wilson
    /// interval, and the first client's goodput and the recovery time with their t intervals.
    /// A figure that only some runs have (a recovery time exists only for a run that recovered)
    /// says over how many it was taken, and a legend under the table says what the cells are:
    /// "1.50 ± 6.35" from 2 runs of 5 would otherwise read as a figure of the whole point.
    static func table(layout: ResultsLayout, summaries: [PointSummary]) -> String {
        let goodput = layout.figures.firstIndex { $0.hasSuffix(".goodput_per_s") }
        let recovery = layout.figures.firstIndex(of: "recovery_time")
        var rows: [[String]] = [["point"] + layout.columns + ["runs", "outcomes", "P(metastable) [95%]"]
            + (goodput.map { [layout.figures[$0]] } ?? []) + (recovery != nil ? ["recovery_time [s]"] : [])]
        var partial = false
        var missing = false
        var limited = false
        func interval(_ m: MeanInterval?, of runs: Int) -> String {
            guard let m else {
                missing = true
                return "-"
            }
            // Both numbers with the decimals the mean's size calls for, never an exponent.
            let decimals = abs(m.mean) >= 100 ? 0 : abs(m.mean) >= 10 ? 1 : 2
            var cell = String(format: "%.\(decimals)f", m.mean)
            if let h = m.halfWidth, h.isFinite {
                // A half-width that rounds to 0 at the mean's decimals is not zero: "320 ± 0" was
                // printed of 320 ± 0.36. It keeps two significant digits instead.
                var places = decimals
                while places < 9, h > 0, String(format: "%.\(places)f", h).allSatisfy({ $0 == "0" || $0 == "." }) { places += 1 }
                if places > decimals { places += 1 }
                cell += " ± " + String(format: "%.\(places)f", h)
            }
            if m.count < runs {
                partial = true
                cell += " (\(m.count) of \(runs))"
            }
            return cell
        }
        for s in summaries {
            let counts = s.outcomes.filter { $0.count > 0 }.map { "\($0.outcome) \($0.count)" }.joined(separator: ", ")
            let p = s.share(of: .metastable).map { String(format: "%.2f [%.2f, %.2f]", $0.proportion, $0.low, $0.high) } ?? "-"
            // Runs a limit stopped are counted in the runs column: their figures cover only the
            // time they ran (a failing point read 299/s from three runs stopped 4 s after the kill).
            if s.stoppedAtLimit > 0 { limited = true }
            let runs = s.stoppedAtLimit > 0 ? "\(s.runs) (\(s.stoppedAtLimit) cut)" : String(s.runs)
            var row = [String(s.point)] + s.values.map(oneLine) + [runs, counts.isEmpty ? "-" : counts, p]
            if let goodput { row.append(interval(s.figures[goodput], of: s.runs)) }
            if let recovery { row.append(interval(s.figures[recovery], of: s.runs)) }
            rows.append(row)
        }
        var legend = "P(metastable): of the runs given an outcome (the outcomes column), the share that ended metastable, with its 95% Wilson interval."
        if goodput != nil || recovery != nil {
            legend += "\nFigures: the mean over the runs that have the figure ± the half-width of its 95% t interval (none from one run)"
                + (partial ? "; (k of n): over k of the point's n runs (a recovery time exists only for a run that recovered)" : "")
                + (missing ? "; -: no run has it" : "") + "."
        }
        if limited {
            legend += "\nRuns (k cut): k of the point's runs stopped at a limit before the end (--max-events, --max-in-flight): "
                + "their figures and outcome cover only the time they ran."
        }
        return TextTable.render(rows) + "\n" + legend + "\n"
    }

    /// `value` with its line breaks written as `\n` (`\r`): a table row is one line, and a varied
    /// text value (`--vary description=...`, or the file's `sweep.vary` list) holding a line
    /// break split its row in two, the rest of the row under the next point's. TerminalText keeps
    /// line breaks, which are the text's own everywhere else.
    static func oneLine(_ value: String) -> String {
        guard value.contains(where: \.isNewline) else { return value }
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default:
                if Character(scalar).isNewline { out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// Prints ``json(layout:summaries:runs:)`` one point at a time, the same bytes: the whole
    /// document of 100,000 points is 458 MB of text from a tree of about 10^7 values, which took
    /// a merge of 1,000,000 runs past 2 GiB (abort, "failed to allocate") after its outputs were
    /// written. Each point is rendered at the depth it has in the document (inside a one-member
    /// object's array, whose lines are then dropped) and printed.
    static func printJSON(layout: ResultsLayout, summaries: [PointSummary], runs: Int) {
        let marker = "satsim-points-go-here"
        let frame = json(layout: layout, points: .array([.string(marker)]), runs: runs).rendered()
        guard !summaries.isEmpty, let slot = frame.range(of: "    \"" + marker + "\"\n") else {
            Console.json(json(layout: layout, summaries: summaries, runs: runs).rendered() + "\n")
            return
        }
        var chunk = String(frame[..<slot.lowerBound])
        for (index, summary) in summaries.enumerated() {
            let one = JSONValue.object([("points", .array([point(summary, layout: layout)]))]).rendered()
            // `{`, `  "points": [` before the point; `  ]`, `}` after it.
            let lines = one.split(separator: "\n", omittingEmptySubsequences: false)
            chunk += lines.dropFirst(2).dropLast(2).joined(separator: "\n") + (index + 1 < summaries.count ? ",\n" : "\n")
            if chunk.utf8.count > 1 << 20 {
                Console.json(chunk)
                chunk = ""
            }
        }
        Console.json(chunk + frame[slot.upperBound...] + "\n")
    }

    /// `--format json`: the scenario, the run counts, and per point its values, outcome counts,
    /// the share of each outcome with its Wilson interval, and every figure's mean and t interval.
    static func json(layout: ResultsLayout, summaries: [PointSummary], runs: Int) -> JSONValue {
        json(layout: layout, points: .array(summaries.map { point($0, layout: layout) }), runs: runs)
    }

    static func json(layout: ResultsLayout, points: JSONValue, runs: Int) -> JSONValue {
        .object([
            ("scenario", .string(layout.scenario)),
            ("replications", .int(layout.replications)),
            ("runs_planned", .int(layout.runCount)),
            ("runs_stored", .int(runs)),
            ("columns", .array(layout.columns.map { .string($0) })),
            ("points", points),
        ])
    }

    /// One point of ``json(layout:summaries:runs:)``.
    static func point(_ s: PointSummary, layout: ResultsLayout) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { $0.isFinite ? .number($0) : .null } ?? .null }
        return .object([
            ("point", .int(s.point)),
            ("values", .object(zip(layout.columns, s.values).map { ($0, .string($1)) })),
            ("runs", .int(s.runs)),
            ("stopped_at_limit", .int(s.stoppedAtLimit)),
            ("outcomes", .object(s.outcomes.map { ($0.outcome, .int($0.count)) })),
            ("shares", .object(s.outcomes.map { entry in
                (entry.outcome, entry.share.map { w in
                    .object([("p", .number(w.proportion)), ("low", .number(w.low)), ("high", .number(w.high))])
                } ?? .null)
            })),
            ("figures", .object(zip(layout.figures, s.figures).map { path, m in
                let half = m?.halfWidth.flatMap { $0.isFinite ? $0 : nil }
                return (path, .object([
                    ("n", .int(m?.count ?? 0)), ("mean", number(m?.mean)),
                    ("low", number(half.flatMap { h in m.map { $0.mean - h } })),
                    ("high", number(half.flatMap { h in m.map { $0.mean + h } })),
                ]))
            })),
        ])
    }
}
