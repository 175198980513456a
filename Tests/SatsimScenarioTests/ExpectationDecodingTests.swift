import Foundation
import SatsimModel
import Testing
@testable import SatsimScenario

/// `expect` beyond one outcome name (issue 7): a list of outcomes, `!= NAME`, and a block per
/// variant under `expect.variants`. Bad input is refused where it is written, with a did-you-mean
/// (the goldens in DiagnosticGoldenTests hold the full messages).
@Suite struct ExpectationDecodingTests {
    static func text(_ expect: String) -> String {
        """
        name: expect
        description: A scenario with expectations.
        duration: 1m
        clients:
          users: { target: api, arrival: { process: poisson, rate: 10/s } }
        services:
          api: { service_time: { dist: constant, value: 10ms } }
        variants:
          slow: { services.api.workers: 1 }
          fast: { services.api.workers: 8 }
        \(expect)
        """
    }

    static func parse(_ expect: String) throws -> ScenarioSpec {
        try ScenarioLoader.parse(text: text(expect), file: "expect.yaml")
    }

    @Test func outcomeListIsKeptAsWrittenForCheck() throws {
        let spec = try Self.parse("expect: { outcome: [recovered, stable] }")
        #expect(spec.expectations == [ExpectationSpec(path: "outcome", condition: "in [recovered, stable]")])
        let one = try Self.parse("expect: { outcome: [metastable] }")
        #expect(one.expectations == [ExpectationSpec(path: "outcome", condition: "in [metastable]")])
    }

    @Test func notEqualOutcome() throws {
        let spec = try Self.parse("expect: { outcome: \"!= metastable\" }")
        #expect(spec.expectations == [ExpectationSpec(path: "outcome", condition: "!= metastable")])
    }

    @Test func variantBlocksInFileOrderApartFromTheBase() throws {
        let spec = try Self.parse("""
            expect:
              outcome: stable
              variants:
                slow: { outcome: [overloaded, degraded], services.api.utilization: "> 0.9" }
                fast: { outcome: stable }
            """)
        #expect(spec.expectations == [ExpectationSpec(path: "outcome", condition: "stable")])
        #expect(spec.variantExpectations == [
            VariantExpectationsSpec(variant: "slow", expectations: [
                ExpectationSpec(path: "outcome", condition: "in [overloaded, degraded]"),
                ExpectationSpec(path: "services.api.utilization", condition: "> 0.9"),
            ]),
            VariantExpectationsSpec(variant: "fast", expectations: [ExpectationSpec(path: "outcome", condition: "stable")]),
        ])
        // A variant's block replaces the base one; a variant without a block keeps the base's.
        #expect(spec.expectations(forVariant: "slow") == spec.variantExpectations[0].expectations)
        #expect(spec.expectations(forVariant: nil) == spec.expectations)
        let baseOnly = try Self.parse("expect: { outcome: stable, variants: { fast: { outcome: stable } } }")
        #expect(baseOnly.expectations(forVariant: "slow") == baseOnly.expectations)
    }

    @Test func onlyVariantBlocks() throws {
        let spec = try Self.parse("expect: { variants: { slow: { outcome: overloaded } } }")
        #expect(spec.expectations.isEmpty)
        #expect(spec.variantExpectations.map(\.variant) == ["slow"])
    }

    @Test("Bad lists, names and blocks are refused at the offending value", arguments: [
        ("expect: { outcome: [recovered, stabel] }", "expect.outcome.1", "stable"),
        ("expect: { outcome: [] }", "expect.outcome", nil),
        // A repeated outcome adds nothing to "any of them": almost certainly a slip for another.
        ("expect: { outcome: [stable, stable] }", "expect.outcome.1", nil),
        ("expect: { outcome: [recovered, stable, metastable, stable] }", "expect.outcome.3", nil),
        ("expect: { outcome: \"in [stable, recovered, stable]\" }", "expect.outcome", nil),
        ("expect: { variants: { slow: { outcome: [degraded, degraded] } } }", "expect.variants.slow.outcome.1", nil),
        ("expect: { outcome: \"!= metastabel\" }", "expect.outcome", "metastable"),
        ("expect: { outcome: \"!=\" }", "expect.outcome", nil),
        ("expect: { outcome: \">= 3\" }", "expect.outcome", nil),
        ("expect: { outcome: [recovered, [stable]] }", "expect.outcome.1", nil),
        ("expect: { variants: { slwo: { outcome: stable } } }", "expect.variants.slwo", "slow"),
        ("expect: { variants: { slow: { outcome: stabel } } }", "expect.variants.slow.outcome", "stable"),
        ("expect: { variants: { slow: { clients.users.goodput: \">= 1\" } } }", "expect.variants.slow.clients.users.goodput", nil),
        ("expect: { variants: { slow: {} } }", "expect.variants.slow", nil),
        ("expect: { variants: [slow] }", "expect.variants", nil),
        ("expect: { varients: { slow: { outcome: stable } } }", "expect.varients", "variants"),
    ] as [(String, String, String?)])
    func refused(_ expect: String, path: String, suggestion: String?) throws {
        let error = try #require(throws: ScenarioError.self) { try Self.parse(expect) }
        let diagnostic = try #require(error.diagnostics.first { $0.path == path }, "\(error.description)")
        #expect(diagnostic.line == 11, "\(error.description)")
        if let suggestion {
            #expect(error.description.contains("did you mean '\(suggestion)'"), "\(error.description)")
        }
    }

    @Test func variantBlocksNeedVariants() throws {
        let text = Self.text("expect: { variants: { slow: { outcome: stable } } }")
            .replacingOccurrences(of: "variants:\n  slow: { services.api.workers: 1 }\n  fast: { services.api.workers: 8 }\n", with: "")
        let error = try #require(throws: ScenarioError.self) { try ScenarioLoader.parse(text: text, file: "expect.yaml") }
        #expect(error.description.contains("no variant named 'slow': the file has no `variants`"), "\(error.description)")
    }
}
