import Foundation
import Testing

/// The story says "1 instance ... was killed" and "2 instances ... were killed", not
/// "instance(s)": a sentence read out in an incident review should read as English.
@Suite("Story wording")
struct StoryWordingTests {
    static func story(kill count: Int) throws -> String {
        let scenario = """
            name: kill-\(count)
            description: instances of api are killed and paused
            duration: 60s
            seed: 1
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 20/s }
            services:
              api:
                instances: 4
                workers: 2
                boot_time: 5s
                service_time: { dist: exponential, mean: 20ms }
            timeline:
              - { at: 10s, kind: kill, service: api, count: \(count) }
              - { at: 30s, for: 2s, kind: pause, service: api, count: \(count) }
            """
        let file = try CLIHarness.scenarioFile(scenario)
        let result = try CLIHarness.run(["run", file.path], timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        // Lines are wrapped to the terminal's width: compare with the spaces collapsed.
        return result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    @Test("One instance is singular, two are plural")
    func singularAndPlural() throws {
        let one = try Self.story(kill: 1), two = try Self.story(kill: 2)
        #expect(one.contains("1 instance of api was killed"), "\(one)")
        #expect(one.contains("the killed instance of api had booted again"), "\(one)")
        #expect(one.contains("1 instance of api paused"), "\(one)")
        #expect(one.contains("the paused instance of api resumed"), "\(one)")
        #expect(two.contains("2 instances of api were killed"), "\(two)")
        #expect(two.contains("the killed instances of api had booted again"), "\(two)")
        #expect(two.contains("the paused instances of api resumed"), "\(two)")
        #expect(!one.contains("instance(s)") && !two.contains("instance(s)"))
    }
}
