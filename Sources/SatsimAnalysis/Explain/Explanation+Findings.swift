import SatsimMetrics

/// `explain`'s results as findings (DESIGN.md, "The story": "`explain` adds its counterfactual
/// findings to the same list"): one per counterfactual, with the row's outcome counts, its
/// goodput and recovery time with their 95% intervals against the base's, and the paired
/// difference that decided its effect, every figure over the replications the finding states.
extension Explanation {
    /// The runs behind every row: the same seeds in each.
    public var replicationSet: ReplicationSet { ReplicationSet(count: max(replications, 1), firstSeed: baseSeed) }

    /// One finding per counterfactual, in the table's order, `none` effects included.
    public var findings: [Finding] { counterfactuals.indices.map { finding(row: $0 + 1) } }

    /// The findings a story tells: each cause, then each protection, ordered by the rule that
    /// decided it (bad outcomes first) and then by weight, heaviest first; then one finding
    /// naming every switch-off without effect (or saying there was nothing to switch off), so
    /// that they do not crowd out the story.
    public var toldFindings: [Finding] {
        let all = findings
        let rules = Rule.allCases
        func ranked(_ effect: Effect) -> [Finding] {
            all.indices.filter { all[$0].switchedOff.first?.effect == effect }.sorted { a, b in
                let (x, y) = (all[a], all[b])
                let (rx, ry) = (x.switchedOff.first?.rule.flatMap(rules.firstIndex) ?? rules.count,
                                y.switchedOff.first?.rule.flatMap(rules.firstIndex) ?? rules.count)
                if rx != ry { return rx < ry }
                if x.weight != y.weight { return x.weight > y.weight }
                return a < b
            }.map { all[$0] }
        }
        var told = ranked(.cause) + ranked(.protection)
        if counterfactuals.isEmpty || counterfactuals.contains(where: { $0.effect == .none }) {
            told.append(withoutEffectFinding)
        }
        return told
    }

    /// The weight a switch-off is ranked by: the size of the paired difference its rule decided
    /// on, as a share (of runs for rules 1 and 2, of requests for 3, of the base's goodput for
    /// 4, at most 1); 0 for `none`.
    func weight(_ column: Column) -> Double {
        switch column.rule {
        case .badOutcomes?: return min(1, abs(column.badDifference?.difference ?? 0))
        case .disturbedRuns?: return min(1, abs(column.disturbedDifference?.difference ?? 0))
        case .successRatio?: return min(1, abs(column.successDifference?.mean ?? 0))
        case .goodput?:
            guard let base = base.goodput?.mean, base > 0 else { return 1 }
            return min(1, abs(column.goodputDifference?.mean ?? 0) / base)
        case nil: return 0
        }
    }

