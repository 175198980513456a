import SatsimModel
import SatsimScenario

/// One `expect` entry tested against a run's summary: what `satsim check` prints as a line.
///
/// `outcome: recovered` holds when the run's outcome is that name, `outcome: "!= metastable"` when
/// it is not, `outcome: [recovered, stable]` when it is any of them; every other entry compares a
/// number (`">= 700"`, `"< 0.5"`, a bare number meaning `==`). An entry fails, rather than being
/// skipped, when its figure has no value in this run (the `recovery_time` of a run that did not
/// recover) or is not in the summary at all: an expectation that cannot be tested does not hold.
public struct ExpectationCheck: Sendable, Hashable {
    /// Why an expectation held or not.
    public enum Status: Sendable, Hashable {
        /// The figure satisfies the condition.
        case pass
        /// The figure has a value that does not satisfy the condition.
        case fail
        /// The summary has no figure at this path.
        case missingFigure
        /// The figure exists but has no value in this run (e.g. `recovery_time` without recovery).
        case noValue
        /// The condition cannot be read, or does not apply to this kind of figure (a number
        /// compared with a text). The loader refuses these, so this guards hand-built specs.
        case malformedCondition
    }

    public var expectation: ExpectationSpec
    /// The value found in the summary; nil when there is no such figure.
    public var observed: SummaryFigure?
    public var status: Status

    /// Whether the expectation holds.
    public var holds: Bool { status == .pass }

    /// Tests `expectation` against the figure `figure(path)` returns (nil: no such figure).
    public init(_ expectation: ExpectationSpec, figure: (String) -> SummaryFigure?) {
        self.expectation = expectation
        let observed = figure(expectation.path)
        self.observed = observed
        guard let observed else {
            status = .missingFigure
            return
        }
        switch observed {
        case .none:
            status = .noValue
        case .text(let text):
            // Texts (the outcome) are compared by name (`recovered`, `!= metastable`, a list
            // `in [recovered, stable]`); a comparison with a number such as ">= 3" does not apply.
            guard let condition = OutcomeCondition(expectation.condition) else {
                status = .malformedCondition
                return
            }
            status = condition.holds(for: text) ? .pass : .fail
        case .flag(let flag):
            let wanted = expectation.condition.trimmingSpacesAndTabs()
            guard wanted == "true" || wanted == "false" else {
                status = .malformedCondition
                return
            }
            status = (wanted == "true") == flag ? .pass : .fail
        case .number(let x):
            guard let condition = ExpectationCondition(expectation.condition) else {
                status = .malformedCondition
                return
            }
            guard x.isFinite else {
                status = .noValue
                return
            }
            status = condition.holds(for: x) ? .pass : .fail
        }
    }

    /// The line `satsim check` prints: `PASS clients.users.goodput_per_s >= 700 (was 712.3)`,
    /// `FAIL outcome recovered (was metastable)`, `PASS outcome in [recovered, stable] (was stable)`.
    public var line: String {
        let condition = expectation.condition.trimmingSpacesAndTabs()
        let head = "\(holds ? "PASS" : "FAIL") \(expectation.path) \(condition)"
        switch status {
        case .pass, .fail:
            return head + " (was \(observedText))"
        case .noValue:
            return head + " (no value in this run)"
        case .missingFigure:
            return head + " (no such figure in the summary)"
        case .malformedCondition:
            return head + " (the condition does not apply to \(observedText))"
        }
    }

    /// The observed value as printed; a number is shown exactly when its rounded text would
    /// appear to contradict the verdict (`>= 700` failing with 699.96 must not read "was 700.0").
    private var observedText: String {
        guard let observed else { return "nothing" }
        guard case .number(let x) = observed, let condition = ExpectationCondition(expectation.condition) else {
            return observed.description
        }
        let rounded = FigureText.number(x)
        if let shown = Double(rounded), condition.holds(for: shown) != condition.holds(for: x) {
            return "\(x)"
        }
        return rounded
    }
}

extension String {
    fileprivate func trimmingSpacesAndTabs() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
