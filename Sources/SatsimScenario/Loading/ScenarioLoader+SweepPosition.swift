extension ScenarioLoader {
    /// Where the file's `sweep.vary` writes value `index` of `path`, so that a grid point that
    /// does not load can be told at the value the file gave it (the loader places a point's
    /// values as overrides, which have no place in the file). Nil when the text does not hold it.
    public static func sweepValuePosition(text: String, file: String, path: String, index: Int) -> (line: Int, column: Int)? {
        guard let root = try? YAMLReader(file: file).read(text),
              let items = root["sweep"]?["vary"]?[path]?.items, items.indices.contains(index) else { return nil }
        return (items[index].position.line, items[index].position.column)
    }
}

extension ScenarioLoader {
    /// Where the file writes the value at the dotted `path` (`timeline.998`, `clients.users`),
    /// so that a command that refuses a loaded scenario for its size (`explain`) can point into
    /// the file. Nil when the text does not hold the path.
    public static func position(text: String, file: String, path: String) -> (line: Int, column: Int)? {
        guard var node = try? YAMLReader(file: file).read(text) else { return nil }
        for key in path.split(separator: ".") {
            if let index = Int(key), let items = node.items {
                guard items.indices.contains(index) else { return nil }
                node = items[index]
            } else if let next = node[String(key)] {
                node = next
            } else {
                return nil
            }
        }
        return (node.position.line, node.position.column)
    }
}
