import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// `variants`: each a mapping of KEY.PATH to a scalar, or to a list of scalars for a key that
    /// holds one (`clients.users.retry.on: [timeout, error]`, stored as the text `[timeout, error]`,
    /// which ``Overlay`` reads back as the list). Paths are checked by ``ScenarioValidator``.
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
                if let items = pair.value.items {
                    // A whole list of scalars, kept as flow text: no item may hold what would
                    // make that text read back differently.
                    let texts = items.compactMap { $0.isNull ? nil : $0.scalar }
                    guard texts.count == items.count,
                          !texts.contains(where: { $0.isEmpty || $0.contains(",") || $0.contains("[") || $0.contains("]") || $0 != $0.trimmingSpaces() })
                    else {
                        error(pair.value.position, "\(path).\(pair.key)", "found a list holding more than plain scalars, expected a scalar value or a list of plain scalars such as [timeout, error]")
                        continue
                    }
                    overrides.append(ScalarOverride(path: pair.key, value: "[" + texts.joined(separator: ", ") + "]"))
                    continue
                }
                guard let text = pair.value.scalar, !pair.value.isNull else {
                    error(pair.value.position, "\(path).\(pair.key)", "found \(pair.value.foundDescription), expected a scalar value or a list of scalars")
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
                    if pair.key == "seed" {
                        // `seed` would also collide with the store's own `seed` column.
                        error(pair.keyPosition, path, "each run's seed is derived from the scenario seed, the point and the "
                              + "replication; expected another KEY.PATH (for more runs per point set sweep.replications, "
                              + "for another base seed give satsim sweep --seed)")
                        continue
                    }
                    if pair.key == "sweep" || pair.key.hasPrefix("sweep.") {
                        error(pair.keyPosition, path, "the sweep block describes the sweep itself, not a run; expected a path "
                              + "of the scenario (set sweep.replications for more runs per point)")
                        continue
                    }
                    guard let items = pair.value.items, !items.isEmpty else {
                        let found = pair.value.items != nil ? "an empty list" : pair.value.foundDescription
                        error(pair.value.position, path, "found \(found), expected a non-empty list of values")
                        continue
                    }
                    var values: [String] = []
                    // Where each value first appears: a lookup, not a scan of the values before
                    // it (40,000 values scanned took 30 s to check in a debug build).
                    var seen: [String: Int] = [:]
                    for (index, item) in items.enumerated() {
                        positions.record("\(path).\(index)", key: nil, value: item.position)
                        if let text = item.scalar, !item.isNull {
                            // A repeated value is a second point of the same settings whose runs
                            // draw the same seeds (they derive from the values): the same runs
                            // twice, counted in the table and the phase diagram as if independent.
                            if let first = seen[text] {
                                error(item.position, "\(path).\(index)",
                                      "found \(Diagnostic.shown(text)) again (also item \(first)); expected each value once: a repeated value is the same point, on the same seeds, run twice (raise sweep.replications for more runs)")
                            }
                            if seen[text] == nil { seen[text] = values.count }
                            values.append(text)
                        } else {
                            error(item.position, "\(path).\(index)", "found \(item.foundDescription), expected a scalar value")
                        }
                    }
                    vary.append((pair.key, values))
                }
            } else {
                let found = entry.value.entries?.isEmpty == true ? "an empty mapping" : entry.value.foundDescription
                error(entry.value.position, "sweep.vary", "found \(found), expected a mapping of KEY.PATH to a list of values")
            }
        }
        guard let replications = integer(s, "replications") else { return nil }
        return SweepSpec(vary: vary, replications: replications)
    }

    /// `expect`: figure paths and conditions, both checked here (figure names by
    /// ``ScenarioValidator``). Its `variants` entry holds each variant's own block, decoded by
    /// ``variantExpectations(_:)``.
    mutating func expectations(_ top: Fields) -> [ExpectationSpec] {
        guard let entry = top.entries["expect"], !entry.value.isNull else { return [] }
        guard let pairs = entry.value.entries else {
            error(entry.value.position, "expect", "found \(entry.value.foundDescription), expected a mapping of summary figures to conditions")
            return []
        }
        return expectationEntries(pairs.filter { $0.key != "variants" }, prefix: "expect")
    }

    /// `expect.variants`: `{ NAME: { FIGURE: CONDITION, ... } }`, NAME one of `variants`.
    mutating func variantExpectations(_ top: Fields) -> [VariantExpectationsSpec] {
        guard let expect = top.entries["expect"], let pairs = expect.value.entries,
              let entry = pairs.first(where: { $0.key == "variants" }) else { return [] }
        positions.record("expect.variants", key: entry.keyPosition, value: entry.value.position)
        guard let blocks = entry.value.entries, !entry.value.isNull else {
            error(entry.value.position, "expect.variants",
                "found \(entry.value.foundDescription), expected a mapping of variant names to their expectations")
            return []
        }
        let names = top.entries["variants"]?.value.entries?.map(\.key) ?? []
        var result: [VariantExpectationsSpec] = []
        for block in blocks {
            let path = "expect.variants.\(block.key)"
            positions.record(path, key: block.keyPosition, value: block.value.position)
            guard names.contains(block.key) else {
                error(block.keyPosition, path,
                    names.isEmpty ? "no variant named '\(block.key)': the file has no `variants`"
                        : "no variant named '\(block.key)'; expected one of " + Diagnostic.listed(names),
                    suggestion: Suggestion.closest(to: block.key, in: names))
                continue
            }
            guard let entries = block.value.entries, !entries.isEmpty else {
                error(block.value.position, path,
                    "found \(block.value.foundDescription), expected a non-empty mapping of summary figures to conditions")
                continue
            }
            result.append(VariantExpectationsSpec(variant: block.key, expectations: expectationEntries(entries, prefix: path)))
        }
        return result
    }

    /// The entries of one `expect` block, their paths under `prefix`.
    private mutating func expectationEntries(_ pairs: [YAMLEntry], prefix: String) -> [ExpectationSpec] {
        var result: [ExpectationSpec] = []
        for pair in pairs {
            let path = "\(prefix).\(pair.key)"
            positions.record(path, key: pair.keyPosition, value: pair.value.position)
            if pair.key == "outcome", let items = pair.value.items {
                if let condition = outcomeList(items, pair.value, path) {
                    result.append(ExpectationSpec(path: pair.key, condition: condition))
                }
                continue
            }
            if prefix == "expect", pair.value.entries != nil {
                // Only `variants` holds a mapping; a misspelt `variants` must not read as a bad figure.
                error(pair.value.position, path,
                    "found \(pair.value.foundDescription), expected a condition such as \">= 700\" (only `variants` holds a mapping)",
                    suggestion: Suggestion.closest(to: pair.key, in: ["variants"]))
                continue
            }
            guard let condition = pair.value.scalar, !pair.value.isNull else {
                error(pair.value.position, path, "found \(pair.value.foundDescription), expected a condition such as \">= 700\"")
                continue
            }
            if pair.key == "outcome" {
                let outcomes = schema.outcomes
                guard let parsed = OutcomeCondition(condition) else {
                    error(pair.value.position, path, "found \(pair.value.foundDescription), expected an outcome, \"!= OUTCOME\" "
                        + "or a list of outcomes; outcomes are " + outcomes.joined(separator: ", "),
                        suggestion: Suggestion.closest(to: condition, in: outcomes))
                    continue
                }
                if let unknown = parsed.names.first(where: { !outcomes.contains($0) }) {
                    error(pair.value.position, path, "found \(pair.value.foundDescription), expected one of " + outcomes.joined(separator: ", "),
                        suggestion: Suggestion.closest(to: unknown, in: outcomes))
                    continue
                }
                if let repeated = parsed.names.enumerated().first(where: { parsed.names.prefix($0.offset).contains($0.element) }) {
                    // The text form `in [stable, stable]` is refused as the list form is.
                    error(pair.value.position, path, "found \(pair.value.foundDescription), expected each outcome once ("
                        + "\(repeated.element) is listed twice): the list passes when the run's outcome is any of them")
                    continue
                }
            } else if ExpectationCondition(condition) == nil {
                error(pair.value.position, path,
                    "found \(pair.value.foundDescription), expected a comparison and a number such as \">= 700\" (one of <, <=, ==, !=, >=, >)",
                    suggestion: Self.comparisonSuggestion(condition))
                continue
            }
            result.append(ExpectationSpec(path: pair.key, condition: condition))
        }
        return result
    }

    /// The comparison a condition most likely meant, when its operator is a common slip for one
    /// of satsim's (`=> 0` for `>= 0`, `=< 5`, `= 3`, `<> 1`, `≥ 0`) and the rest reads: nil otherwise.
    static func comparisonSuggestion(_ condition: String) -> String? {
        let slips: [(String, String)] = [("=>", ">="), ("=<", "<="), ("<>", "!="), ("=!", "!="), ("≥", ">="), ("≤", "<="), ("≠", "!="), ("===", "=="), ("=", "==")]
        let text = condition.trimmingCharacters(in: .whitespaces)
        for (slip, meant) in slips where text.hasPrefix(slip) {
            let candidate = meant + " " + text.dropFirst(slip.count).trimmingCharacters(in: .whitespaces)
            if ExpectationCondition(candidate) != nil { return candidate }
        }
        return nil
    }

    /// `outcome: [recovered, stable]`: any of them passes. Each item is checked where it is
    /// written; the condition is kept as `in [recovered, stable]`.
    private mutating func outcomeList(_ items: [YAMLNode], _ node: YAMLNode, _ path: String) -> String? {
        let outcomes = schema.outcomes
        guard !items.isEmpty else {
            error(node.position, path, "found an empty list, expected at least one of " + outcomes.joined(separator: ", "))
            return nil
        }
        var names: [String] = []
        var ok = true
        for (index, item) in items.enumerated() {
            guard let name = item.scalar, !item.isNull, outcomes.contains(name) else {
                error(item.position, "\(path).\(index)", "found \(item.foundDescription), expected one of " + outcomes.joined(separator: ", "),
                    suggestion: item.scalar.flatMap { Suggestion.closest(to: $0, in: outcomes) })
                ok = false
                continue
            }
            // A repeated outcome adds nothing to "any of them passes": almost certainly a slip
            // for another outcome, so it is refused rather than kept.
            if let first = items.prefix(index).firstIndex(where: { $0.scalar == name }) {
                let unlisted = outcomes.filter { candidate in !items.contains { $0.scalar == candidate } }
                error(item.position, "\(path).\(index)", "found \(item.foundDescription) again (also item \(first)); expected each outcome once: "
                    + "the list passes when the run's outcome is any of them, so a repeated one adds nothing"
                    + (unlisted.isEmpty ? "" : "; outcomes not listed are " + unlisted.joined(separator: ", ")))
                ok = false
                continue
            }
            names.append(name)
        }
        return ok ? "in [" + names.joined(separator: ", ") + "]" : nil
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
