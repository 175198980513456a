import Foundation
import SatsimMetrics
import Testing
@testable import SatsimSweep

/// Text cells of satsim's CSV files against two sources: RFC 4180 (sections 2.6 and 2.7: a
/// field holding a comma, a double quote, CR or LF is enclosed in double quotes, and its double
/// quotes are doubled) and OWASP's "CSV Injection" (a cell that begins with `=`, `+`, `-`, `@`,
/// their full-width forms, tab, CR or LF is run as a formula by a spreadsheet: prepend a single
/// quote and wrap the cell in double quotes; quote a cell holding a field separator, `;`
/// included). Numbers are never neutralised: which cells are text is the column's type.
@Suite("CSV text cells: RFC 4180 quoting and OWASP formula neutralisation")
struct CSVInjectionTests {
    /// An RFC 4180 reader, written here apart from the code under test: the fields of one record.
    static func fields(_ line: String) -> [String] {
        var fields: [String] = [], field = "", quoted = false, atStart = true
        var scalars = Array(line.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if quoted {
                if c == "\"" {
                    if scalars.first == "\"" { field.unicodeScalars.append("\""); scalars = scalars.dropFirst() } else { quoted = false }
                } else { field.unicodeScalars.append(c) }
            } else if c == "\"" && atStart {
                quoted = true
            } else if c == "," {
                fields.append(field); field = ""; atStart = true; continue
            } else { field.unicodeScalars.append(c) }
            atStart = false
        }
        return fields + [field]
    }

    @Test("Each formula character at the start is neutralised and quoted; inside a cell it is not", arguments: [
        ("=1+2", "\"'=1+2\""), ("+5", "\"'+5\""), ("-x", "\"'-x\""), ("@SUM(A1:A9)", "\"'@SUM(A1:A9)\""),
        ("\tx", "\"'\tx\""), ("=HYPERLINK(\"http://e.x\",\"y\")", "\"'=HYPERLINK(\"\"http://e.x\"\",\"\"y\"\")\""),
        ("a=b", "a=b"), ("plain", "plain"), ("", ""), ("'=1", "'=1"), ("a,b", "\"a,b\""), ("a\"b", "\"a\"\"b\""),
        ("a\nb", "\"a\nb\""),
        // OWASP: a leading line feed, and the full-width forms of the formula characters.
        ("\nx", "\"'\nx\""), ("\u{FF1D}1+2", "\"'\u{FF1D}1+2\""), ("\u{FF0B}5", "\"'\u{FF0B}5\""),
        ("\u{FF0D}x", "\"'\u{FF0D}x\""), ("\u{FF20}x", "\"'\u{FF20}x\""),
        // OWASP: "take care of the field separator": a spreadsheet set to a semicolon list
        // separator would start a new cell, and a formula, after the semicolon.
        ("x;=WEBSERVICE(\"http://e/\")", "\"x;=WEBSERVICE(\"\"http://e/\"\")\""), ("a;b", "\"a;b\""),
    ])
    func field(text: String, written: String) {
        #expect(CSVField.text(text) == written)
        // Read back, the cell is the text, with the apostrophe when it was neutralised.
        #expect(Self.fields(written) == [CSVField.startsFormula(text) ? "'" + text : text])
    }

    /// Control characters in varied text (a sweep over labels or descriptions) reached runs.csv
    /// and points.csv raw: `cat runs.csv` rang the bell, recoloured the terminal (ESC), hid the
    /// start of a cell (CR) or reordered it (a right-to-left override). RFC 4180's grammar
    /// (section 2: TEXTDATA = %x20-21 / %x23-2B / %x2D-7E; a quoted field adds only COMMA, CR, LF
    /// and 2DQUOTE) has no place for them: each is written as satsim writes it on a terminal
    /// (TerminalText: C0 but LF and TAB, DEL, C1, the Bidi_Control characters), and the quoting
    /// and neutralisation apply to what is written. Text without them is unchanged.
    @Test("Control characters are written as visible escapes; line feeds, tabs and other text are kept", arguments: [
        ("bell\u{7}here", "bell\\u{7}here"), ("\u{1B}[31mred", "\\u{1B}[31mred"), ("cr\rhide", "cr\\u{D}hide"),
        ("\u{0}nul", "\\u{0}nul"), ("del\u{7F}", "del\\u{7F}"), ("c1\u{85}\u{9B}", "c1\\u{85}\\u{9B}"),
        ("rtl\u{202E}cba", "rtl\\u{202E}cba"), ("mark\u{200F}1", "mark\\u{200F}1"),
        // A CR was quoted raw and a leading CR neutralised; it is now an escape, and neither is needed.
        ("\rx", "\\u{D}x"), ("a\r\nb", "\"a\\u{D}\nb\""),
        // Escaped first, then quoted and neutralised as any text.
        ("\u{1B},x", "\"\\u{1B},x\""), ("=\u{7}", "\"'=\\u{7}\""), ("\t\u{7}", "\"'\t\\u{7}\""),
        // Kept: plain text, non-ASCII letters, tabs inside, line feeds (quoted, RFC 4180 2.6).
        ("plain", "plain"), ("café → 5", "café → 5"), ("a\tb", "a\tb"), ("a\nb", "\"a\nb\""),
    ])
    func controlCharacters(text: String, written: String) {
        #expect(CSVField.text(text) == written)
        #expect(!written.unicodeScalars.contains { TerminalText.isUnsafe($0) }, "nothing a terminal would act on")
    }

