/// One text cell of a CSV file satsim writes (runs.csv, points.csv, comparison.csv, the header of
/// timeseries.csv), made safe for both the CSV reader and the spreadsheet that opens it.
///
/// - RFC 4180, section 2.6 and 2.7: a field holding a comma, a double quote, CR or LF is enclosed
///   in double quotes, and a double quote inside it is written twice, so no value from a scenario
///   or a flag can add a column or a row. A semicolon is quoted too: a spreadsheet set to a
///   semicolon list separator (the default in many European locales) would otherwise start a new
///   cell there, and a formula could begin it (OWASP: "take care of the field separator").
/// - OWASP, "CSV Injection": a spreadsheet (Excel, LibreOffice Calc, Google Sheets) runs a cell
///   that begins with `=`, `+`, `-` or `@` (or their full-width forms, U+FF1D, U+FF0B, U+FF0D,
///   U+FF20) as a formula, and treats a leading tab, CR or LF the same way (a CR is escaped
///   first, below, so only a leading tab or LF remains). Such a cell gets a
///   leading `'` (which a spreadsheet reads as "this is text") and is enclosed in double quotes,
///   as OWASP recommends: `=1+2` is written `"'=1+2"`.
/// - Control characters (``TerminalText/isUnsafe(_:)``: C0 controls but line feed and tab, CR
///   included; DEL; C1 controls; the bidirectional controls) are written as the escapes satsim
///   prints on a terminal (`\u{1B}`). RFC 4180's grammar (section 2, the ABNF) has no place for
///   them (TEXTDATA is %x20-21 / %x23-2B / %x2D-7E; a quoted field adds only the comma, CR, LF
///   and the doubled quote; satsim keeps other non-ASCII text as UTF-8, as readers expect), and a CSV file is read with `cat` and `less` as often as with a parser: a label
///   holding ESC would recolour or retitle the terminal, CR would hide what precedes it, and a
///   right-to-left override would reorder the cell on screen. Line feeds (quoted) and tabs are
///   kept. results.sqlite keeps the text as it was; text with none of these is unchanged.
///
/// Only text goes through here. Numbers are written as numbers by their own writers and never
/// pass through it, so a negative figure stays `-0.5`: which cells are text is decided by the
/// column, never by looking at the value.
public enum CSVField {
    /// The characters that make a spreadsheet read a cell as a formula when they begin it.
    public static func startsFormula(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        switch first {
        case "=", "+", "-", "@", "\t", "\r", "\n", "\u{FF1D}", "\u{FF0B}", "\u{FF0D}", "\u{FF20}": return true
        default: return false
        }
    }

    /// `text` as one CSV field of a text column.
    public static func text(_ text: String) -> String {
        let visible = TerminalText.escaped(text)
        let neutralised = startsFormula(visible)
        let value = neutralised ? "'" + visible : visible
        let needsQuotes = neutralised || value.unicodeScalars.contains { $0 == "," || $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }
        guard needsQuotes else { return value }
        var quoted = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" { quoted += "\"\"" } else { quoted.unicodeScalars.append(scalar) }
        }
        return quoted + "\""
    }
}
