@testable import SatsimAnalysis
import Testing

/// How story figures print: a share is never printed above, or as, the whole when it is not;
/// a 1.5 s delay is never rounded to "2s" (issue 7: "became slower by 2s" where the fault adds
/// 1.5 s).
@Suite("Story number formats")
struct StoryFormatTests {
    @Test("Shares", arguments: [
        (0.99, "99%"), (0.5, "50%"), (0.158, "15.8%"), (1.0, "100%"), (0.9996, "99.96%"), (0.99999, "99.99%"), (0.0, "0%"),
    ])
    func shares(value: Double, printed: String) {
        #expect(Format.percent(value) == printed)
    }

    /// Something that is not nothing is never printed as nothing: a rate of one success in five
    /// minutes read "goodput averaged 0.00/s", a balancer briefly in panic "0% of the time". A
    /// true zero stays 0.
    @Test("Small rates and shares", arguments: [
        (0.0033, "0.0033"), (0.0005, "0.0005"), (0.004999, "0.005"), (0.005, "0.01"), (0.0, "0.00"), (0.37, "0.37"), (1e-12, "0.000000001"),
    ])
    func smallRates(value: Double, printed: String) {
        #expect(Format.rate(value) == printed)
    }

    /// A latency above nothing is never printed as nothing: the sentence of an SLO of `1us`
    /// read "above the SLO's 0.0ms". Under 50 us (where a tenth of a millisecond rounds to 0.0)
    /// it is told in microseconds; from there on, in milliseconds as before.
    @Test("Small latencies", arguments: [
        (0.000001, "1us"), (0.0000015, "1.5us"), (0.000049, "49us"), (0.00000025, "0.25us"), (0.00005, "0.1ms"), (0.0, "0.0ms"), (0.0023, "2.3ms"), (0.18, "180ms"),
    ])
    func smallLatencies(value: Double, printed: String) {
        #expect(Format.latency(value) == printed)
    }

    @Test("Small shares", arguments: [(0.00004, "0.004%"), (0.0004, "0.04%"), (0.0005, "0.1%"), (0.0, "0%"), (0.00000001, "0.000001%")])
    func smallShares(value: Double, printed: String) {
        #expect(Format.percent(value) == printed)
    }

    /// A span under half a millisecond is told in microseconds: a 1us outage read "for 0ms" (a
    /// span that is not nothing printed as nothing). 0 stays "0ms".
    @Test("Durations", arguments: [(1.5, "1.5s"), (0.5, "500ms"), (40.0, "40s"), (600.0, "10m00s"), (12.25, "12.3s"), (2.125, "2.13s"),
                                   (0.000001, "1us"), (0.00025, "250us"), (0.0005, "1ms"), (0.0, "0ms")])
    func durations(value: Double, printed: String) {
        #expect(Format.duration(value) == printed)
    }

    @Test("Possessives")
    func possessives() {
        #expect(Format.possessive("users") == "users'")
        #expect(Format.possessive("api") == "api's")
    }
}
