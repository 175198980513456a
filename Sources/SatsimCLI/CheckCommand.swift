import ArgumentParser
import SatsimMetrics
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimReport
import SatsimScenario

/// `satsim check FILE...`: run each scenario and test its `expect` entries.
///
/// For each file: one line per expectation (`PASS clients.users.goodput_per_s >= 700 (was 712.3)`,
/// `FAIL outcome recovered (was metastable)`), then the file's verdict. Then, for each variant with
/// its own block under `expect.variants`, the same for a run of that variant (same seed and --set):
/// a variant exists to change the story, so it states its own lesson. `--variant NAME` checks only
/// that variant, against its own block, or the base block when it has none. A file without `expect` is
/// not run: it says so and counts as passing, since there is nothing to check (so that
/// `satsim check Scenarios/*.yaml` checks the files that state expectations). A run that stops at a
/// limit fails, whatever its partial figures say. Exit code 0 when every expectation of every file
/// holds, 1 when one fails, 2 when a file or flag is bad input (the other files are still checked).
public struct CheckCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run scenarios and test their `expect` entries.",
        discussion: """
            Prints PASS or FAIL for each expectation with the value found, then each file's verdict, \
            then the same for each variant with its own block under `expect.variants` (run with the \
            same seed). With --variant NAME only that variant is checked, against its own block, or \
            the base block when it has none. A file without `expect` is not run and counts as passing. Exit code 0 when all hold, \
            1 when one fails or a run stops at a limit, 2 for a bad scenario or flag.
            """
    )

    @Argument(help: "Scenario files (YAML).")
    var files: [String]

    @Option(parsing: .unconditional, help: "The random seed (overrides each scenario's `seed`).", transform: FlagValue.seed)
    var seed: UInt64?

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a scalar of every scenario.", valueName: "PATH=VALUE"))
    var overrides: [String] = []

    @Option(name: .customLong("variant"), help: ArgumentHelp(
        "Check only the variant NAME (every file must define it; one): its `expect.variants` block, else the base `expect`.",
        valueName: "NAME"))
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
                spec = try ScenarioRun.load(file: file, overrides: overrides, variant: variant, seed: seed,
                                              eventBudget: runLimits.eventBudgetCheck)
            } catch {
                // The loader has printed the diagnostics.
                Console.out("\(TerminalText.inline(file)): bad input, not checked")
                badInput = true
                continue
            }
            if let variant {
                // One variant: its own block, else the base block (ScenarioSpec.expectations(forVariant:)).
                let expectations = spec.expectations(forVariant: variant)
                guard !expectations.isEmpty else {
                    Console.out("\(TerminalText.inline(file)) --variant \(TerminalText.inline(variant)) (seed \(spec.seed)): no `expect` entries, nothing to check (not run)")
                    continue
                }
                if !check(file: file, spec: spec, variant: variant, expectations: expectations) { failed = true }
                continue
            }
            // No --variant: the base block, then each variant's own block, each variant run with the
            // same seed and --set values.
            guard !spec.expectations.isEmpty || !spec.variantExpectations.isEmpty else {
                Console.out("\(TerminalText.inline(file)) (seed \(spec.seed)): no `expect` entries, nothing to check (not run)")
                continue
            }
            if !spec.expectations.isEmpty {
                if !check(file: file, spec: spec, variant: nil, expectations: spec.expectations) { failed = true }
            }
            for block in spec.variantExpectations {
                let variantSpec: ScenarioSpec
                do {
                    variantSpec = try ScenarioRun.load(file: file, overrides: overrides, variant: block.variant, seed: seed,
                                                            eventBudget: runLimits.eventBudgetCheck)
                } catch {
                    Console.out("\(TerminalText.inline(file)) --variant \(TerminalText.inline(block.variant)): bad input, not checked")
                    badInput = true
                    continue
                }
                if !check(file: file, spec: variantSpec, variant: block.variant, expectations: block.expectations) { failed = true }
            }
        }
        if badInput { throw ExitCode(2) }
        if failed { throw ExitCode(1) }
    }

    /// Runs `spec` (with `variant` applied already) and prints one block: a title, a line per
    /// expectation, and the verdict. True when every expectation holds and no limit was hit.
    private func check(file: String, spec: ScenarioSpec, variant: String?, expectations: [ExpectationSpec]) -> Bool {
        let label = TerminalText.inline(file) + (variant.map { " --variant \(TerminalText.inline($0))" } ?? "")
        let provenance = ScenarioRun.provenance(of: spec, variant: variant, overrides: overrides)
        let run = ScenarioRun(spec: spec, provenance: provenance, limits: runLimits.limits)
        let summary = SummaryDocument.json(result: run.result, analysis: run.analysis, spec: spec, provenance: provenance)
        let checks = expectations.map { ExpectationCheck($0, figure: summary.figure(at:)) }
        var lines = ["\(label) (seed \(spec.seed))"]
        lines += checks.map { "  " + $0.line }
        let failures = checks.filter { !$0.holds }.count
        if let limit = run.result.limitHit {
            lines.append("  FAIL the run stopped at a limit, its figures are partial: \(limit.message)")
        }
        let passes = failures == 0 && run.result.limitHit == nil
        let verdict = passes
            ? (checks.count == 1 ? "its 1 expectation holds" : "all \(checks.count) expectations hold")
            : "\(failures) of \(checks.count) expectation\(checks.count == 1 ? "" : "s") failed"
                + (run.result.limitHit == nil ? "" : "; the run stopped at a limit")
        lines.append("\(label): \(passes ? "PASS" : "FAIL"), \(verdict)")
        Console.out(lines.joined(separator: "\n"))
        return passes
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
        case .unsigned(let u): return .number(Double(u))
        case .number(let x): return x.isFinite ? .number(x) : SummaryFigure.none
        case .string(let text): return .text(text)
        case .array, .object: return nil
        }
    }
}
