import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Well-formedness of XML text, by Foundation's parser.
enum XMLCheck {
    /// Whether `text` parses as one XML document.
    static func isWellFormed(_ text: String) -> Bool { error(text) == nil }

    /// The parser's error, or nil when `text` is well-formed.
    static func error(_ text: String) -> String? {
        let parser = XMLParser(data: Data(text.utf8))
        if parser.parse() { return nil }
        return parser.parserError.map { "\($0)" } ?? "unknown XML error"
    }
}
