import SatsimAnalysis
import Testing

extension StoryChecker {
    /// A sentence that prints the load offered and goodput over the same window never prints more
    /// successes per second than requests offered without saying why (successes of requests sent
    /// before the window), and never says so when its figures do not show it.
    func checkOfferedAgainstGoodput(_ finding: Finding, _ where_: String, _ sourceLocation: SourceLocation) {
        func rate(_ suffix: String) -> StoryFigure? {
            finding.figures.first {
                guard case .rate(let names) = $0.measure, !names.isEmpty else { return false }
                return names.allSatisfy { $0.hasPrefix("clients.") && $0.hasSuffix(suffix) }
            }
        }
        guard let goodput = rate(".successes"), let offered = rate(".requests"), goodput.window == offered.window,
              let shownGoodput = Double(goodput.text), let shownOffered = Double(offered.text) else { return }
        let explained = finding.sentence.contains("than were offered")
        let excess = finding.figures.first {
            if case .difference(.total(let a), .total(let b)) = $0.measure {
                return a.allSatisfy { $0.hasSuffix(".successes") } && b.allSatisfy { $0.hasSuffix(".requests") }
            }
            return false
        }
        if shownGoodput > shownOffered {
            #expect(explained, "\(where_): more succeeded per second than were offered, unexplained", sourceLocation: sourceLocation)
            #expect(excess?.window == goodput.window && (excess?.value ?? 0) >= 1, "\(where_): the excess is not measured over the same window", sourceLocation: sourceLocation)
        } else {
            #expect(!explained, "\(where_): a drained backlog told where the figures show none", sourceLocation: sourceLocation)
        }
    }
}

extension StoryChecker {
    /// Every figure of a finding is printed by its own placeholder: a figure appended before one
    /// whose placeholder was written as a fixed `{2}` shifted it ("api was 1 busy", the count of a
    /// drained backlog printed as a utilization), which the check that each printed placeholder's
    /// text appears could not see.
    ///
    /// Course findings only: a cause may carry the figure it is ranked by without printing it
    /// (an autoscaler's share of time at its max, told as instances against the max).
    func checkEveryFigurePrinted(_ finding: Finding, _ where_: String, _ sourceLocation: SourceLocation) {
        guard finding.role == .course, finding.mechanism != .causes else { return }
        for k in finding.figures.indices {
            #expect(finding.template.contains("{\(k)}"), "\(where_): figure \(k) (\(finding.figures[k].measure)) is not printed", sourceLocation: sourceLocation)
        }
    }
}
