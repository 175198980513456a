/// Plain-text tables for terminal output: the first column left-aligned, the others
/// right-aligned, two spaces apart, no trailing spaces.
///
/// Cells are escaped for the terminal (``TerminalText``) before they are measured: a cell
/// holding a scenario's name or label with control characters is printed escaped anyway, and
/// measuring it raw would push the rest of its row out of line. A row is one line, so a cell's
/// line breaks and tabs are escaped too (``TerminalText/inline(_:)``): a tab in a chaos label
/// moved the rest of its row to the next tab stop. Escaping is idempotent, so the console's own
/// escaping of the whole text changes nothing afterwards.
public enum TextTable {
    public static func render(_ rows: [[String]]) -> String {
        let rows = rows.map { $0.map { TerminalText.inline($0) } }
        let columns = rows.map(\.count).max() ?? 0
        var widths = [Int](repeating: 0, count: columns)
        for row in rows {
            for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) }
        }
        var out = ""
        for row in rows {
            var line = ""
            for (i, cell) in row.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                line += i == 0 ? cell + pad : "  " + pad + cell
            }
            while line.last == " " { line.removeLast() }
            out += line + "\n"
        }
        return out
    }
}
