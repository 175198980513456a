import Testing

@testable import SatsimScenario

/// Tags in a scenario, against the YAML 1.2.2 specification: the core schema (section 10.3, on
/// the JSON schema of 10.2) resolves `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map`
/// and `!!seq`; `!` is the non-specific tag (section 6.9.1). Those are the only tags a scenario
/// may carry; any other (a language object such as `!!python/object:os.system`, a local tag such
/// as `!custom`) is refused at its position with what was expected, never read as text.
@Suite("YAML tags: only the core schema's and '!'")
struct YAMLTagTests {
    static func scenario(_ replacing: [String: String] = [:]) -> String {
        var text = """
            name: tags
            description: plain text
            duration: 20s
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 300/s }
                timeout: 500ms
            services:
              api:
                instances: 2
                service_time: { dist: exponential, mean: 20ms }
            """
        for (old, new) in replacing { text = text.replacingOccurrences(of: old, with: new) }
        return text
    }

    static func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: "tags.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    @Test("A foreign tag on a value is refused at the tag, with the key and what was expected", arguments: [
        ("description: plain text", "description: !!python/object:os.system \"echo\"", "tags.yaml:2:14: error: description: found the tag '!!python/object:os.system'"),
        ("duration: 20s", "duration: !custom 20s", "tags.yaml:3:11: error: duration: found the tag '!custom'"),
        ("    timeout: 500ms", "    timeout: !!timestamp 500ms", "tags.yaml:9:14: error: clients.users.timeout: found the tag '!!timestamp'"),
        ("    instances: 2", "    !weird instances: 2", "tags.yaml:12:5: error: services.api.instances: found the tag '!weird'"),
        ("clients:", "clients: !!omap", "tags.yaml:5:10: error: clients: found the tag '!!omap'"),
    ])
    func foreignTagIsRefused(old: String, new: String, start: String) throws {
        let found = Self.diagnostics(Self.scenario([old: new]))
        #expect(found.count == 1, "\(found)")
        let text = try #require(found.first).description
        #expect(text.hasPrefix(start), "\(text)")
        #expect(text.contains("expected no tag, one of YAML 1.2's core schema tags (!!str, !!int, !!float, !!bool, !!null, !!map, !!seq) or the non-specific '!'"), "\(text)")
    }

    @Test("The core schema's tags and '!' are accepted where they fit, and change nothing")
    func coreTagsAreAccepted() throws {
        let tagged = Self.scenario([
            "description: plain text": "description: !!str plain text",
            "seed: 5": "seed: !!int 5",
            "instances: 2": "instances: ! 2",
            "clients:": "clients: !!map",
            "timeout: 500ms": "timeout: !<tag:yaml.org,2002:str> 500ms",
        ]) + "\ntimeline: !!seq []\nwarmup: !!str 0s\n"
        let spec = try ScenarioLoader.parse(text: tagged, file: "tags.yaml")
        let plain = try ScenarioLoader.parse(text: Self.scenario() + "\ntimeline: []\nwarmup: 0s\n", file: "tags.yaml")
        #expect(spec == plain)
    }

    @Test("A core tag that does not fit its node or its text is refused", arguments: [
        ("seed: 5", "seed: !!int five", "tags.yaml:4:7: error: seed: found 'five' tagged !!int, expected a decimal integer"),
        ("seed: 5", "seed: !!float 1.2.3", "tags.yaml:4:7: error: seed: found '1.2.3' tagged !!float, expected a number"),
        ("clients:", "clients: !!seq", "tags.yaml:5:10: error: clients: found the tag !!seq on a mapping; expected !!map there, or no tag"),
        ("duration: 20s", "duration: !!map 20s", "tags.yaml:3:11: error: duration: found the tag !!map on a scalar; expected !!str, !!int, !!float, !!bool or !!null there, or no tag"),
    ])
    func misfitCoreTagIsRefused(old: String, new: String, start: String) throws {
        let found = Self.diagnostics(Self.scenario([old: new]))
        let text = try #require(found.first).description
        #expect(text.hasPrefix(start), "\(text)")
    }

    @Test("Every foreign tag of a file is reported in one pass")
    func everyTagIsReported() {
        let found = Self.diagnostics(Self.scenario(["duration: 20s": "duration: !a 20s", "seed: 5": "seed: !b 5"]))
        #expect(found.map(\.line) == [3, 4])
    }

    @Test("The core schema's patterns (YAML 1.2.2 section 10.3.2)")
    func patterns() {
        for text in ["0", "-12", "+7", "0o17", "0x1F"] { #expect(CoreTag.matches(text, "int"), "\(text)") }
        for text in ["", "0o8", "0x", "1.0", "12a", "-"] { #expect(!CoreTag.matches(text, "int"), "\(text)") }
        for text in ["1", "1.", ".5", "-2e3", "+1.5E-2", ".inf", "-.Inf", ".NaN"] { #expect(CoreTag.matches(text, "float"), "\(text)") }
        for text in ["", ".", "e3", "1e", "1.2.3", "-.nan", "inf"] { #expect(!CoreTag.matches(text, "float"), "\(text)") }
        #expect(CoreTag.matches("True", "bool") && !CoreTag.matches("yes", "bool"))
        #expect(CoreTag.matches("~", "null") && CoreTag.matches("", "null") && !CoreTag.matches("none", "null"))
    }
}
