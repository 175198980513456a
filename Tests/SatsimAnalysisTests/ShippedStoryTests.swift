import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimModel
import SatsimScenario
import Testing

/// The story of every shipped scenario and of each of its variants, held to its data by
/// ``StoryChecker``. A scenario added to Scenarios/ is checked without a change here.
///
/// Runs are cut at ``horizon`` after the first timeline event (or the warmup) so that the whole
/// suite stays short in a debug build; a cut run still tells every event it reached and judges
/// what it simulated.
@Suite("Shipped scenarios: the story holds to the data")
struct ShippedStoryTests {
    static let horizon = SimTime(seconds: 75)

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// "file.yaml" and "file.yaml --variant NAME", for each file and variant.
    static let cases: [String] = {
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
        return files.flatMap { file -> [String] in
            let spec = try? ScenarioLoader.load(file: folder.appendingPathComponent(file).path)
            return [file] + (spec?.variants.map { "\(file) --variant \($0.name)" } ?? [])
        }
    }()

    @Test("There are shipped scenarios and variants to check")
    func casesExist() {
        #expect(Self.cases.count >= 7)
        #expect(Self.cases.contains { $0.contains("--variant") })
    }

    @Test("Every figure, share, time and event of the story", arguments: ShippedStoryTests.cases)
    func storyHoldsToTheData(name: String) throws {
        let parts = name.components(separatedBy: " --variant ")
        var spec = try ScenarioLoader.load(file: Self.folder.appendingPathComponent(parts[0]).path, variant: parts.count > 1 ? parts[1] : nil)
        spec.duration = min(spec.duration, (spec.timeline.map(\.at).min() ?? spec.warmup) + Self.horizon)
        let result = Simulation(spec: spec).run()
        let analysis = RunAnalysis(result: result, spec: spec)
        let story = Story(result: result, spec: spec, analysis: analysis)
        #expect(!story.findings.isEmpty, "\(name)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: name)
    }
}
