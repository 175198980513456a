/// A parsed `expect.outcome` condition: `recovered`, `"!= metastable"`, or a list of outcomes
/// (`[recovered, stable]`, kept as the text `in [recovered, stable]`) of which any one passes.
public struct OutcomeCondition: Sendable, Hashable {
    /// The outcome names the condition mentions.
    public var names: [String]
    /// True for `!= NAME`: the outcome must be none of `names`.
    public var negated: Bool

    /// A list condition: any of `names` passes.
    public init(oneOf names: [String]) {
        self.names = names
        self.negated = false
    }

    /// Parses `NAME`, `== NAME`, `!= NAME` or `in [A, B, ...]`; nil when malformed (an empty
    /// name or list, a number, a comparison other than `==`/`!=`).
    public init?(_ text: String) {
        let trimmed = text.trimmingSpaces()
        if trimmed.hasPrefix("in [") || trimmed.hasPrefix("in[") {
            guard trimmed.hasSuffix("]"), let open = trimmed.firstIndex(of: "[") else { return nil }
            let inner = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            let names = inner.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingSpaces() }
            guard !names.isEmpty, names.allSatisfy(Self.isName) else { return nil }
            self.init(oneOf: names)
            return
        }
        var negated = false
        var rest = trimmed
        if rest.hasPrefix("!=") {
            negated = true
            rest = String(rest.dropFirst(2)).trimmingSpaces()
        } else if rest.hasPrefix("==") {
            rest = String(rest.dropFirst(2)).trimmingSpaces()
        }
        guard Self.isName(rest) else { return nil }
        self.init(oneOf: [rest])
        self.negated = negated
    }

    /// Whether the run's outcome `outcome` satisfies the condition.
    public func holds(for outcome: String) -> Bool {
        negated ? !names.contains(outcome) : names.contains(outcome)
    }

    /// An outcome name: lower-case letters and `_`, not empty (so `">= 3"` is not one).
    private static func isName(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 100 && text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || $0 == "_" }
    }
}