    /// The finding of row `row` (1 for the first counterfactual).
    func finding(row: Int) -> Finding {
        let column = counterfactuals[row - 1]
        let counterfactual = column.counterfactual
        var figures: [StoryFigure] = []
        func put(_ value: Double, _ unit: FigureUnit, _ measure: ExplainedMeasure) -> String {
            figures.append(StoryFigure(value, unit, .explained(measure)))
            return "{\(figures.count - 1)}"
        }
        let n = put(Double(replications), .count, .replications)
        let runs = replications == 1 ? "run" : "runs"
        func outcomes(_ column: Column, row: Int) -> String {
            let parts = column.outcomes.map { entry in
                entry.outcome.replacing("_", with: " ") + " in "
                    + put(Double(entry.count), .count, .outcomeCount(row: row, outcome: entry.outcome))
            }
            return Self.list(parts) + " of \(n) \(runs)"
        }
        func interval(_ value: MeanInterval, row: Int, _ measure: (Int, ExplainedMeasure.Bound) -> ExplainedMeasure) -> String {
            var text = put(value.mean, .tenths, measure(row, .mean))
            if let bounds = value.nonNegativeBounds {
                text += " [" + put(bounds.low, .tenths, measure(row, .low)) + ", " + put(bounds.high, .tenths, measure(row, .high)) + "]"
            }
            return text
        }
        let noun = counterfactual.map(Self.noun) ?? "it"
        let subject = counterfactual?.subject ?? ""
        var text = "Without \(noun) (\(subject)), {runs}"
        // Intervals need two runs or more: from one, a mean stands alone.
        if replications > 1 { text += " (means with their " + put(Self.level, .share, .level) + " intervals in brackets)" }
        text += ": " + outcomes(column, row: row)
        if let recovery = column.recoveryTime {
            let recovered = put(Double(recovery.count), .count, .recoveredRuns(row: row))
            text += ", recovering " + interval(recovery, row: row, ExplainedMeasure.recoveryTime) + " s after the last fault ended "
            text += recovery.count == 1 ? "(the \(recovered) run that recovered)" : "(mean over the \(recovered) runs that recovered)"
        }
        if let mine = column.goodput, let theirs = base.goodput {
            text += "; goodput after warmup " + interval(mine, row: row, ExplainedMeasure.goodput) + "/s against "
            text += interval(theirs, row: 0, ExplainedMeasure.goodput) + "/s with it"
        }
        text += " (the base: " + outcomes(base, row: 0) + ")"
        text += effectClause(column, row: row, n: n, put: put)
        let switchOff = SwitchOff(
            mechanism: counterfactual?.mechanism ?? "", subject: subject, change: counterfactual?.change ?? "",
            effect: column.effect, rule: column.rule, changesDemand: counterfactual?.changesDemand ?? false, row: row)
        return Finding(
            .switchedOff, role: .counterfactual, subject: subject, time: 0, figures: figures, weight: weight(column),
            template: text, replications: replicationSet, switchedOff: [switchOff])
    }

    /// How the effect was decided, with the figures that decided it: the counts of bad or
    /// stable runs (rules 1 and 2), or the paired difference with its 95% interval (3 and 4).
    private func effectClause(
        _ column: Column, row: Int, n: String, put: (Double, FigureUnit, ExplainedMeasure) -> String
    ) -> String {
        let cause = column.effect == .cause
        let kind = cause ? " — a cause" : " — a protection"
        func count(_ labels: Set<String>, _ measure: (Int) -> ExplainedMeasure) -> (String, String) {
            func runs(_ c: Column) -> Double { Double(c.outcomes.filter { labels.contains($0.outcome) }.reduce(0) { $0 + $1.count }) }
            return (put(runs(column), .count, measure(row)), put(runs(base), .count, measure(0)))
        }
        func difference(_ value: MeanInterval?, _ rule: Rule, _ unit: FigureUnit) -> String {
            guard let value else { return "" }
            let size = abs(value.mean), half = value.halfWidth ?? 0
            return put(size, unit, .difference(row: row, rule, .mean)) + " [" + put(size - half, unit, .difference(row: row, rule, .low))
                + ", " + put(size + half, unit, .difference(row: row, rule, .high)) + "]"
        }
        let level = put(Self.level, .share, .level)
        // Runs paired by seed, a yes or no each: McNemar's test (mid-p), not an interval, which
        // on 0/1 differences was 0 wide whenever every pair agreed (2 of 2 "excluded zero").
        func paired(_ test: McNemarTest?, _ rule: Rule) -> String {
            "McNemar's test of the runs paired by seed tells the two apart at \(level) (mid-p value "
                + put(test?.midP ?? 1, .probability, .pValue(row: row, rule)) + ")"
        }
        switch column.rule {
        case .badOutcomes?:
            let (mine, theirs) = count(Set(Self.badOutcomes.map(\.rawValue)), ExplainedMeasure.badRuns)
            return "\(kind): \(cause ? "fewer" : "more") runs ended degraded, metastable, oscillating or overloaded without it, "
                + "\(mine) against \(theirs) of \(n), and \(paired(column.badDifference, .badOutcomes))."
        case .disturbedRuns?:
            let (mine, theirs) = count([Outcome.stable.rawValue], ExplainedMeasure.stableRuns)
            return "\(kind): \(cause ? "more" : "fewer") runs stayed stable without it, \(mine) against \(theirs) of \(n), "
                + "and \(paired(column.disturbedDifference, .disturbedRuns))."
        case .successRatio?:
            return "\(kind): the success ratio (mean over clients) was \(cause ? "higher" : "lower") without it, by "
                + difference(column.successDifference, .successRatio, .percentagePoints)
                + " percentage points (the \(level) interval of the paired difference), at least "
                + put(Self.successFloor, .percentagePoints, .floor(.successRatio)) + " percentage points."
        case .goodput?:
            return "\(kind): goodput was \(cause ? "higher" : "lower") without it, by "
                + difference(column.goodputDifference, .goodput, .tenths)
                + "/s (the \(level) interval of the paired difference), at least "
                + put(Self.goodputFloor, .share, .floor(.goodput)) + " of the base's goodput."
        case nil:
            return ": no effect, no difference counted beyond the \(level) intervals and the floors."
        }
    }

