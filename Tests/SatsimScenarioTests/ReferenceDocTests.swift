import Foundation
import Testing
@testable import SatsimScenario

/// The scenario reference is generated from the schema; these tests keep the two in step.
@Suite struct ReferenceDocTests {
    static let path = TestFiles.repositoryRoot.appendingPathComponent("docs/scenario-reference.md")

    @Test func committedReferenceEqualsTheRenderedSchema() throws {
        let rendered = ScenarioSchema.standard.markdown()
        if TestFiles.isRecording {
            try FileManager.default.createDirectory(at: Self.path.deletingLastPathComponent(), withIntermediateDirectories: true)
            try rendered.write(to: Self.path, atomically: true, encoding: .utf8)
            Issue.record("Recorded docs/scenario-reference.md")
            return
        }
        let committed = try #require(try? String(contentsOf: Self.path, encoding: .utf8),
                                     "docs/scenario-reference.md is missing; run with RECORD_SNAPSHOTS=1")
        #expect(committed == rendered, "docs/scenario-reference.md is stale; run with RECORD_SNAPSHOTS=1")
    }

    /// Every key of every shape appears in the full-contract fixture, so the fixture (decoded value
    /// by value in LoaderTests) exercises the whole schema.
    @Test func fullContractFixtureUsesEveryKeyAndCase() throws {
        let text = try TestFiles.fixtureText("full-contract.yaml")
        let schema = ScenarioSchema.standard
        for shape in [schema.root] + schema.shapes {
            for key in shape.keys + shape.cases.flatMap(\.keys) {
                #expect(text.contains("\(key.name):"), "\(shape.name).\(key.name) is not in full-contract.yaml")
            }
            if let discriminator = shape.discriminator {
                for c in shape.cases {
                    #expect(text.contains("\(discriminator): \(c.value)"), "\(discriminator): \(c.value) is not in full-contract.yaml")
                }
            }
        }
    }

    /// Every default in the schema decodes with its own key's type.
    @Test func everyDefaultIsAValidValueOfItsKey() {
        let schema = ScenarioSchema.standard
        var decoder = SpecDecoder(file: "schema")
        for shape in [schema.root] + schema.shapes {
            for key in shape.keys + shape.cases.flatMap(\.keys) {
                guard case .defaulted(let text) = key.presence, key.type.isScalar else { continue }
                let node = YAMLNode(content: .scalar(text, quoted: false), position: .start(of: "schema"))
                #expect(decoder.scalar(node, key.type, "\(shape.name).\(key.name)") != nil)
            }
        }
        #expect(decoder.diagnostics.isEmpty, "\(decoder.diagnostics)")
    }
}
