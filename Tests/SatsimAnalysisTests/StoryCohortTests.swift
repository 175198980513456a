import Foundation
import SatsimAnalysis
import SatsimCore
import SatsimMetrics
import SatsimModel
import SatsimScenario
import Testing

/// A chaos experiment is judged by comparing its cohort with a control cohort (Basiri et al.,
/// "Automating chaos experiments in production", ICSE-SEIP 2019). The story's comparison must
/// hold to what the run measured and to what the experiment could touch: the experiment cohort's
/// share is the one measured, a client the experiment's fault cannot reach is not told as if it
/// had an experiment cohort, and a harmed control cohort is not blamed on the experiment when
/// other events of the timeline reached it too.
@Suite("Chaos cohorts in the story")
struct StoryCohortTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Scenarios")

    /// The shipped chaos-experiment-leak, cut at 2m15s: its fault acts on calls from api to db
    /// for 5% of requests; users go through api, admins call db directly.
    @Test("A client the experiment cannot reach, and the measured share of one it can")
    func shippedLeak() throws {
        var spec = try ScenarioLoader.load(file: Self.folder.appendingPathComponent("chaos-experiment-leak.yaml").path)
        spec.duration = SimTime(seconds: 135)
        let result = Simulation(spec: spec).run()
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let cohorts = story.findings.filter { $0.mechanism == .cohorts }
        let admins = try #require(cohorts.first { $0.subject == "admins" })
        #expect(admins.sentence.hasPrefix("No fault of the experiment could reach the requests of admins, which never pass through calls from api to db: "), "\(admins.sentence)")
        #expect(!admins.sentence.contains("experiment cohort"), "\(admins.sentence)")
        let users = try #require(cohorts.first { $0.subject == "users" })
        let measured = try #require(result.cohorts.first { $0.client == "users" })
        let ended = { (s: ClientSummary) in Double(s.successes + s.failures) }
        let share = ended(measured.experiment) / (ended(measured.experiment) + ended(measured.control))
        #expect(users.figures[0].value == share, "\(users.figures[0].value) against \(share)")
        #expect(users.sentence.contains("the experiment cohort (\(users.figures[0].text) of them)"), "\(users.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "chaos-experiment-leak")
    }

    /// The same experiment with an outage of db for everyone at 1m30s: the control cohort is
    /// harmed, but not by the experiment alone.
    @Test("Another event reaching every request: the control cohort's harm is not blamed on the experiment")
    func otherEvents() throws {
        var spec = try ScenarioLoader.load(file: Self.folder.appendingPathComponent("chaos-experiment-leak.yaml").path)
        spec.duration = SimTime(seconds: 135)
        spec.timeline.append(
            TimelineEventSpec(at: SimTime(seconds: 90), duration: SimTime(seconds: 10), action: .outage(service: "db", mode: .refuse)))
        let result = Simulation(spec: spec).run()
        let story = Story(result: result, spec: spec, analysis: RunAnalysis(result: result, spec: spec))
        let users = try #require(story.findings.first { $0.mechanism == .cohorts && $0.subject == "users" })
        #expect(!users.sentence.contains("the harm leaked"), "\(users.sentence)")
        #expect(users.sentence.contains("but other events of the timeline reached it as well"), "\(users.sentence)")
        let admins = try #require(story.findings.first { $0.mechanism == .cohorts && $0.subject == "admins" })
        #expect(admins.sentence.hasSuffix("other events of the timeline reached them as well."), "\(admins.sentence)")
        StoryChecker(series: result.timeSeries).check(story, spec: spec, endSeconds: result.endSeconds, label: "leak with outage")
    }
}
