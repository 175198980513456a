import ArgumentParser
import Foundation
import SatsimCore
import SatsimMetrics
import SatsimReport
import SatsimSweep

/// What `chaos` and `merge` (of a chaos search's shards) write once the runs are stored.
enum ChaosOutputs {
    /// Ranks the store's runs and writes chaos.json (the set's seal), points.csv, runs.csv,
    /// report.html and the matrix of pairs, then prints chaos.json or, as text, `header`, the
    /// ranking and the files; returns the stored runs, for ``SweepOutputs/conclude(records:missing:missingFails:)``.
    static func publish(store: ResultsStore, directory: OutputDirectory, outline: ChaosOutline,
                        format: CompareCommand.OutputFormat, header: String) throws(ExitCode) -> [RunRecord] {
        let (records, summaries) = try SweepOutputs.settle(store, in: directory)
        let ranking = ChaosRanking(outline: outline, records: records)
        let document = ranking.json(scenario: outline.scenario, at: outline.at, replications: outline.replications)
        let page = ChaosReport(ranking: ranking, outline: outline, settings: store.layout.settingsSentence)
        let layout = store.layout
        var files: [OutputFile] = [
            OutputFile("chaos.json", text: document.rendered() + "\n"),
            OutputFile("points.csv") { sink throws(CLIError) in try ResultsCSV.points(summaries, layout: layout) { (line: String) throws(CLIError) in try sink.append(line) } },
            OutputFile("runs.csv") { sink throws(CLIError) in try ResultsCSV.runs(records, layout: layout) { (line: String) throws(CLIError) in try sink.append(line) } },
            OutputFile("report.html") { sink throws(CLIError) in try sink.append(page.html) },
        ]
        if let matrix = page.matrix { files.append(OutputFile(matrix.fileName) { sink throws(CLIError) in try sink.append(matrix.svg()) }) }
        let written = try SweepOutputs.replace(directory, with: files)
        switch format {
        case .json:
            Console.json(document.rendered() + "\n")
        case .text:
            Console.out(header + (store.layout.settingsSentence.map { "\n" + TerminalText.inline($0) } ?? "") + "\n\n" + ranking.text(at: outline.at) + SweepOutputs.outputList(directory, written))
        }
        return records
    }

    /// `3 faults, combinations of 1 to 2 = 6 combinations and the baseline, x 3 replications = 21 runs`.
    static func size(_ outline: ChaosOutline) -> String {
        "\(Counted.text(outline.labels.count, "fault")), combinations of 1 to \(outline.largest) = "
            + "\(Counted.text(outline.combinations.count - 1, "combination")) and the baseline, x "
            + "\(Counted.text(outline.replications, "replication")) = \(Counted.text(outline.runCount, "run"))"
    }
}

extension ChaosRanking {
    /// chaos.json, the contract's shape: `combinations`, worst first, each with `faults`,
    /// `labels`, `outcomes`, `goodput_lost` and `emergent`; added keys: `runs`,
    /// `successes_after_at` (mean per run), and before them the scenario, `at` in seconds, the
    /// replications, the run counts and the `baseline`.
    func json(scenario: String, at: SimTime, replications: Int) -> JSONValue {
        func outcomes(_ e: Entry) -> JSONValue {
            .object(Self.outcomeOrder.compactMap { name in e.outcomes[name].map { (name, .int($0)) } })
        }
        func figures(_ e: Entry) -> [(String, JSONValue)] {
            [("runs", .int(e.runs)), ("successes_after_at", .number(e.meanSuccesses))]
        }
        return .object([
            ("scenario", .string(scenario)),
            ("at", .number(at.seconds)),
            ("replications", .int(replications)),
            ("runs_planned", .int(plannedRuns)),
            ("runs_stored", .int(storedRuns)),
            ("baseline", .object([("outcomes", outcomes(baseline))] + figures(baseline))),
            ("combinations", .array(combinations.map { e in
                .object([
                    ("faults", .array(e.faults.map { .int($0) })),
                    ("labels", .array(e.labels.map { .string($0) })),
                    ("outcomes", outcomes(e)),
                    ("goodput_lost", .number(e.goodputLost)),
                    ("emergent", .bool(e.emergent)),
                ] + figures(e))
            })),
        ])
    }

