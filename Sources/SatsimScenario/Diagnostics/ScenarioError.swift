/// Why a scenario was refused: every problem found, in file order where possible.
///
/// The loader reports as many problems as it can in one pass, so that a user fixes a file in one
/// round trip. The CLI prints ``description`` and exits with code 2.
public struct ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    /// At least one diagnostic.
    public var diagnostics: [Diagnostic]

    public init(diagnostics: [Diagnostic]) {
        self.diagnostics = diagnostics
    }

    init(_ diagnostic: Diagnostic) {
        self.diagnostics = [diagnostic]
    }

    /// One line per diagnostic.
    public var description: String {
        diagnostics.map(\.description).joined(separator: "\n")
    }
}
