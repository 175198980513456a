import Foundation
import Testing

/// OWASP "CSV Injection" end to end: a varied text value that a spreadsheet would run as a
/// formula reaches runs.csv and points.csv with a leading `'`, in double quotes (RFC 4180),
/// while the figures beside it stay numbers.
@Suite("sweep: formula-like text in runs.csv and points.csv")
struct CSVInjectionEndToEndTests {
    @Test("--vary description==1+2,-x writes \"'=1+2\" and \"'-x\"; the figures are untouched")
    func variedTextIsNeutralised() throws {
        let file = try CLIHarness.scenarioFile(RunEndToEndTests.small)
        let folder = file.deletingLastPathComponent().appendingPathComponent("out")
        let sweep = try CLIHarness.run(
            ["sweep", file.path, "--vary", "description==1+2,-x", "--replications", "1", "--jobs", "1", "--out", folder.path],
            timeout: 300)
        #expect(sweep.status == 0, "\(sweep.stderr)")
        for name in ["runs.csv", "points.csv"] {
            let lines = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8).split(separator: "\n")
            let header = lines[0].split(separator: ",")
            let column = try #require(header.firstIndex(of: "description"))
            #expect(lines[1].split(separator: ",")[column] == "\"'=1+2\"", "\(name): \(lines[1])")
            #expect(lines[2].split(separator: ",")[column] == "\"'-x\"", "\(name): \(lines[2])")
            // No cell outside the varied column begins with a quote or an apostrophe: numbers
            // (seeds, counts, figures) are written as numbers.
            for line in lines.dropFirst() {
                let others = line.split(separator: ",", omittingEmptySubsequences: false).enumerated().filter { $0.offset != column }
                #expect(others.allSatisfy { !$0.element.hasPrefix("\"") && !$0.element.hasPrefix("'") }, "\(name): \(line)")
            }
        }
    }
}
