/// Where each key path of a decoded scenario was written, so that checks run on the typed spec
/// (references, cycles, cross-field ranges, unsupported features) can point at the file.
struct PositionIndex: Sendable {
    private var keys: [String: SourcePosition] = [:]
    private var values: [String: SourcePosition] = [:]
    var file: String

    init(file: String) { self.file = file }

    mutating func record(_ path: String, key: SourcePosition?, value: SourcePosition) {
        if let key { keys[path] = key }
        values[path] = value
    }

    /// Whether the file (or an override) wrote a value at exactly `path` (false for a default).
    func isWritten(_ path: String) -> Bool { values[path] != nil }

    /// The position of the key at `path` (or of the nearest recorded ancestor).
    func key(_ path: String) -> SourcePosition {
        lookup(path) { keys[$0] ?? values[$0] }
    }

    /// The position of the value at `path` (or of the nearest recorded ancestor).
    func value(_ path: String) -> SourcePosition {
        lookup(path) { values[$0] }
    }

    private func lookup(_ path: String, _ find: (String) -> SourcePosition?) -> SourcePosition {
        var current = Substring(path)
        while true {
            if let found = find(String(current)) { return found }
            guard let dot = current.lastIndex(of: ".") else { break }
            current = current[..<dot]
        }
        return values[""] ?? .start(of: file)
    }
}
