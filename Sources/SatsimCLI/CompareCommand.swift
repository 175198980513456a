import ArgumentParser
import SatsimMetrics
import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario
import SatsimSweep

/// `satsim compare FILE`: the base scenario and its variants side by side, over replications with
/// common random numbers.
///
/// Replication r of every variant runs with seed = base seed + r (the base seed is the scenario's
/// `seed`, or `--seed`; a variant's own `seed` is overridden), so the variants differ only by what
/// they change, and a difference is judged on the per-replication differences (paired). Runs are
/// spread over `--jobs` threads; results are collected by (variant, replication) index, never by
/// completion order, so the output is byte-identical whatever the number of jobs.
public struct CompareCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a scenario's base and variants side by side, over replications.",
        discussion: """
            Replication r of every variant uses seed = base seed + r (common random numbers). \
            Each cell is the mean ± the half-width of its 95% confidence interval; * marks a \
            variant whose paired difference from the base has a 95% interval excluding 0 (the \
            outcome row: McNemar's test of the runs paired by seed, mid-p below 0.05). \
            With --out DIR, writes comparison.json, comparison.csv and report.html (the table with \
            units, each figure with the text table's digits, a ratio as a percentage and a \
            latency in ms where the page's unit is ms: 0.2341 s is 234.1 ms; and, per client, goodput and p99 latency over time: each variant's mean over the \
            replications as a line, the lowest to highest replication as a band) there, replacing \
            the previous comparison as a set (comparison.json is renamed in last, so its presence means the \
            set is whole; the hidden .satsim-compare-outputs lists it). \
            Exit code 1 when a run stopped at a limit (reported in the table), 2 for bad input \
            or a folder that cannot be written.
            """
    )

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(name: .customLong("variant"), help: ArgumentHelp("A variant to compare with the base (repeatable; default: every variant).", valueName: "NAME"))
    var variants: [String] = []

    @Option(parsing: .unconditional, help: "Runs per variant; replication r uses seed = base seed + r.",
            transform: FlagValue.count(in: 1...100_000))
    var replications: Int = 5

    @Option(parsing: .unconditional, help: "The base seed (overrides the scenario's `seed`).", transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of the base and every variant.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(help: "Write comparison.json, comparison.csv and report.html to this directory.")
    var out: String?

    @Option(help: "What to print: text (the table) or json (comparison.json); text by default.", transform: FlagValue.choice(CompareCommand.OutputFormat.self))
    var format: OutputFormat = .text

    @Option(parsing: .unconditional, help: "Runs simulated at once (default: SLURM_CPUS_PER_TASK, else the number of cores).",
            transform: FlagValue.count(in: 1...Int.max))
    var jobs: Int?

    @OptionGroup var runLimits: RunLimitOptions


    public init() {}

    enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    public func validate() throws {
        guard (1...100_000).contains(replications) else {
            throw ValidationError("--replications must be between 1 and 100000, found \(replications)")
        }
        if let jobs, jobs <= 0 { throw ValidationError("--jobs must be > 0, found \(jobs)") }
        if let out, out.isEmpty { throw ValidationError("--out needs a folder path, found an empty one") }
    }

    public func run() throws {
        let base = try ScenarioRun.load(file: file, overrides: overrides, variant: nil, seed: seed,
                                        eventBudget: runLimits.eventBudgetCheck)
        var names: [String] = []
        for name in variants.isEmpty ? base.variants.map(\.name) : variants where !names.contains(name) {
            names.append(name)
        }
        // Every variant is loaded (and so checked) before anything runs.
        var specs = [base]
        for name in names {
            var spec = try ScenarioRun.load(file: file, overrides: overrides, variant: name, seed: seed,
                                            eventBudget: runLimits.eventBudgetCheck)
            spec.seed = base.seed
            specs.append(spec)
        }
        let directory: OutputDirectory?
        do {
            directory = try out.map { path throws(CLIError) in try OutputDirectory(path: path, kind: .compare) }
        } catch {
            Console.error(error.description)
            throw ExitCode(2)
        }

        let figures = KeyFigure.all(for: base)
        let limits = runLimits.limits
        let replications = self.replications
        let loaded = specs
        // The report's charts need each run's series; kept only when there is a report to write.
        let keepTraces = directory != nil
        let progress = ProgressReporter(label: "compare", total: Double(loaded.count * replications))
        // Every run's trace is kept until the report is drawn: together they stay bounded.
        let tracePoints = RunTrace.points(runs: loaded.count * replications, clients: base.clients.count)
        let outputs = ParallelRunner.orderedMap(count: loaded.count * replications, jobs: JobCount.resolve(jobs), { index in
            var spec = loaded[index / replications]
            spec.seed = base.seed &+ UInt64(index % replications)
            let run = ScenarioRun(spec: spec, limits: limits)
            return (RunFigures(result: run.result, analysis: run.analysis, figures: figures),
                    keepTraces ? RunTrace(result: run.result, points: tracePoints) : nil)
        }, finished: { _, _ in progress.advance() })
        progress.finish()
        let runs = outputs.map(\.0)
        let comparison = Comparison(
            scenario: base.name, baseSeed: base.seed, variants: [Comparison.baseName] + names, figures: figures,
            runs: specs.indices.map { v in Array(runs[(v * replications)..<((v + 1) * replications)]) })

        // What each column applied (its variant's pairs, then every --set), so comparison.json
        // names more than the variants' names.
        let provenances = zip([nil] + names, specs).map { name, spec in
            ScenarioRun.provenance(of: spec, variant: name, overrides: overrides)
        }
        let json = comparison.json(provenances: provenances).rendered() + "\n"
        var written: [String] = []
        if let directory {
            do {
                let traces = specs.indices.map { v in outputs[(v * replications)..<((v + 1) * replications)].compactMap(\.1) }
                let report = ComparisonPage.render(comparison: comparison, traces: traces, spec: base, provenances: provenances)
                written = try directory.replaceSet(with: [
                    ("comparison.json", json), ("comparison.csv", comparison.csv), ("report.html", report),
                ])
            } catch {
                Console.error(error.description)
                throw ExitCode(2)
            }
        }
        switch format {
        case .json:
            Console.json(json)
        case .text:
            var text = comparison.table
            if let sets = provenances.first, !sets.isEmpty, let end = text.firstIndex(of: "\n") {
                // The --set flags apply to every column: say so under the title line.
                text.insert(contentsOf: "\n\(sets.line), in every column", at: end)
            }
            if !written.isEmpty {
                text += "\noutputs:\n" + written.map { "  \(TerminalText.inline($0))" }.joined(separator: "\n") + "\n"
            }
            Console.out(text)
        }
        let limited = comparison.limitedRuns.count
        if limited > 0 {
            Console.error("satsim: \(limited) of \(runs.count) runs stopped at a limit; their figures are partial (listed in the output)")
            throw ExitCode(1)
        }
    }
}

