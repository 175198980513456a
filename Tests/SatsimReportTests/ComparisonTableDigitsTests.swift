import SatsimAnalysis
import SatsimTestSupport
import Testing
@testable import SatsimReport

/// The figures of the compare report's table (report.html) carry the digits of the text table
/// that `satsim compare` prints: the same significant digits, the decimal point moved where the
/// report shows a figure in a smaller unit (a ratio as a percentage, seconds as milliseconds),
/// never a raw floating-point number such as 0.30428064964000007.
@Suite("compare report: the table's figures as the text table shows them")
struct ComparisonTableDigitsTests {
    @Test func aScaledCellKeepsTheTextCellsDigits() throws {
        // Three success ratios around 0.30428064964000007, the kind of mean the report showed raw.
        let ratio = try #require(MeanInterval(samples: [0.29, 0.31, 0.31284194892000021]))
        let text = Comparison.cellText(ratio, replications: 3)
        #expect(text == "0.3043 ± 0.0309")
        #expect(Comparison.cellText(ratio, replications: 3, scale: 100) == "30.43 ± 3.09")
        #expect(Comparison.cellText(ratio, replications: 3, scale: 1000) == "304.3 ± 30.9")
        // One run: the mean alone, with the same digits; an integer stays whole.
        let one = try #require(MeanInterval(samples: [0.30428064964000007]))
        #expect(Comparison.cellText(one, replications: 2, scale: 100) == "30.43 (1 of 2)")
        let whole = try #require(MeanInterval(samples: [1, 1]))
        #expect(Comparison.cellText(whole, replications: 2, scale: 100) == "100 ± 0")
        #expect(Comparison.cellText(nil, replications: 2, scale: 1000) == "- (0 of 2)")
    }

    @Test func theReportsTableShowsEveryFigureAsTheTextTableDoes() throws {
        let (comparison, traces, _) = ReportFixture.comparisonParts()
        let page = ReportFixture.comparisonPage()
        let unit = ComparisonPage.latencyUnit(traces, comparison: comparison)
        var checked = 0
        for row in comparison.figureRows {
            let scale = ComparisonPage.figureHead(row.path, unit: unit).scale
            let places = scale == 100 ? 2 : scale == 1000 ? 3 : 0
            for cell in row.cells {
                let expected = DecimalShift.shifted(Comparison.cellText(cell.interval, replications: comparison.replications), by: places)
                #expect(page.contains("<td>" + expected), "\(row.path): \(expected)")
                checked += 1
            }
        }
        #expect(checked >= 10, "every figure of both columns")
        // No cell carries more than 4 decimals.
        let cells = page.split(separator: "<td>").dropFirst().map { $0.prefix { $0 != "<" } }
        for cell in cells {
            for number in cell.split(whereSeparator: { !$0.isNumber && $0 != "." }) where number.contains(".") {
                #expect((number.split(separator: ".").last?.count ?? 0) <= 4, "\(cell)")
            }
        }
    }
}
