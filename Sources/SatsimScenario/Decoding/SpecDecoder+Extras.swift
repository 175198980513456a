import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// `variants`: each a mapping of KEY.PATH to a scalar. Paths are checked by ``ScenarioValidator``.
    mutating func variants(_ top: Fields) -> [VariantSpec] {
        var result: [VariantSpec] = []
        for entry in namedEntries(top, "variants") {
            let path = "variants.\(entry.key)"
            componentName(entry, path)
            guard let pairs = entry.value.entries else {
                error(entry.value.position, path, "found \(entry.value.foundDescription), expected a mapping of KEY.PATH to a value")
                continue
            }
            var overrides: [ScalarOverride] = []
            for pair in pairs {
                positions.record("\(path).\(pair.key)", key: pair.keyPosition, value: pair.value.position)
                guard let text = pair.value.scalar, !pair.value.isNull else {
                    error(pair.value.position, "\(path).\(pair.key)", "found \(pair.value.foundDescription), expected a scalar value")
                    continue
                }
                overrides.append(ScalarOverride(path: pair.key, value: text))
            }
            result.append(VariantSpec(name: entry.key, overrides: overrides))
        }
        return result
    }

    /// `sweep`.
    mutating func sweep(_ top: Fields) -> SweepSpec? {
        guard let s = nested(top, "sweep", shape: "sweep") else { return nil }
        var vary: [(path: String, values: [String])] = []
        if let entry = s.entries["vary"] {
            if let pairs = entry.value.entries, !pairs.isEmpty {
                for pair in pairs {
                    let path = "sweep.vary.\(pair.key)"
                    positions.record(path, key: pair.keyPosition, value: pair.value.position)
                    guard let items = pair.value.items, !items.isEmpty else {
                        error(pair.value.position, path, "found \(pair.value.foundDescription), expected a non-empty list of values")
                        continue
                    }
                    var values: [String] = []
                    for (index, item) in items.enumerated() {
                        positions.record("\(path).\(index)", key: nil, value: item.position)
                        if let text = item.scalar, !item.isNull {
                            values.append(text)
                        } else {
                            error(item.position, "\(path).\(index)", "found \(item.foundDescription), expected a scalar value")
                        }
                    }
                    vary.append((pair.key, values))
                }
            } else {
                error(entry.value.position, "sweep.vary", "found \(entry.value.foundDescription), expected a mapping of KEY.PATH to a list of values")
            }
        }
        guard let replications = integer(s, "replications") else { return nil }
        return SweepSpec(vary: vary, replications: replications)
    }

    /// `expect`: figure paths and conditions, both checked here.
    mutating func expectations(_ top: Fields) -> [ExpectationSpec] {
        guard let entry = top.entries["expect"], !entry.value.isNull else { return [] }
        guard let pairs = entry.value.entries else {
            error(entry.value.position, "expect", "found \(entry.value.foundDescription), expected a mapping of summary figures to conditions")
            return []
        }
        var result: [ExpectationSpec] = []
        for pair in pairs {
            let path = "expect.\(pair.key)"
            positions.record(path, key: pair.keyPosition, value: pair.value.position)
            guard let condition = pair.value.scalar, !pair.value.isNull else {
                error(pair.value.position, path, "found \(pair.value.foundDescription), expected a condition such as \">= 700\"")
                continue
            }
            if pair.key == "outcome" {
                let outcomes = schema.outcomes
                if !outcomes.contains(condition) {
                    error(pair.value.position, path, "found \(pair.value.foundDescription), expected one of " + outcomes.joined(separator: ", "),
                        suggestion: Suggestion.closest(to: condition, in: outcomes))
                    continue
                }
            } else if ExpectationCondition(condition) == nil {
                error(pair.value.position, path,
                    "found \(pair.value.foundDescription), expected a comparison and a number such as \">= 700\" (one of <, <=, ==, !=, >=, >)")
                continue
            }
            result.append(ExpectationSpec(path: pair.key, condition: condition))
        }
        return result
    }
}

/// A parsed `expect` condition: `">= 700"`, `"< 0.5"`, or a bare number (meaning `==`).
public struct ExpectationCondition: Sendable, Hashable {
    public enum Comparison: String, Sendable, CaseIterable { case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">" }
    public var comparison: Comparison
    public var value: Double

    /// Parses the condition text; nil when malformed.
    public init?(_ text: String) {
        let trimmed = text.trimmingSpaces()
        var comparison = Comparison.equal
        var rest = Substring(trimmed)
        for candidate in Comparison.allCases where rest.hasPrefix(candidate.rawValue) {
            comparison = candidate
            rest = rest.dropFirst(candidate.rawValue.count)
            break
        }
        guard let value = ScalarSyntax.number(String(rest).trimmingSpaces()) else { return nil }
        self.comparison = comparison
        self.value = value
    }

    /// Whether `x` satisfies the condition.
    public func holds(for x: Double) -> Bool {
        switch comparison {
        case .less: return x < value
        case .lessOrEqual: return x <= value
        case .equal: return x == value
        case .notEqual: return x != value
        case .greaterOrEqual: return x >= value
        case .greater: return x > value
        }
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while s.first == " " || s.first == "\t" { s = s.dropFirst() }
        while s.last == " " || s.last == "\t" { s = s.dropLast() }
        return String(s)
    }
}