    /// `kill api + latency db`.
    static func name(_ e: Entry) -> String { e.labels.joined(separator: " + ") }

    /// `3 metastable, 1 recovered`.
    static func outcomeText(_ e: Entry) -> String {
        let parts = outcomeOrder.compactMap { name in e.outcomes[name].map { "\($0) \(name)" } }
        return parts.isEmpty ? "no runs" : parts.joined(separator: ", ")
    }

    static func percent(_ x: Double) -> String { String(format: "%.1f%%", 100 * x) }

    /// The table, worst first, then sentences naming the worst combination and the emergent ones.
    func text(at: SimTime) -> String {
        var rows: [[String]] = [["rank", "faults", "runs", "outcomes", "goodput lost", "emergent"]]
        for (rank, e) in combinations.enumerated() {
            rows.append([String(rank + 1), Self.name(e), String(e.runs), Self.outcomeText(e), Self.percent(e.goodputLost),
                         e.emergent ? "yes" : ""])
        }
        var out = "baseline (no fault): \(Self.outcomeText(baseline)); \(String(format: "%.0f", baseline.meanSuccesses)) "
            + "successful requests per run after \(String(format: "%g", at.seconds))s\n\n"
        out += TextTable.render(rows) + "\n"
        out += sentences(at: at).joined(separator: "\n") + "\n"
        return out
    }

    /// What a reader should take away, with figures.
    func sentences(at: SimTime) -> [String] {
        var lines: [String] = []
        let after = "\(String(format: "%g", at.seconds))s"
        if let worst = combinations.first {
            // Shown to a tenth of a percent: a loss that rounds to 0.0% with no failing run harms
            // nothing ("the worst combination ... loses 0.0%" of 3 requests in 97,426).
            let harms = worst.goodputLost >= 0.0005 || worst.failing > 0
            if baseline.meanSuccesses == 0 && baseline.runs > 0 {
                // Nothing to lose: a baseline that serves no request after `at` (every run
                // overloaded) made every combination "harmless".
                lines.append("The baseline itself serves no request after \(after) (\(Self.outcomeText(baseline))): "
                    + "no combination can lose goodput it does not have, so the losses below say nothing.")
            } else if harms {
                var line = "The worst combination is \(Self.name(worst)): it loses \(Self.percent(worst.goodputLost)) of the baseline's "
                    + "goodput after \(after), and \(worst.failing) of its \(Counted.text(worst.runs, "run")) \(worst.failing == 1 ? "ends" : "end") metastable or degraded"
                if worst.stoppedAtLimit > 0 {
                    // Cut short by a limit, a run counts no success after where it stopped.
                    line += "; but \(worst.stoppedAtLimit) of them stopped at a limit before the end, so part of that loss is time "
                        + "\(worst.stoppedAtLimit == 1 ? "it" : "they") never ran"
                }
                lines.append(line + ".")
            } else {
                lines.append("No combination harms the system: none loses goodput after \(after) "
                    + "and no run ends metastable or degraded.")
            }
        }
        let limited = combinations.filter { $0.stoppedAtLimit > 0 }
        if !limited.isEmpty {
            let runs = limited.reduce(0) { $0 + $1.stoppedAtLimit }
            lines.append("\(Counted.text(runs, "run")) of \(Counted.text(limited.count, "combination")) stopped at a limit before the end "
                + "(raise --max-events or --max-in-flight): \(limited.count == 1 ? "its" : "their") goodput lost counts only the time \(runs == 1 ? "it" : "they") ran.")
        }
        let emergent = combinations.filter(\.emergent)
        if emergent.isEmpty {
            // Said by the rule: a combination that fails is emergent when each smaller part
            // passes (most of its runs stable or recovered); a part that neither passes nor
            // fails (1 recovered, 1 metastable) also keeps it from being emergent.
            lines.append(combinations.contains { $0.failing > 0 }
                ? "No combination is emergent: every combination that fails has a smaller part that does not pass on its own."
                : "No combination is emergent: none ends metastable or degraded in any run.")
        }
        let byFaults = Dictionary(uniqueKeysWithValues: combinations.map { ($0.faults, $0) })
        for e in emergent {
            let parts = e.faults.map { byFaults[[$0]] }.compactMap { $0 }.map { part in
                "\(Self.name(part)) alone \(part.passing) of \(part.runs) stable or recovered, \(Self.percent(part.goodputLost)) lost"
            }
            lines.append("Emergent: \(Self.name(e)) ends metastable or degraded in \(e.failing) of \(e.runs) runs and loses "
                + "\(Self.percent(e.goodputLost)) of the goodput, while each smaller part passes (" + parts.joined(separator: "; ") + ").")
        }
        return lines
    }
}