extension Comparison {
    /// comparison.json: the settings, each variant's runs (seed, outcome, limit, figures), and
    /// for each figure and outcome share the mean, interval and paired difference per variant
    /// (an outcome share: its Wilson interval and McNemar's mid-p test of the paired runs).
    /// `provenances[v]` lists what variant v applied (its pairs, then every `--set`).
    func json(provenances: [RunProvenance]) -> JSONValue {
        func number(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }
        func interval(_ i: MeanInterval?) -> [(String, JSONValue)] {
            [("runs", .int(i?.count ?? 0)), ("mean", number(i?.mean)), ("ci_half_width", number(i?.halfWidth))]
        }
        func rows(_ rows: [Row]) -> JSONValue {
            .array(rows.map { row in
                .object([
                    ("figure", .string(row.path)),
                    ("variants", .array(row.cells.enumerated().map { v, cell in
                        var members: [(String, JSONValue)] = [("name", .string(variants[v]))] + interval(cell.interval)
                        // An outcome share: its Wilson interval, and McNemar's test of the pairs.
                        if let share = cell.share {
                            members += [("ci_low", .number(share.low)), ("ci_high", .number(share.high)), ("ci_method", .string("wilson"))]
                        }
                        if v > 0 {
                            var test: [(String, JSONValue)] = []
                            if let paired = cell.pairedTest {
                                test = [("test", .string("mcnemar_mid_p")), ("p_value", .number(paired.midP)),
                                        ("exact_p_value", .number(paired.exactP)),
                                        ("only_variant", .int(paired.onlyVariant)), ("only_base", .int(paired.onlyBase))]
                            }
                            members.append(("difference", .object(interval(cell.difference) + test + [
                                ("differs_from_base", cell.differenceTested ? .bool(cell.differsFromBase) : .null),
                            ])))
                        }
                        return .object(members)
                    })),
                ])
            })
        }
        return .object([
            ("scenario", .string(scenario)),
            ("base_seed", .string(String(baseSeed))),
            ("replications", .int(replications)),
            ("seed_rule", .string("replication r of every variant uses seed base_seed + r")),
            ("confidence_level", .number(level)),
            ("variants", .array(variants.indices.map { v in
                .object([
                    ("name", .string(variants[v])),
                    ("overrides", .array((v < provenances.count ? provenances[v].overrides : []).map(\.json))),
                    ("outcomes", .object(outcomeCounts(variant: v).map { ($0.outcome, .int($0.count)) })),
                    ("stopped_at_limit", .int(runs[v].filter { $0.limit != nil }.count)),
                    ("runs", .array(runs[v].enumerated().map { r, run in
                        var members: [(String, JSONValue)] = [
                            ("replication", .int(r)), ("seed", .unsigned(run.seed)),
                            ("outcome", run.outcome.map { .string($0.rawValue) } ?? .null), ("complete", .bool(run.limit == nil)),
                        ]
                        if let limit = run.limit { members.append(("limit", .string(limit))) }
                        members.append(("figures", .object(figures.indices.map { (figures[$0].path, number(run.values[$0])) })))
                        return .object(members)
                    })),
                ])
            })),
            ("figures", rows(figureRows)),
            ("outcome_shares", rows(outcomeRows)),
        ])
    }
}
