import Foundation
import SatsimModel
import SatsimScenario

/// One varied KEY.PATH of a sweep and its values, in order: `--vary PATH=V1,V2,...`, a range
/// `--vary PATH=LOW..HIGH/N`, or an entry of the scenario's `sweep.vary`.
public struct SweepAxis: Sendable, Hashable {
    /// The dotted path the values are set at, e.g. `clients.users.retry.max_attempts`.
    public var path: String
    /// The values as YAML scalar text (`600/s`, `0.75`, `30s`), typed by the key when applied.
    public var values: [String]

    public init(path: String, values: [String]) {
        self.path = path
        self.values = values
    }

    /// Parses a `--vary` argument. A value list is split at commas; a range `LOW..HIGH/N` gives N
    /// evenly spaced values from LOW to HIGH inclusive, both ends with the same unit suffix when
    /// they have one (`10s..60s/6` gives 10s, 20s, ... 60s; `0.5..1.0/6` gives 0.5, 0.6, ... 1).
    /// - Parameter ordinal: the 1-based position among the `--vary` flags, the line of its
    ///   diagnostics (`--vary:2:1: ...`).
    /// - Throws: ``ScenarioError`` for a missing `=`, an empty path or value, or a malformed range.
    public static func parse(_ argument: String, ordinal: Int = 1) throws(ScenarioError) -> SweepAxis {
        func problem(_ path: String, _ message: String, column: Int = 1) -> ScenarioError {
            ScenarioError(diagnostics: [Diagnostic(file: "--vary", line: ordinal, column: column, path: path, message: message)])
        }
        guard let equals = argument.firstIndex(of: "=") else {
            throw problem("", "found '\(argument)', expected PATH=V1,V2,... or PATH=LOW..HIGH/N such as clients.users.retry.max_attempts=1,2,4")
        }
        let path = argument[..<equals].trimmingCharacters(in: .whitespaces)
        let text = argument[argument.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        let valueColumn = argument.distance(from: argument.startIndex, to: equals) + 2
        guard !path.isEmpty, !path.split(separator: ".", omittingEmptySubsequences: false).contains(where: \.isEmpty) else {
            throw problem(path, "found an empty key in the path, expected PATH=V1,V2,... such as services.api.instances=2,3,4")
        }
        if text.contains("..") {
            let values: [String]
            do throws(RangeError) {
                values = try Self.range(text)
            } catch {
                throw problem(path, "found '\(text)': \(error.message); expected LOW..HIGH/N such as 0.5..1.0/6 (six values)",
                              column: valueColumn)
            }
            if let (first, again) = Self.repeated(values) {
                throw problem(path, "found '\(text)', which gives \(values[again]) as value \(first + 1) and again as value \(again + 1); "
                              + "expected N distinct values: a repeated value is the same point, on the same seeds, run twice "
                              + "(use fewer values, wider ends, or more --replications)", column: valueColumn)
            }
            return SweepAxis(path: path, values: values)
        }
        let values = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !values.contains(where: \.isEmpty) else {
            throw problem(path, "found an empty value in '\(text)', expected a comma-separated list such as 600/s,700/s",
                          column: valueColumn)
        }
        if let (first, again) = Self.repeated(values) {
            // A point's seeds derive from its values, so a repeated value runs the very same runs
            // again and the table and phase diagram count them as if they were independent.
            let items = argument[argument.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            let column = valueColumn + items.prefix(again).reduce(0) { $0 + $1.count + 1 } + items[again].prefix { $0 == " " }.count
            throw problem(path, "found \(values[again]) again (also value \(first + 1) of the list); expected each value once: "
                          + "a repeated value is the same point, on the same seeds, run twice (use --replications for more runs)",
                          column: column)
        }
        return SweepAxis(path: path, values: values)
    }

    /// The first value of `values` that repeats an earlier one: (the earlier's index, its own).
    static func repeated(_ values: [String]) -> (Int, Int)? {
        var seen: [String: Int] = [:]
        for (index, value) in values.enumerated() {
            if let first = seen[value] { return (first, index) }
            seen[value] = index
        }
        return nil
    }

    struct RangeError: Error { var message: String }

    /// The N values of `LOW..HIGH/N`.
    static func range(_ text: String) throws(RangeError) -> [String] {
        guard let slash = text.lastIndex(of: "/"), let count = Int(text[text.index(after: slash)...]) else {
            throw RangeError(message: "a range ends with /N, the number of values")
        }
        guard (1...100_000).contains(count) else { throw RangeError(message: "N must be between 1 and 100000, found \(count)") }
        let bounds = text[..<slash].components(separatedBy: "..")
        guard bounds.count == 2 else { throw RangeError(message: "a range has one '..' between its ends") }
        guard let low = Self.quantity(bounds[0]), let high = Self.quantity(bounds[1]) else {
            throw RangeError(message: "each end is a number, optionally with a unit such as 10s")
        }
        guard low.unit == high.unit else {
            throw RangeError(message: "the ends have different units ('\(low.unit)' and '\(high.unit)')")
        }
        guard count > 1 else { return [Self.render(low.number) + low.unit] }
        return (0..<count).map { i in
            // Interpolated from both ends, so the last value is HIGH exactly.
            let t = Double(i) / Double(count - 1)
            return Self.render(low.number * (1 - t) + high.number * t) + low.unit
        }
    }

    /// A number and its unit suffix: `10s` -> (10, "s"), `600/s` -> (600, "/s"), `0.5` -> (0.5, "").
    static func quantity(_ text: String) -> (number: Double, unit: String)? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var end = trimmed.startIndex
        for index in trimmed.indices {
            let c = trimmed[index]
            if c.isNumber || c == "." || c == "-" || c == "+" || ((c == "e" || c == "E") && index != trimmed.startIndex
                && trimmed.index(after: index) < trimmed.endIndex && trimmed[trimmed.index(after: index)].isNumber) {
                end = trimmed.index(after: index)
            } else {
                break
            }
        }
        guard let number = Double(trimmed[..<end]), number.isFinite else { return nil }
        return (number, String(trimmed[end...]))
    }

    /// The shortest text of `x` at 12 significant digits, so 0.1 steps print as 0.6, not
    /// 0.6000000000000001.
    static func render(_ x: Double) -> String {
        var text = String(format: "%.12g", x)
        if text == "-0" { text = "0" }
        return text
    }
}
