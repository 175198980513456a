import Foundation
import SatsimAnalysis
import SatsimModel
import SatsimReport
import Testing

/// report.html as a reader sees it: rendered by headless Chromium.
///
/// These tests need a browser. `.ci/run` installs `chromium`; where it is not installed they are
/// skipped, and the test report says so with the reason below.
@Suite("report.html in headless Chromium")
struct ReportBrowserTests {
    static let skipReason: Comment =
        "chromium is not installed (apt-get install -y chromium); these tests render report.html in a real browser"

    /// Writes the small run's report to a fresh directory.
    static func writeReport() throws -> (url: URL, story: [String]) {
        let run = ReportFixture(spec: ReportFixture.small())
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("report.html")
        try Data(ReportPage.render(result: run.result, analysis: run.analysis, spec: run.spec).utf8).write(to: url)
        return (url, Story(result: run.result, spec: run.spec, analysis: run.analysis).sentences)
    }

    @Test("The screenshot is not blank: the page and its charts drew, in the charts' colours",
          .enabled(if: Chromium.executable != nil, skipReason))
    func screenshotNotBlank() throws {
        let (url, _) = try Self.writeReport()
        let png = url.deletingLastPathComponent().appendingPathComponent("shot.png")
        let ran = try Chromium.run(["--window-size=1280,2400", "--screenshot=\(png.path)"], url: url)
        #expect(ran != nil, "chromium failed or timed out")
        let image = try #require(PNGImage(data: try Data(contentsOf: png)), "the screenshot is not a PNG this test can read")
        #expect(image.width == 1280)
        let inked = image.pixels.filter { $0 != 0xFFFFFF }.count
        #expect(Double(inked) / Double(image.pixels.count) > 0.02, "only \(inked) pixels are not white")
        #expect(Set(image.pixels).count > 20, "the page has too few colours to hold charts")
        func near(_ colour: UInt32) -> Bool {
            image.pixels.contains { p in
                [16, 8, 0].allSatisfy { shift in abs(Int(p >> UInt32(shift) & 0xFF) - Int(colour >> UInt32(shift) & 0xFF)) <= 24 }
            }
        }
        #expect(near(0x0072B2), "no goodput-blue pixel: the charts' lines did not draw")
        #expect(near(0xD55E00), "no vermillion pixel: the charts' lines did not draw")
    }

    @Test("The rendered DOM holds the story, the verdict and the charts",
          .enabled(if: Chromium.executable != nil, skipReason))
    func domHoldsStory() throws {
        let (url, story) = try Self.writeReport()
        let dom = try #require(try Chromium.run(["--dump-dom"], url: url), "chromium failed or timed out")
        #expect(!story.isEmpty)
        for sentence in story {
            // The DOM serializer escapes only &, < and > in text.
            let text = sentence.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
            #expect(dom.contains(text), "the rendered page lacks: \(sentence)")
        }
        #expect(dom.contains("id=\"outcome\""))
        #expect(dom.components(separatedBy: "<svg").count - 1 == 4)
    }

    /// The compare report of ``ReportFixture/comparisonPage()``, written to a fresh directory.
    static func writeComparisonReport() throws -> URL {
        let page = ReportFixture.comparisonPage()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("report.html")
        try Data(page.utf8).write(to: url)
        return url
    }

    @Test("No console message or error on the run report or the compare report; a page with one is caught",
          .enabled(if: Chromium.executable != nil, skipReason))
    func noConsoleErrors() throws {
        let (run, _) = try Self.writeReport()
        let compare = try Self.writeComparisonReport()
        for url in [run, compare] {
            let messages = try #require(try Chromium.consoleMessages(url: url), "chromium failed or timed out")
            #expect(messages.isEmpty, "\(url.lastPathComponent): \(messages)")
        }
        // The check itself: a page that logs an error and throws one is reported.
        let broken = run.deletingLastPathComponent().appendingPathComponent("broken.html")
        try Data("<!DOCTYPE html><html><body><script>console.error('satsim-check'); undefinedCall();</script></body></html>".utf8)
            .write(to: broken)
        let caught = try #require(try Chromium.consoleMessages(url: broken), "chromium failed or timed out")
        #expect(caught.contains { $0.contains("satsim-check") }, "\(caught)")
        #expect(caught.contains { $0.contains("undefinedCall") }, "\(caught)")
    }

    @Test("The compare report's screenshot is not blank: its overlaid lines and bands drew",
          .enabled(if: Chromium.executable != nil, skipReason))
    func comparisonScreenshotNotBlank() throws {
        let url = try Self.writeComparisonReport()
        let png = url.deletingLastPathComponent().appendingPathComponent("shot.png")
        let ran = try Chromium.run(["--window-size=1280,2400", "--screenshot=\(png.path)"], url: url)
        #expect(ran != nil, "chromium failed or timed out")
        let image = try #require(PNGImage(data: try Data(contentsOf: png)), "the screenshot is not a PNG this test can read")
        let inked = image.pixels.filter { $0 != 0xFFFFFF }.count
        #expect(Double(inked) / Double(image.pixels.count) > 0.02, "only \(inked) pixels are not white")
        // The variant's line is the palette's blue; the base's is black.
        #expect(image.pixels.contains { p in
            [16, 8, 0].allSatisfy { shift in abs(Int(p >> UInt32(shift) & 0xFF) - Int(0x0072B2 >> UInt32(shift) & 0xFF)) <= 24 }
        }, "no blue pixel: the variant's line did not draw")
    }

    @Test("The explain report renders without console messages, and its chart of outcomes drew",
          .enabled(if: Chromium.executable != nil, skipReason))
    func explanationReportRenders() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-browser-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent("report.html")
        try Data(ReportFixture.explanationPage().utf8).write(to: url)
        let messages = try #require(try Chromium.consoleMessages(url: url), "chromium failed or timed out")
        #expect(messages.isEmpty, "\(messages)")
        let png = directory.appendingPathComponent("shot.png")
        let ran = try Chromium.run(["--window-size=1280,3200", "--screenshot=\(png.path)"], url: url)
        #expect(ran != nil, "chromium failed or timed out")
        let image = try #require(PNGImage(data: try Data(contentsOf: png)), "the screenshot is not a PNG this test can read")
        // The stable runs' bars are the chart's bluish green, a colour no other part of the page uses.
        let green = image.pixels.filter { p in
            [16, 8, 0].allSatisfy { shift in abs(Int(p >> UInt32(shift) & 0xFF) - Int(0x009E73 >> UInt32(shift) & 0xFF)) <= 16 }
        }.count
        #expect(green > 500, "only \(green) bluish-green pixels: the outcome bars did not draw")
    }
}
