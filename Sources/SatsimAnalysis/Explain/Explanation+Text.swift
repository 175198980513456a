import SatsimMetrics

extension Explanation {
    /// What `satsim explain` prints: a header, a table (one row for the base, one per
    /// counterfactual), then one sentence per counterfactual whose effect is not `none`, and one
    /// naming those that changed nothing.
    public var text: String {
        let lastSeed = baseSeed &+ UInt64(max(replications - 1, 0))
        var out = "\(scenario): each mechanism switched off in turn, each timeline event removed in turn, "
        out += "\(replications) replication\(replications == 1 ? "" : "s") each"
        out += replications == 1 ? " (seed \(baseSeed))\n" : " (seeds \(baseSeed) to \(lastSeed), the same in every row)\n"
        out += "goodput: requests/s over every client, mean [low, high] of the 95% confidence interval; "
        out += "recovery: seconds after the last fault, over the runs that recovered\n"
        out += "effect: cause = better without it, protection = worse without it (bad outcomes first, then runs not stable, "
        out += "then success ratio, then goodput; paired differences whose 95% interval excludes 0)\n\n"

        var rows: [[String]] = [["mechanism", "subject", "outcomes", "goodput/s", "recovery", "effect"]]
        func row(_ column: Column) -> [String] {
            [column.counterfactual?.mechanism ?? "base", column.counterfactual?.subject ?? "-", outcomeText(column),
             intervalText(column.goodput), recoveryText(column),
             column.counterfactual == nil ? "-" : column.effect.rawValue]
        }
        rows.append(row(base))
        rows += counterfactuals.map(row)
        out += TextTable.render(rows)

        if counterfactuals.isEmpty {
            out += "\nThe scenario uses no mechanism that can be switched off and has no timeline event.\n"
        } else {
            out += "\n"
            for column in counterfactuals where column.effect != .none {
                out += sentence(column) + "\n"
            }
            let unchanged = counterfactuals.filter { $0.effect == .none }.compactMap { $0.counterfactual?.subject }
            if !unchanged.isEmpty {
                out += "Switching off \(unchanged.joined(separator: ", ")) changed nothing beyond the intervals.\n"
            }
        }
        if limitedRuns > 0 {
            out += "\n\(limitedRuns) run\(limitedRuns == 1 ? "" : "s") stopped at a limit; their figures are partial.\n"
        }
        return out
    }

    /// What `satsim run --explain` appends to the story: the sentence of ``text`` for each
    /// cause, then each protection, in the order of the table; or one sentence saying that
    /// nothing the scenario uses changed the outcome, or that it uses nothing to switch off.
    public var finding: [String] {
        let named = counterfactuals.filter { $0.effect == .cause } + counterfactuals.filter { $0.effect == .protection }
        let runs = "over \(replications) replication\(replications == 1 ? "" : "s") each"
        if counterfactuals.isEmpty {
            return ["Explain: the scenario uses no mechanism that can be switched off and has no timeline event."]
        }
        if named.isEmpty {
            let subjects = counterfactuals.compactMap { $0.counterfactual?.subject }.joined(separator: ", ")
            return ["Explain: switching off \(subjects) in turn changed nothing beyond the intervals (\(runs))."]
        }
        return named.map { "Explain (\(runs)): " + sentence($0) }
    }

    /// `Without client retries (clients.users.retry): recovered in 5 of 5 runs, in 21.2 s;
    /// goodput 559.5/s against 171.6/s with it (the base: metastable in 5 of 5) — a cause: the
    /// outcome is better without it.`
    func sentence(_ column: Column) -> String {
        guard let counterfactual = column.counterfactual else { return "" }
        var text = "Without \(Self.noun(counterfactual)) (\(counterfactual.subject)): "
        if let top = column.outcomes.first {
            text += "\(top.outcome) in \(top.count) of \(replications) run\(replications == 1 ? "" : "s")"
            if top.outcome == "recovered", let recovery = column.recoveryTime {
                text += ", in \(FigureText.number(recovery.mean, decimals: 1)) s"
            }
        }
        if let mine = column.goodput, let theirs = base.goodput {
            text += "; goodput \(FigureText.number(mine.mean, decimals: 1))/s against "
            text += "\(FigureText.number(theirs.mean, decimals: 1))/s with it"
        }
        if let baseTop = base.outcomes.first {
            text += " (the base: \(baseTop.outcome) in \(baseTop.count) of \(replications))"
        }
        switch column.effect {
        case .cause: text += " — a cause: the outcome is better without it."
        case .protection: text += " — a protection: the outcome is worse without it."
        case .none: text += "."
        }
        return text
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
