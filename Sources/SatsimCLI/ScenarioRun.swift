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
    let result: SimulationResult
    let analysis: RunAnalysis

    /// Loads `file` with its variant and `--set` texts (each malformed `--set` is reported, not
    /// only the first), printing the diagnostics and throwing exit code 2 on bad input.
    static func load(file: String, overrides: [String], variant: String?, seed: UInt64? = nil) throws(ExitCode)
        -> ScenarioSpec
    {
        var spec: ScenarioSpec
        do throws(ScenarioError) {
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
            spec = try ScenarioLoader.load(file: file, overrides: parsed, variant: variant)
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }
        if let seed { spec.seed = seed }
        return spec
    }

    /// Simulates `spec` and reads the result through the verdict.
    init(spec: ScenarioSpec, limits: RunLimits = RunLimits()) {
        self.spec = spec
        result = Simulation(spec: spec).run(limits: limits)
        analysis = RunAnalysis(result: result, spec: spec)
    }

    /// summary.json's text.
    var summaryJSON: String {
        SummaryDocument.json(result: result, analysis: analysis, spec: spec).rendered() + "\n"
    }

    /// Every output file of the run, by name: the summary first (the set's seal, renamed into
    /// place last; see ``OutputDirectory``), the time series, the HTML report, then each chart
    /// on its own (`RunCharts` names them).
    var outputFiles: [(name: String, text: String)] {
        let charts = RunCharts(result: result, spec: spec, analysis: analysis)
        return [
            ("summary.json", summaryJSON),
            ("timeseries.csv", TimeSeriesCSV.render(result.timeSeries)),
            ("events.jsonl", EventsJSONL.render(result.events)),
            ("report.html", ReportPage.render(result: result, analysis: analysis, spec: spec, charts: charts)),
        ] + charts.entries.map { ($0.fileName, $0.chart.svg()) }
    }
}