    /// The switch-offs without effect in one finding, or that the scenario has nothing to
    /// switch off.
    var withoutEffectFinding: Finding {
        if counterfactuals.isEmpty {
            return Finding(
                .switchedOffWithoutEffect, role: .counterfactual, time: 0,
                template: "The scenario uses no mechanism that can be switched off and has no timeline event.",
                replications: replicationSet)
        }
        var figures: [StoryFigure] = []
        func put(_ value: Double, _ unit: FigureUnit, _ measure: ExplainedMeasure) -> String {
            figures.append(StoryFigure(value, unit, .explained(measure)))
            return "{\(figures.count - 1)}"
        }
        let unchanged = counterfactuals.indices.filter { counterfactuals[$0].effect == .none }
        let switchOffs = unchanged.map { k in
            let column = counterfactuals[k]
            return SwitchOff(
                mechanism: column.counterfactual?.mechanism ?? "", subject: column.counterfactual?.subject ?? "",
                change: column.counterfactual?.change ?? "", effect: .none, rule: nil,
                changesDemand: column.counterfactual?.changesDemand ?? false, row: k + 1)
        }
        let subjects = switchOffs.map(\.subject)
        let events = switchOffs.filter { $0.mechanism == "fault" }.count
        let verb = events == 0 ? "Switching off" : events == switchOffs.count ? "Removing" : "Switching off or removing"
        var text = verb + (switchOffs.count == 1 ? " " : " each of ") + Self.list(subjects)
            + (switchOffs.count == 1 ? ", " : " in turn, ")
        // One replication has no confidence interval at all: "no paired difference had a 95%
        // interval that excludes zero" was told of retries whose switch-off turned a metastable
        // run into one that recovered, as if the difference had been measured and found small.
        if replicationSet.count < 2 {
            text += "{runs}, could show no effect: one replication gives no confidence interval, so no difference can be told "
                + "from noise; run at least 2 (--replications 2 or more) to judge each effect."
            return Finding(
                .switchedOffWithoutEffect, role: .counterfactual, subject: subjects.joined(separator: ", "), time: 0,
                template: text, replications: replicationSet, switchedOff: switchOffs)
        }
        text += "{runs}, showed no effect these runs can tell: "
            + "McNemar's test of the runs paired by seed told none apart by bad or stable runs at " + put(Self.level, .share, .level)
            + ", and no paired difference in success ratio or goodput both excluded zero and reached " + put(Self.successFloor, .percentagePoints, .floor(.successRatio))
            + " percentage points or " + put(Self.goodputFloor, .share, .floor(.goodput)) + " of the base's goodput"
            // "Showed no effect" was read as "does not matter" of a health check that drove the
            // cascade its scenario is about: 3 of 5 base runs oscillated and none without it,
            // an interval that just reached zero at 5 replications and a cause at 20.
            + "; more replications can find an effect these could not."
        let demand = switchOffs.filter(\.changesDemand).map(\.subject)
        if !demand.isEmpty {
            text += " Goodput is not judged for \(Self.list(demand)): removing a load spike lowers the demand."
        }
        return Finding(
            .switchedOffWithoutEffect, role: .counterfactual, subject: subjects.joined(separator: ", "), time: 0,
            figures: figures, template: text, replications: replicationSet, switchedOff: switchOffs)
    }

    /// The confidence level of every interval `explain` judges by.
    static let level = 0.95

    /// "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        guard items.count > 1, let last = items.last else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + last
    }
}
