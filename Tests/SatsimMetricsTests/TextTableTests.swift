import SatsimMetrics
import Testing

/// Tables are measured after their cells are escaped for the terminal (DESIGN.md: no scenario
/// text reaches a terminal as control characters), so a name with control characters cannot
/// push its row out of line.
@Suite("Text tables")
struct TextTableTests {
    @Test("Columns line up, control characters escaped, no trailing spaces")
    func columnsLineUpAfterEscaping() {
        let text = TextTable.render([["variant", "success", "p99"], ["a\u{1B}[2Jb", "0.9", "12 ms"], ["plain", "0.95", "8 ms"]])
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B })
        #expect(lines[1].hasPrefix(#"a\u{1B}[2Jb"#))
        // Right-aligned columns end together on every line.
        #expect(Set(lines.map(\.count)).count == 1, "\(lines)")
        #expect(lines.allSatisfy { $0.last != " " })
    }
}
