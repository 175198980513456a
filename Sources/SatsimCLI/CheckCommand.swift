import ArgumentParser
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario

/// `satsim check FILE...`: run each scenario and test its `expect` entries.
///
/// For each file: one line per expectation (`PASS clients.users.goodput_per_s >= 700 (was 712.3)`,
/// `FAIL outcome recovered (was metastable)`), then the file's verdict. A file without `expect` is
/// not run: it says so and counts as passing, since there is nothing to check (so that
/// `satsim check Scenarios/*.yaml` checks the files that state expectations). A run that stops at a
/// limit fails, whatever its partial figures say. Exit code 0 when every expectation of every file
/// holds, 1 when one fails, 2 when a file or flag is bad input (the other files are still checked).
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run scenarios and test their `expect` entries.",
        discussion: """
            Prints PASS or FAIL for each expectation with the value found, then each file's verdict. \
            A file without `expect` is not run and counts as passing. Exit code 0 when all hold, \
            1 when one fails or a run stops at a limit, 2 for a bad scenario or flag.
            """
    )

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(parsing: .unconditional, help: "The random seed (overrides each scenario's `seed`).", transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of every scenario.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(name: .customLong("variant"), help: ArgumentHelp("Apply the variant NAME (every file must define it; one).", valueName: "NAME"))
    var variants: [String] = []

    /// The one variant to apply; ``validate()`` refuses two different ones, so none is dropped.
    var variant: String? { variants.first }

    @OptionGroup var runLimits: RunLimitOptions


    public init() {}

    public func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one scenario file: satsim check FILE...") }
        try VariantFlag.checkSingle(variants, command: "check")
    }

    public func run() throws {
        var badInput = false
        var failed = false
        for file in files {
            let spec: ScenarioSpec
            do {
                spec = try ScenarioRun.load(file: file, overrides: overrides, variant: variant, seed: seed)
            } catch {
                // The loader has printed the diagnostics.
                Console.out("\(file): bad input, not checked")
                badInput = true
                continue
            }
            let title = "\(file)" + (variant.map { " --variant \($0)" } ?? "") + " (seed \(spec.seed))"
            guard !spec.expectations.isEmpty else {
                Console.out("\(title): no `expect` entries, nothing to check (not run)")
                continue
            }
            let provenance = ScenarioRun.provenance(of: spec, variant: variant, overrides: overrides)
            let run = ScenarioRun(spec: spec, provenance: provenance, limits: runLimits.limits)
            let summary = SummaryDocument.json(result: run.result, analysis: run.analysis, spec: spec, provenance: provenance)
            let checks = spec.expectations.map { ExpectationCheck($0, figure: summary.figure(at:)) }
            var lines = [title]
            lines += checks.map { "  " + $0.line }
            let failures = checks.filter { !$0.holds }.count
            if let limit = run.result.limitHit {
                lines.append("  FAIL the run stopped at a limit, its figures are partial: \(limit.message)")
            }
            let passes = failures == 0 && run.result.limitHit == nil
            let verdict = passes
                ? "all \(checks.count) expectation\(checks.count == 1 ? "" : "s") hold"
                : "\(failures) of \(checks.count) expectation\(checks.count == 1 ? "" : "s") failed"
                    + (run.result.limitHit == nil ? "" : "; the run stopped at a limit")
            lines.append("\(file): \(passes ? "PASS" : "FAIL"), \(verdict)")
            Console.out(lines.joined(separator: "\n"))
            if !passes { failed = true }
        }
        if badInput { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }
}

extension JSONValue {
    /// The summary figure at a dotted path (`clients.users.latency.p99`); nil when there is none.
    func figure(at path: String) -> SummaryFigure? {
        var node = self
        for key in path.split(separator: ".", omittingEmptySubsequences: false) {
            guard case .object(let members) = node, let next = members.first(where: { $0.0 == key })?.1 else {
                return nil
            }
            node = next
        }
        switch node {
        case .null: return SummaryFigure.none
        case .bool(let flag): return .flag(flag)
        case .int(let i): return .number(Double(i))
        case .number(let x): return x.isFinite ? .number(x) : SummaryFigure.none
        case .string(let text): return .text(text)
        case .array, .object: return nil
        }
    }
}
