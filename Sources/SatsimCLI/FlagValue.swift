import ArgumentParser
import SatsimScenario

/// Readers for the numeric flags, so that a wrong value is told what was wrong.
///
/// The numeric options are declared with `parsing: .unconditional`: without it, argument-parser
/// takes `-1` in `--seed -1` for a flag and reports "Missing value for '--seed'", which hides the
/// mistake. With it, the value is always read, and these readers say what is accepted;
/// argument-parser prints "The value '-1' is invalid for '--seed <seed>': " before the reason.
enum FlagValue {
    /// A reason argument-parser appends to its "invalid value" message.
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    /// A seed: a whole number in 0...UInt64.max.
    static func seed(_ text: String) throws -> UInt64 {
        if let value = UInt64(text) { return value }
        if let negative = Int64(text), negative < 0 {
            throw Problem(description: "a seed is a whole number from 0 to \(UInt64.max); it cannot be negative")
        }
        throw Problem(description: "expected a whole number from 0 to \(UInt64.max)")
    }

    /// A reader for one of an enumeration's names (`--format`): a wrong one is told the names
    /// and, when it is a plausible misspelling of one, which (`jsn`: did you mean 'json'?), as a
    /// wrong key of a scenario is. argument-parser's own message named the values only.
    static func choice<Value: RawRepresentable & CaseIterable & SendableMetatype>(_: Value.Type) -> @Sendable (String) throws -> Value
    where Value.RawValue == String {
        let names = Value.allCases.map(\.rawValue)
        return { text in
            if let value = Value(rawValue: text) { return value }
            let expected = "expected " + (names.count == 2 ? names.joined(separator: " or ") : "one of " + names.joined(separator: ", "))
            guard let hint = Suggestion.closest(to: text, in: names) else { throw Problem(description: expected) }
            throw Problem(description: expected + "; did you mean '\(hint)'?")
        }
    }

    /// A reader for a whole number in `range` (a count of runs, jobs, events).
    static func count(in range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            let limits = range.upperBound == Int.max ? "a whole number >= \(range.lowerBound)"
                : "a whole number from \(range.lowerBound) to \(range.upperBound)"
            guard let value = Int(text) else {
                throw Problem(description: "expected \(limits)")
            }
            guard range.contains(value) else {
                throw Problem(description: "expected \(limits), found \(value)")
            }
            return value
        }
    }
}

/// `--variant` on the commands that apply one variant (`run`, `check`, `explain`).
enum VariantFlag {
    /// Refuses two different `--variant` names: applying only the last would silently drop the
    /// others, and a scenario's variants are alternatives, not steps to combine. The same name
    /// given twice is the same request, and is accepted.
    static func checkSingle(_ names: [String], command: String) throws {
        var distinct: [String] = []
        for name in names where !distinct.contains(name) { distinct.append(name) }
        guard distinct.count > 1 else { return }
        throw ValidationError(
            "--variant was given \(distinct.count) different names (\(distinct.joined(separator: ", "))); "
                + "\(command) applies one variant. Give one, or compare them: satsim compare FILE "
                + distinct.map { "--variant \($0)" }.joined(separator: " "))
    }
}