/// report.html of `satsim chaos`: the sentences, the matrix of pairs coloured by damage (the
/// sweep's heatmap, ``PhaseDiagram``: fault i against fault j, the pair's goodput lost, the
/// diagonal the fault alone) and the ranked table.
struct ChaosReport {
    let ranking: ChaosRanking
    let outline: ChaosOutline
    /// ``ResultsLayout/settingsSentence``: the `--set`s every run applied, or nil.
    var settings: String? = nil

    /// The matrix, or nil when pairs were not run (max_together 1, or one fault).
    var matrix: PhaseDiagram? {
        let labels = outline.labels
        guard labels.count >= 2, outline.combinations.contains(where: { $0.count == 2 }) else { return nil }
        let byFaults = Dictionary(uniqueKeysWithValues: ranking.combinations.map { ($0.faults, $0) })
        var cells: [[Double?]] = []
        var hovers: [[String]] = []
        for y in labels.indices {
            var row: [Double?] = []
            var hover: [String] = []
            for x in labels.indices {
                let key = x == y ? [x] : [min(x, y), max(x, y)]
                let e = byFaults[key]
                row.append(e.flatMap { $0.runs > 0 ? $0.goodputLost : nil })
                hover.append(e.map { "\(ChaosRanking.name($0)): \(ChaosRanking.percent($0.goodputLost)) lost; "
                    + ChaosRanking.outcomeText($0) + ($0.emergent ? "; emergent" : "") } ?? "not run")
            }
            cells.append(row)
            hovers.append(hover)
        }
        return PhaseDiagram(
            title: "Goodput lost by each pair of faults (the diagonal: the fault alone)", fileName: "chaos-pairs.svg",
            xLabel: "fault", xValues: labels, yLabel: "fault", yValues: labels, cells: cells, hovers: hovers,
            scaleLabel: "goodput lost (share)", scaleRange: 0...1, emptyMeaning: "not run")
    }

    var html: String {
        let at = outline.at
        var lines = ["Every combination of 1 to \(outline.largest) of \(outline.labels.count) candidate faults, "
            + "started at \(String(format: "%g", at.seconds))s, \(outline.replications) runs each on the same seeds as the baseline "
            + "(\(ranking.storedRuns) of \(ranking.plannedRuns) runs stored).",
            "Baseline (no fault): \(ChaosRanking.outcomeText(ranking.baseline))."]
        if let settings { lines.insert(settings, at: 1) }
        lines += ranking.sentences(at: at)
        let rows = ranking.combinations.enumerated().map { rank, e in
            [String(rank + 1), ChaosRanking.name(e), String(e.runs), ChaosRanking.outcomeText(e),
             ChaosRanking.percent(e.goodputLost), e.emergent ? "yes" : ""]
        }
        return SweepReportPage.render(scenario: outline.scenario, description: outline.description, lines: lines, charts: matrix.map { [$0.svg()] } ?? [],
                                      header: ["rank", "faults", "runs", "outcomes", "goodput lost", "emergent"], rows: rows,
                                      kind: "chaos", names: outline.labels)
    }
}
