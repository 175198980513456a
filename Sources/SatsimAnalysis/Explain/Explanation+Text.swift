import SatsimMetrics

extension Explanation {
    /// What `satsim explain` prints: a header, a table (one row for the base, one per
    /// counterfactual), then the sentences of ``toldFindings``: one per cause, then one per
    /// protection, then one naming those that changed nothing.
    public var text: String {
        let lastSeed = baseSeed &+ UInt64(max(replications - 1, 0))
        var out = "\(scenario): each mechanism switched off in turn, each timeline event removed in turn, "
        out += "\(replications) replication\(replications == 1 ? "" : "s") each"
        out += replications == 1 ? " (seed \(baseSeed))\n" : " (seeds \(baseSeed) to \(lastSeed), the same in every row)\n"
        out += "goodput: requests/s over every client, mean [low, high] of the 95% confidence interval (its low end cut at 0, "
        out += "as neither goodput nor a recovery time can be negative); "
        out += "recovery: seconds after the last fault, over the runs that recovered\n"
        out += "effect: cause = better without it, protection = worse without it (bad outcomes first, then runs not stable, "
        out += "then success ratio, then goodput; runs paired by seed: outcomes by McNemar's mid-p test below 0.05, "
        out += "figures by a 95% interval of the paired difference that excludes 0)\n\n"

        var rows: [[String]] = [["mechanism", "subject", "outcomes", "goodput/s", "recovery", "effect"]]
        func row(_ column: Column) -> [String] {
            [column.counterfactual?.mechanism ?? "base", column.counterfactual?.subject ?? "-", outcomeText(column),
             intervalText(column.goodput), recoveryText(column),
             column.counterfactual == nil ? "-" : column.effect.rawValue]
        }
        rows.append(row(base))
        rows += counterfactuals.map(row)
        out += TextTable.render(rows)

        // The findings, rendered as the story renders its own (``Finding/sentence``).
        out += "\n"
        for finding in toldFindings { out += finding.sentence + "\n" }
        if limitedRuns > 0 {
            out += "\n\(limitedRuns) run\(limitedRuns == 1 ? "" : "s") stopped at a limit; their figures are partial.\n"
        }
        return out
    }

    /// The mechanism in words, for a sentence starting "Without ...".
    static func noun(_ counterfactual: Counterfactual) -> String {
        switch counterfactual.mechanism {
        case "retry": return "client retries"
        case "call_retry": return "retries on calls"
        case "retry_budget": return "the retry budget"
        case "circuit_breaker": return "the circuit breaker"
        case "adaptive_throttle": return "the adaptive throttle"
        case "queue_timeout": return "the queue timeout"
        case "codel": return "CoDel"
        case "health_check": return "the health check"
        case "autoscaler": return "the autoscaler"
        case "cache": return "the cache going cold"
        case "fault": return "the event \(counterfactual.change.replacingSuffix(" removed"))"
        default: return counterfactual.mechanism
        }
    }

    private func outcomeText(_ column: Column) -> String {
        column.outcomes.map { "\($0.outcome) \($0.count)" }.joined(separator: ", ")
    }

    private func intervalText(_ interval: MeanInterval?) -> String {
        guard let interval else { return "-" }
        let decimals = 1
        var text = FigureText.number(interval.mean, decimals: decimals)
        if let half = interval.halfWidth, half.isFinite {
            // Goodput and recovery time cannot be negative: the interval is cut at 0.
            text += " [\(FigureText.number(max(0, interval.mean - half), decimals: decimals)), "
            text += "\(FigureText.number(interval.mean + half, decimals: decimals))]"
        }
        return text
    }

    private func recoveryText(_ column: Column) -> String {
        guard let recovery = column.recoveryTime else { return "-" }
        var text = intervalText(recovery) + " s"
        if recovery.count < replications { text += " (\(recovery.count) of \(replications))" }
        return text
    }
}

extension String {
    /// The string without `suffix` at its end, or itself.
    fileprivate func replacingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
