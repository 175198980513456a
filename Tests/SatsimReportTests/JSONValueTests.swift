import SatsimReport
import Testing

@Suite("JSON rendering")
struct JSONValueTests {
    @Test("Strings escape quotes, backslashes and control characters")
    func escaping() {
        #expect(JSONValue.quote("a\"b\\c\nd\u{1}") == "\"a\\\"b\\\\c\\nd\\u0001\"")
        #expect(JSONValue.quote("<script>é") == "\"<script>é\"")
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