    static let layout = ResultsLayout(
        identity: "plan", scenario: "demo", replications: 1, columns: ["description", "services.api.instances"],
        points: [["=1+2", "3"], ["@cmd|' /C calc'!A0", "4"]], figures: ["difference", "recovery_time"])

    static let records = [
        RunRecord(key: RunKey(point: 0, replication: 0), seed: 1, outcome: "recovered", limit: nil, values: [-0.5, 12]),
        RunRecord(key: RunKey(point: 1, replication: 0), seed: 2, outcome: "metastable", limit: "-stopped, at a limit", values: [-3, nil]),
    ]

    @Test("runs.csv: varied text and the limit are neutralised; negative figures, seeds and counts stay numbers")
    func runsTable() {
        let lines = ResultsCSV.runs(Self.records, layout: Self.layout).split(separator: "\n").map(String.init)
        #expect(lines[1] == "0,0,\"'=1+2\",3,1,recovered,,-0.5,12")
        #expect(lines[2] == "1,0,\"'@cmd|' /C calc'!A0\",4,2,metastable,\"'-stopped, at a limit\",-3,")
        // Every row keeps the header's number of fields.
        let width = Self.fields(lines[0]).count
        #expect(lines.allSatisfy { Self.fields($0).count == width })
        #expect(Self.fields(lines[2])[6] == "'-stopped, at a limit")
    }

    @Test("runs.csv and points.csv: varied text with control characters is written with escapes, the store keeps it")
    func controlCharactersInVariedText() throws {
        let layout = ResultsLayout(
            identity: "plan", scenario: "demo", replications: 1, columns: ["timeline.0.label"],
            points: [["plain"], ["\u{1B}]0;owned\u{7}x"], ["a\rb"]], figures: ["recovery_time"])
        let records = (0..<3).map { RunRecord(key: RunKey(point: $0, replication: 0), seed: 1, outcome: "stable", limit: nil, values: [1]) }
        let runs = ResultsCSV.runs(records, layout: layout)
        #expect(runs == "point,replication,timeline.0.label,seed,outcome,limit_hit,recovery_time\n"
            // The ';' of the escape sequence is quoted, as any semicolon.
            + "0,0,plain,1,stable,,1\n1,0,\"\\u{1B}]0;owned\\u{7}x\",1,stable,,1\n2,0,a\\u{D}b,1,stable,,1\n")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let store = try ResultsStore(path: url.path + "/results.sqlite", layout: layout)
        for record in records { try store.insert(record) }
        let points = ResultsCSV.points(try store.summaries(), layout: layout)
        for csv in [runs, points] {
            #expect(!csv.unicodeScalars.contains(where: TerminalText.isUnsafe), "\(csv)")
        }
        #expect(points.contains("\n2,a\\u{D}b,"), "\(points)")
        // The store holds the values as they were.
        #expect(try ResultsStore(existingAt: url.path + "/results.sqlite").layout.points == layout.points)
    }

    @Test("points.csv: the varied text cells are neutralised, the real and integer cells are not")
    func pointsTable() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        let store = try ResultsStore(path: url.path + "/results.sqlite", layout: Self.layout)
        for record in Self.records { try store.insert(record) }
        let csv = ResultsCSV.points(try store.summaries(), layout: Self.layout)
        let rows = csv.split(separator: "\n").map { Self.fields(String($0)) }
        let header = rows[0]
        let description = try #require(header.firstIndex(of: "description"))
        let mean = try #require(header.firstIndex(of: "difference_mean"))
        #expect(rows[1][description] == "'=1+2" && rows[2][description] == "'@cmd|' /C calc'!A0")
        #expect(rows[1][mean] == "-0.5" && rows[2][mean] == "-3")
        #expect(rows.allSatisfy { $0.count == header.count })
    }
}
