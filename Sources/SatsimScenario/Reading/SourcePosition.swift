/// A place in a scenario's text: a file (or `--set`), a 1-based line and column.
struct SourcePosition: Sendable, Hashable {
    var file: String
    var line: Int
    var column: Int

    /// The start of `file`, for problems with the file as a whole.
    static func start(of file: String) -> SourcePosition {
        SourcePosition(file: file, line: 1, column: 1)
    }
}
