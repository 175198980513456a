import SatsimReport
import Testing

@Suite("JSON rendering")
struct JSONValueTests {
    @Test("Strings escape quotes, backslashes and control characters")
    func escaping() {
        #expect(JSONValue.quote("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        #expect(JSONValue.quote("<script>é") == "\"<script>é\"")
        // DEL, a C1 control and a bidi override escaped too (a fault label of chaos.json kept
        // U+202E raw, and `cat chaos.json` reordered the terminal's line): the same string to
        // a parser.
        #expect(JSONValue.quote("a\u{7F}b\u{9B}c\u{202E}d") == "\"a\\u007fb\\u009bc\\u202ed\"")
    }

    /// HTML: a bidi override from a scenario's description (and DEL, C1 controls) as character
    /// references, the same text to a browser, never raw to a terminal that `cat`s report.html.
    @Test("HTML keeps no raw bidi or C1 control")
    func htmlControls() {
        #expect(Markup.escape("desc \u{1B}[31m\u{202E}EVIL\u{7}\u{85}x\u{2066}") == "desc \u{FFFD}[31m&#x202E;EVIL\u{FFFD}&#x85;x&#x2066;")
        #expect(Markup.escape("é → ok") == "é → ok")
    }

    @Test("Numbers: integers without a fraction, shortest round trip otherwise, non-finite as null")
    func numbers() {
        #expect(JSONValue.format(3) == "3")
        #expect(JSONValue.format(0.1) == "0.1")
        #expect(JSONValue.format(-2.5) == "-2.5")
        #expect(JSONValue.format(.nan) == "null")
        #expect(JSONValue.format(.infinity) == "null")
        #expect(Double(JSONValue.format(1.0 / 3.0)) == 1.0 / 3.0)
    }

    @Test("Objects keep their key order")
    func keyOrder() {
        let value = JSONValue.object([("zeta", .int(1)), ("alpha", .array([.bool(true), .null])), ("m", .object([]))])
        #expect(value.rendered(pretty: false) == "{\"zeta\":1,\"alpha\":[true,null],\"m\":{}}")
        #expect(value.rendered() == "{\n  \"zeta\": 1,\n  \"alpha\": [\n    true,\n    null\n  ],\n  \"m\": {}\n}")
    }
}
