import SatsimAnalysis
import SatsimModel
import Testing

/// `expect` entries tested against summary figures, as `satsim check` prints them.
@Suite("Expectation checks")
struct ExpectationCheckTests {
    /// A summary with a few figures, looked up by path.
    static let figures: [String: SummaryFigure] = [
        "outcome": .text("metastable"),
        "recovery_time": SummaryFigure.none,
        "clients.users.goodput_per_s": .number(712.34),
        "clients.users.latency.p99": .number(0.25),
        "services.api.wasted": .number(3),
        "complete": .flag(true),
    ]

    static func check(_ path: String, _ condition: String) -> ExpectationCheck {
        ExpectationCheck(ExpectationSpec(path: path, condition: condition)) { figures[$0] }
    }

    @Test("Each comparison operator, on both sides of its boundary", arguments: [
        (">= 712.34", true), (">= 712.35", false),
        ("> 712.33", true), ("> 712.34", false),
        ("<= 712.34", true), ("<= 712.33", false),
        ("< 712.35", true), ("< 712.34", false),
        ("== 712.34", true), ("== 712", false),
        ("!= 712", true), ("!= 712.34", false),
        ("712.34", true), ("700", false),
    ])
    func operators(condition: String, holds: Bool) {
        let check = Self.check("clients.users.goodput_per_s", condition)
        #expect(check.holds == holds, "\(condition) against 712.34")
        #expect(check.status == (holds ? .pass : .fail))
    }

    @Test("A passing line shows the condition and the value found")
    func passLine() {
        #expect(Self.check("clients.users.goodput_per_s", ">= 700").line
            == "PASS clients.users.goodput_per_s >= 700 (was 712.3)")
        #expect(Self.check("clients.users.latency.p99", "< 0.5").line == "PASS clients.users.latency.p99 < 0.5 (was 0.2500)")
        #expect(Self.check("services.api.wasted", "== 3").line == "PASS services.api.wasted == 3 (was 3)")
    }

    @Test("An outcome list passes when any name matches, != when the outcome is another", arguments: [
        ("in [recovered, metastable]", true), ("in [metastable]", true), ("in [recovered, stable]", false),
        ("!= recovered", true), ("!= metastable", false), ("== metastable", true), ("metastable", true), ("stable", false),
    ])
    func outcomeConditions(condition: String, holds: Bool) {
        let check = Self.check("outcome", condition)
        #expect(check.holds == holds, "\(condition) against metastable")
        #expect(check.status == (holds ? .pass : .fail))
    }

    @Test("Outcome lines state the condition as written")
    func outcomeLines() {
        #expect(Self.check("outcome", "in [recovered, stable]").line == "FAIL outcome in [recovered, stable] (was metastable)")
        #expect(Self.check("outcome", "!= metastable").line == "FAIL outcome != metastable (was metastable)")
        #expect(Self.check("outcome", "!= recovered").line == "PASS outcome != recovered (was metastable)")
    }

    @Test("The outcome is compared by name")
    func outcomeNames() {
        let fail = Self.check("outcome", "recovered")
        #expect(!fail.holds)
        #expect(fail.line == "FAIL outcome recovered (was metastable)")
        let pass = Self.check("outcome", "metastable")
        #expect(pass.holds)
        #expect(pass.line == "PASS outcome metastable (was metastable)")
    }

    @Test("A figure missing from the summary fails and says so")
    func missingFigure() {
        let check = Self.check("clients.users.goodput", ">= 1")
        #expect(!check.holds)
        #expect(check.status == .missingFigure)
        #expect(check.observed == nil)
        #expect(check.line == "FAIL clients.users.goodput >= 1 (no such figure in the summary)")
    }

    @Test("A figure without a value in this run (no recovery) fails")
    func noValue() {
        let check = Self.check("recovery_time", "<= 60")
        #expect(!check.holds)
        #expect(check.status == .noValue)
        #expect(check.line == "FAIL recovery_time <= 60 (no value in this run)")
    }

    @Test("A non-finite number counts as no value, even for !=")
    func nonFinite() {
        let check = ExpectationCheck(ExpectationSpec(path: "x", condition: "!= 1")) { _ in .number(.nan) }
        #expect(check.status == .noValue)
    }

    @Test("A number compared with a text does not apply, and fails")
    func comparisonOnText() {
        let check = Self.check("outcome", ">= 3")
        #expect(check.status == .malformedCondition)
        #expect(!check.holds)
    }

    @Test("Flags compare with true or false")
    func flags() {
        #expect(Self.check("complete", "true").holds)
        #expect(!Self.check("complete", "false").holds)
        #expect(Self.check("complete", ">= 1").status == .malformedCondition)
    }

    @Test("A value whose rounded text would contradict the verdict is shown exactly")
    func exactValueAtTheBoundary() {
        let check = ExpectationCheck(ExpectationSpec(path: "g", condition: ">= 700")) { _ in .number(699.96) }
        #expect(!check.holds)
        #expect(check.line == "FAIL g >= 700 (was 699.96)")
    }
}
