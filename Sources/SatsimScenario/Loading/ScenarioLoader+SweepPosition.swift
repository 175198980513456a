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
