import ArgumentParser
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario

/// Loading a scenario from the command line's arguments, running it, and rendering its output
/// files: the steps `run`, `check` and `compare` share.
struct ScenarioRun {
    let spec: ScenarioSpec
    /// The variant and overrides the spec was loaded with, named by every output.
    let provenance: RunProvenance
    let result: SimulationResult
    let analysis: RunAnalysis
    /// `run --explain`'s analysis of the same spec; its findings join the story, its JSON is
    /// summary.json's `explain`. Nil without the flag, and then nothing in the outputs changes.
    var explanation: Explanation? = nil

    /// Loads `file` with its variant and `--set` texts (each malformed `--set` is reported, not
    /// only the first), printing the diagnostics and throwing exit code 2 on bad input.
    static func load(file: String, overrides: [String], variant: String?, seed: UInt64? = nil, eventBudget: Int? = nil) throws(ExitCode)
        -> ScenarioSpec
    {
        do throws(ScenarioError) {
            return try loadQuietly(file: file, overrides: overrides, variant: variant, seed: seed, eventBudget: eventBudget)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
    }

    /// ``load(file:overrides:variant:seed:)`` without printing: every malformed `--set` and
    /// every problem of the file in one error.
    static func loadQuietly(file: String, overrides: [String], variant: String?, seed: UInt64?, eventBudget: Int? = nil) throws(ScenarioError)
        -> ScenarioSpec
    {
        var parsed: [ScalarOverride] = []
        var diagnostics: [Diagnostic] = []
        for (index, text) in overrides.enumerated() {
            do {
                parsed.append(try ScalarOverride.parse(text, ordinal: index + 1))
            } catch {
                diagnostics += error.diagnostics
            }
        }
        if !diagnostics.isEmpty { throw ScenarioError(diagnostics: diagnostics) }
        var spec = try ScenarioLoader.load(file: file, overrides: parsed, variant: variant, eventBudget: eventBudget)
        if let seed { spec.seed = seed }
        return spec
    }

    /// The scenario ``load(file:overrides:variant:seed:)`` gave, loaded again with timeline event
    /// `event` disabled (`timeline.EVENT.enabled=false` after the other overrides), so that the
    /// settings of its other `set` events are resolved without it (`explain`). Nil when that
    /// does not load; nothing is printed.
    static func reload(file: String, overrides: [String], variant: String?, seed: UInt64?, disabling event: Int) -> ScenarioSpec? {
        try? loadQuietly(file: file, overrides: overrides + ["timeline.\(event).enabled=false"], variant: variant, seed: seed)
    }

    /// ``reload(file:overrides:variant:seed:disabling:)`` for each event: how `explain` removes a
    /// `set` (the other sets' settings are resolved again without it).
    static func reloader(file: String, overrides: [String], variant: String?, seed: UInt64?) -> (Int) -> ScenarioSpec? {
        { event in reload(file: file, overrides: overrides, variant: variant, seed: seed, disabling: event) }
    }

    /// What ``load(file:overrides:variant:seed:)`` applied, given the spec it returned and the
    /// same variant and `--set` texts (all of which parsed, or it would have thrown).
    static func provenance(of spec: ScenarioSpec, variant: String?, overrides: [String]) -> RunProvenance {
        let sets = overrides.enumerated().compactMap { index, text in try? ScalarOverride.parse(text, ordinal: index + 1) }
        return RunProvenance(spec: spec, variant: variant, sets: sets)
    }

    /// Simulates `spec` and reads the result through the verdict. With `progress`, the simulated
    /// time reached is reported every 100,000 events (the result is the same either way).
    init(spec: ScenarioSpec, provenance: RunProvenance = .none, limits: RunLimits = RunLimits(),
         progress: ProgressReporter? = nil) {
        self.spec = spec
        self.provenance = provenance
        if let progress {
            result = Simulation(spec: spec).run(limits: limits, progressEvery: 100_000) { progress.update(to: $0.seconds) }
            // The final line names where the run ended, as its story does ("to the end", "the run
            // stopped at"): the last report came after the last chunk, before the clock moved to it.
            progress.finish(reached: result.endSeconds)
        } else {
            result = Simulation(spec: spec).run(limits: limits)
        }
        analysis = RunAnalysis(result: result, spec: spec)
    }

    /// summary.json's text.
    var summaryJSON: String {
        SummaryDocument.json(
            result: result, analysis: analysis, spec: spec, provenance: provenance, explain: explanation?.json
        ).rendered() + "\n"
    }

    /// Every output file of the run, by name: the summary first (the set's seal, renamed into
    /// place last; see ``OutputDirectory``), the time series, the HTML report, then each chart
    /// on its own (`RunCharts` names them).
    var outputFiles: [(name: String, text: String)] {
        let charts = RunCharts(result: result, spec: spec, analysis: analysis)
        return [
            ("summary.json", summaryJSON),
            ("timeseries.csv", TimeSeriesCSV.render(result.timeSeries)),
            ("events.jsonl", EventsJSONL.render(result.events, phases: analysis.phases)),
            ("report.html", ReportPage.render(
                result: result, analysis: analysis, spec: spec, charts: charts, provenance: provenance,
                explanation: explanation)),
        ] + charts.entries.map { ($0.fileName, $0.chart.svg()) }
    }
}
