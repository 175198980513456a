import Testing
@testable import SatsimScenario

/// The call graph's checks on graphs of every shape a file can hold: a self call, cycles that
/// share services, and a chain as long as the 1 MiB file size allows.
@Suite struct CallGraphTests {
    /// A scenario whose services `s0 ... s(n-1)` each call the next; with `closing`, the last
    /// calls `s(closing)`.
    static func chain(_ count: Int, closing: Int? = nil) -> String {
        var lines = [
            "name: chain", "description: a chain of calls", "duration: 1s", "clients:", "  users:",
            "    target: s0", "    arrival: { process: constant, rate: 1/s }", "services:",
        ]
        for index in 0..<count {
            let next = index + 1 < count ? index + 1 : closing
            let calls = next.map { ", calls: [{service: s\($0)}]" } ?? ""
            lines.append("  s\(index): {service_time: {dist: constant, value: 1us}\(calls)}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func diagnostics(_ text: String) -> [Diagnostic] {
        do {
            _ = try ScenarioLoader.parse(text: text, file: "chain.yaml")
            return []
        } catch {
            return error.diagnostics
        }
    }

    /// 10,000 services in a chain (the file is about 800 KB, under the 1 MiB bound). The search
    /// used to recurse once per service and overflowed the stack (a segmentation fault) at
    /// about 6,000 in a debug build.
    @Test func aChainOfTenThousandServicesIsCheckedWithoutOverflowingTheStack() throws {
        let text = Self.chain(10_000)
        #expect(text.utf8.count < ScenarioLoader.maximumFileSize)
        #expect(Self.diagnostics(text).isEmpty)
        // Closed into a ring, its one cycle is reported once, at the call that closes it.
        let ring = Self.diagnostics(Self.chain(10_000, closing: 0))
        #expect(ring.map(\.path) == ["services.s9999.calls.0.service"])
        #expect(ring.first?.line == 10_008)
        // Told by its ends and its length, not 90 KB of names.
        #expect(ring.first?.message == "calls form a cycle: s0 -> s1 -> s2 -> s3 -> s4 -> ... -> s9996 -> s9997 -> s9998 -> s9999 -> s0 (10000 services)")
        // A cycle of up to 11 services is written out whole.
        #expect(Self.diagnostics(Self.chain(11, closing: 0)).first?.message
            == "calls form a cycle: " + (0..<11).map { "s\($0)" }.joined(separator: " -> ") + " -> s0")
        #expect(Self.diagnostics(Self.chain(12, closing: 0)).first?.message
            == "calls form a cycle: s0 -> s1 -> s2 -> s3 -> s4 -> ... -> s8 -> s9 -> s10 -> s11 -> s0 (12 services)")
    }

    @Test func aSelfCallAndTwoCyclesThatShareAServiceAreEachReportedOnce() throws {
        #expect(Self.diagnostics(Self.chain(1, closing: 0)).map(\.message) == ["calls form a cycle: s0 -> s0"])
        // s0 -> s1 -> s2 -> s1 closes at s2; a second call of s2 back to s0 closes another.
        let text = Self.chain(3, closing: 1).replacingOccurrences(
            of: "  s2: {service_time: {dist: constant, value: 1us}, calls: [{service: s1}]}",
            with: "  s2: {service_time: {dist: constant, value: 1us}, calls: [{service: s1}, {service: s0}]}")
        let found = Self.diagnostics(text)
        #expect(found.map(\.path) == ["services.s2.calls.0.service", "services.s2.calls.1.service"])
        #expect(found.map(\.message) == ["calls form a cycle: s1 -> s2 -> s1", "calls form a cycle: s0 -> s1 -> s2 -> s0"])
    }
}
