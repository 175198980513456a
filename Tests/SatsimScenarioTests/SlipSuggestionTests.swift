import Testing

@testable import SatsimScenario

/// Common slips get the value the user most likely meant (DESIGN.md, "Errors and bad input": "a
/// did-you-mean"), as a rate already did (`100/sec`: did you mean '100/s'): another name of a
/// duration's unit, a comparison written the other way round or with a sign satsim does not
/// read, and YAML 1.1's boolean words, which YAML 1.2 reads as text (YAML 1.2.2, 10.2.1.2:
/// the core schema's booleans are true and false only).
@Suite("did-you-mean for common slips")
struct SlipSuggestionTests {
    static func diagnostic(duration: String = "1m", timeout: String = "1s", optional: String = "true", condition: String = ">= 0") -> Diagnostic? {
        let text = """
            name: slips
            description: common slips
            duration: \(duration)
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 10/s }
                timeout: \(timeout)
            services:
              api:
                service_time: { dist: exponential, mean: 10ms }
                calls: [{ service: db, optional: \(optional) }]
              db:
                service_time: { dist: exponential, mean: 1ms }
            expect:
              clients.users.goodput_per_s: "\(condition)"
            """
        do {
            _ = try ScenarioLoader.parse(text: text, file: "slips.yaml")
            return nil
        } catch {
            return error.diagnostics.first
        }
    }

    @Test(arguments: [("20sec", "20s"), ("5mins", "5m"), ("2Hours", "2h"), ("100msec", "100ms"), ("1.5Seconds", "1.5s"), ("250usec", "250us")])
    func anotherNameOfAUnit(written: String, meant: String) throws {
        let d = try #require(Self.diagnostic(timeout: written))
        #expect(d.path == "clients.users.timeout")
        #expect(d.suggestion == meant, "\(d)")
        #expect(d.description.hasSuffix("; did you mean '\(meant)'?"), "\(d)")
        // The suggestion is accepted.
        #expect(Self.diagnostic(timeout: meant) == nil)
    }

    @Test func anUnknownUnitHasNoGuess() throws {
        let d = try #require(Self.diagnostic(duration: "1d"))
        #expect(d.suggestion == nil, "a day is not written in any unit satsim has: \(d)")
    }

    @Test(arguments: [("=> 0", ">= 0"), ("=< 5", "<= 5"), ("<> 1", "!= 1"), ("= 3", "== 3"), ("≥ 0", ">= 0")])
    func aComparisonWrittenAnotherWay(written: String, meant: String) throws {
        let d = try #require(Self.diagnostic(condition: written))
        #expect(d.path == "expect.clients.users.goodput_per_s")
        #expect(d.suggestion == meant, "\(d)")
        #expect(Self.diagnostic(condition: meant) == nil)
    }

    @Test(arguments: [("yes", "true"), ("on", "true"), ("No", "false"), ("off", "false")])
    func aYAML11Boolean(written: String, meant: String) throws {
        let d = try #require(Self.diagnostic(optional: written))
        #expect(d.path == "services.api.calls.0.optional")
        #expect(d.suggestion == meant, "\(d)")
        #expect(Self.diagnostic(optional: meant) == nil)
    }
}
