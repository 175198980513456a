import SatsimModel

extension ScalarOverride {
    /// Parses a command-line `--set PATH=VALUE` argument.
    ///
    /// The value is YAML scalar text: `2s`, `0.5`, `lifo`; matching surrounding quotes are removed.
    /// The path is only checked for shape here; ``ScenarioLoader`` resolves it against the file.
    /// - Parameter ordinal: the 1-based position of the argument among the `--set`s, used as the
    ///   line of its diagnostics (`--set:2:1: ...`).
    /// - Throws: ``ScenarioError`` when there is no `=` or the path is empty.
    public static func parse(_ argument: String, ordinal: Int = 1) throws(ScenarioError) -> ScalarOverride {
        guard let equals = argument.firstIndex(of: "=") else {
            throw ScenarioError(
                Diagnostic(file: "--set", line: ordinal, column: 1, path: "",
                           message: "found '\(argument)', expected PATH=VALUE such as clients.users.timeout=2s"))
        }
        let path = String(argument[..<equals]).trimmingSpaces()
        let value = String(argument[argument.index(after: equals)...]).trimmingSpaces()
        let segments = path.split(separator: ".", omittingEmptySubsequences: false)
        guard !path.isEmpty, !segments.contains(where: \.isEmpty) else {
            throw ScenarioError(
                Diagnostic(file: "--set", line: ordinal, column: 1, path: path,
                           message: "found an empty key in the path, expected PATH=VALUE such as clients.users.timeout=2s"))
        }
        return ScalarOverride(path: path, value: value)
    }

    /// The value as a scalar node: quotes stripped (and remembered), positioned at `position`.
    func node(at position: SourcePosition) -> YAMLNode {
        var text = Substring(value)
        var quoted = false
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            text = text.dropFirst().dropLast()
            quoted = true
        }
        return YAMLNode(content: .scalar(String(text), quoted: quoted), position: position)
    }
}
