import SatsimCore
import SatsimModel
import Testing
@testable import SatsimScenario

/// A duration a message quotes back (`found 1h, expected a duration <= duration (...)`) is one
/// the format reads: scenario-format.md, "Units": a duration is a number with a unit, and the
/// reader refuses an exponent. A duration finer than a microsecond used to be written `1e-09s`.
@Suite struct DurationTextTests {
    static let minimal = (try? TestFiles.fixtureText("minimal.yaml")) ?? ""

    @Test(arguments: [
        (1 as Int64, "0.001us"), (10, "0.01us"), (1_500, "1.5us"), (999, "0.999us"), (1_000_001, "1000.001us"),
        (3_600_000_000_001, "3600000000.001us"), (1_000, "1us"), (2_000_000_000, "2s"), (90_000_000_000, "90s"),
    ])
    func aDurationIsWrittenExactlyWithoutAnExponent(nanoseconds: Int64, text: String) throws {
        #expect(SimTime(nanoseconds: nanoseconds).shortText == text)
        // Read back as the client's timeout, it is the same number of nanoseconds.
        let spec = try ScenarioLoader.parse(text: Self.minimal.replacingOccurrences(of: "timeout: 1s", with: "timeout: \(text)"),
                                            file: "m.yaml")
        #expect(spec.clients.first?.timeout?.nanoseconds == nanoseconds)
    }

    @Test func aNanosecondRunIsToldInMicroseconds() throws {
        let error = try #require(throws: ScenarioError.self) {
            try ScenarioLoader.parse(text: Self.minimal, file: "m.yaml", overrides: [ScalarOverride(path: "duration", value: "0.001us")])
        }
        #expect(error.diagnostics.contains { $0.message.hasSuffix("expected a duration <= duration (0.001us)") })
        #expect(!error.description.contains("e-0"))
    }
}
