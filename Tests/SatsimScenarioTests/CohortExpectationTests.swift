import Foundation
import SatsimModel
import Testing
@testable import SatsimScenario

/// scenario-format.md: "when any event has a `share`, summary.json adds, for each client,
/// `cohorts: { experiment: {...}, control: {...} }`". Without a share there are no cohort
/// figures, so an `expect` on one could only fail, and it failed late: `satsim check` ran the
/// scenario and then said "no such figure in the summary". It is refused when the file is loaded,
/// at the expect key, so `validate` and `run` say it too.
@Suite struct CohortExpectationTests {
    static func text(timeline: String, expect: String) -> String {
        """
        name: cohorts
        description: A scenario that expects cohort figures.
        duration: 1m
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { service_time: { dist: constant, value: 10ms } }
        \(timeline)
        variants:
          targeted: { timeline.0.share: 0.1 }
          plain: { services.api.workers: 2 }
        \(expect)
        """
    }

    static let noShare = "timeline:\n  - { at: 10s, for: 10s, kind: errors, service: api, ratio: 0.5 }"
    static let withShare = "timeline:\n  - { at: 10s, for: 10s, kind: errors, service: api, ratio: 0.5, share: 0.1 }"

    static func refusal(_ text: String) -> [String] {
        do throws(ScenarioError) {
            _ = try ScenarioLoader.parse(text: text, file: "cohorts.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    @Test func aCohortFigureWithoutAShareIsRefusedAtItsKey() {
        let text = Self.text(timeline: Self.noShare, expect: "expect:\n  clients.users.cohorts.experiment.goodput_per_s: \">= 1\"")
        let refused = Self.refusal(text)
        #expect(refused.count == 1, "\(refused)")
        let line = refused.first ?? ""
        // Line 14, column 3: the key under `expect`.
        #expect(line.hasPrefix("cohorts.yaml:14:3: error: expect.clients.users.cohorts.experiment.goodput_per_s: "), "\(line)")
        #expect(line.contains("'cohorts.experiment.goodput_per_s' is a cohort figure"), "\(line)")
        #expect(line.contains("no event of the timeline has a `share`; expected a `share` on such an event"), "\(line)")
        #expect(line.hasSuffix("did you mean 'clients.users.goodput_per_s'?"), "\(line)")
        // A cohort-only figure (success_ratio is not a figure of the whole client): no suggestion.
        let ratio = Self.refusal(Self.text(timeline: Self.noShare, expect: "expect:\n  clients.users.cohorts.control.success_ratio: \">= 0.9\""))
        #expect(ratio.count == 1 && ratio.first?.contains("did you mean") == false, "\(ratio)")
    }

    @Test func aShareInTheTimelineOrAddedByTheVariantAllowsThem() {
        let figure = "clients.users.cohorts.experiment.success_ratio: \">= 0.5\""
        #expect(Self.refusal(Self.text(timeline: Self.withShare, expect: "expect:\n  \(figure)")) == [])
        // Switched off, the event can still be switched on by a variant or --set: not refused here.
        let off = "timeline:\n  - { at: 10s, for: 10s, kind: errors, service: api, ratio: 0.5, share: 0.1, enabled: false }"
        #expect(Self.refusal(Self.text(timeline: off, expect: "expect:\n  \(figure)")) == [])
        // The variant that sets timeline.0.share may name them in its own block; the one that
        // does not, may not.
        #expect(Self.refusal(Self.text(timeline: Self.noShare, expect: "expect:\n  variants:\n    targeted: { \(figure) }")) == [])
        let plain = Self.refusal(Self.text(timeline: Self.noShare, expect: "expect:\n  variants:\n    plain: { \(figure) }"))
        #expect(plain.count == 1, "\(plain)")
        #expect(plain.first?.contains("expect.variants.plain.clients.users.cohorts.experiment.success_ratio: ") == true, "\(plain)")
        #expect(plain.first?.contains("neither the timeline nor variant 'plain' gives an event a `share`") == true, "\(plain)")
    }

    @Test func aShareOnlyInChaosFaultsDoesNotCount() {
        // `satsim check` runs the timeline, not the chaos block: no cohorts in its runs.
        let text = Self.text(timeline: Self.noShare, expect: """
            expect:
              clients.users.cohorts.experiment.requests: ">= 1"
            chaos:
              at: 10s
              faults:
                - { for: 5s, kind: errors, service: api, ratio: 1, share: 0.2 }
            """)
        #expect(Self.refusal(text).count == 1)
    }
}
