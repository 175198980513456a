import SatsimMetrics
@testable import SatsimReport
import Testing

/// The text summary's table never lets a rounding contradict the counts beside it, and tells
/// times in the run by the story's rule (truncated, not rounded).
@Suite("Text summary rounding")
struct TextSummaryRoundingTests {
    /// 5,381 of 5,382 requests succeeded is not "100.0%"; one success in 20,000 is not "0.0%".
    @Test("A share short of the whole, or above nothing, is not printed as either", arguments: [
        (5381.0 / 5382.0, "99.98%"), (0.99999, "99.99%"), (1.0, "100.0%"), (0.748, "74.8%"), (0.0, "0.0%"),
        (1.0 / 20_000, "0.01%"), (1.0 / 1_000_000, "<0.01%"), (0.9994, "99.9%"),
    ])
    func percent(value: Double, printed: String) {
        #expect(TextSummary.percent(value) == printed)
    }

    /// A run stopped at a limit at 59.996 s: the story says "stopped at 59s"; the table's
    /// header must not say it ran to "60.00 s".
    @Test("Times are truncated to their digits", arguments: [
        (59.996, "59.99"), (20.0, "20"), (2.0, "2"), (9.999999, "9.99"), (123.456, "123.4"), (0.9999, "0.999"), (60.0.nextDown, "60"),
    ])
    func time(value: Double, printed: String) {
        #expect(TextSummary.time(value) == printed)
    }

    /// report.html's tables: the same rule, without a trailing ".0".
    @Test("The report's shares follow the same rule", arguments: [
        (5381.0 / 5382.0, "99.98%"), (0.9, "90%"), (0.277, "27.7%"), (1.0, "100%"), (0.0, "0%"), (1.0 / 1_000_000, "<0.01%"),
    ])
    func reportPercent(value: Double, printed: String) {
        #expect(ReportPage.percent(value) == printed)
    }

    /// One run's page and text summary give one success figure: 900 of 1,000 requests
    /// succeeded and 50 failed, the other 50 still in flight at the end. Of the requests that
    /// ended it would be 94.7%; both say 90%, a request in flight counting as not succeeded.
    @Test("The report's client table shows the text summary's success share, not a share of ended requests")
    func reportSuccessIsTheSummarys() throws {
        let client = ClientSummary(
            name: "users", requests: 1_000, attempts: 1_200, successes: 900, failures: 50, goodputPerSecond: 15,
            amplification: 1.2, latency: LatencySummary(mean: 0.1, p50: 0.05, p90: 0.5, p99: 0.9, max: 1.5), attemptOutcomes: [:])
        #expect(TextSummary.successShare(client) == 0.9)
        let table = ReportPage.clientTable([client], unit: .seconds)
        #expect(table.contains("<td>90%</td>"))
        #expect(!table.contains("94.7%"))
        #expect(table.contains("of requests"))
    }
}
