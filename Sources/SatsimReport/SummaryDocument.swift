import SatsimAnalysis
import SatsimMetrics
import SatsimModel

/// summary.json: the scenario, the variant and overrides applied, the verdict and every client
/// and service figure after warmup.
public enum SummaryDocument {
    public static func json(
        result: SimulationResult, analysis: RunAnalysis, spec: ScenarioSpec, provenance: RunProvenance = .none,
        explain: JSONValue? = nil
    ) -> JSONValue {
        let t = analysis.verdict.thresholds
        var members: [(String, JSONValue)] = [
            ("scenario", .string(result.scenario)),
            // The contract says "the scenario's name"; `scenario` has held it since the first
            // release, and `name` (the scenario file's own key) is added for readers who look
            // for it there. Both are always equal.
            ("name", .string(result.scenario)),
            // A JSON number, as the scenario writes it; up to UInt64.max, so past 2^53 a reader
            // that parses numbers as doubles (JavaScript) should read it as text.
            ("seed", .unsigned(result.seed)),
        ] + provenance.jsonMembers + [
            ("outcome", analysis.verdict.judgedOutcome.map { .string($0.rawValue) } ?? .null),
            ("recovery_time", analysis.verdict.recoveryTime.map { .number($0) } ?? .null),
            // null when no interval after warmup precedes the first fault: there is no G0.
            ("baseline_goodput_per_s", analysis.verdict.hasBaseline ? .number(analysis.verdict.baselineGoodput) : .null),
            ("thresholds", thresholds(t, verdict: analysis.verdict)),
            ("duration", .number(spec.duration.seconds)),
            ("warmup", .number(spec.warmup.seconds)),
            ("measured_seconds", .number(result.measuredSeconds)),
            ("complete", .bool(result.limitHit == nil)),
        ]
        if let reason = analysis.verdict.notJudged {
            // Only when no outcome was judged (outcome is null): an addition to the contract.
            members.append(("outcome_not_judged", .string(reason)))
        }
        if let limit = result.limitHit {
            members.append(("limit", .string(limit.message)))
        }
        // An addition to the contract: DESIGN.md, "Outcomes", "the summary names what sustains it".
        members.append(("causes", causes(Story(result: result, spec: spec, analysis: analysis))))
        members.append(("events", .int(result.eventCount)))
        members.append(("clients", .object(result.clients.map { c in
            guard let cohorts = result.cohorts.first(where: { $0.client == c.name }), case .object(var fields) = client(c) else {
                return (c.name, client(c))
            }
            fields.append(("cohorts", self.cohorts(cohorts)))
            return (c.name, .object(fields))
        })))
        members.append(("services", .object(result.services.map { ($0.name, service($0)) })))
        // Only with run --explain: explain.json's object for the same scenario, variant, --set and seed.
        if let explain { members.append(("explain", explain)) }
        return .object(members)
    }

    /// The thresholds the verdict used (DESIGN.md, "Outcomes"): the bounds of a healthy window as
    /// applied (`success_ratio`, and `latency_p99` in seconds, null when latency was not judged),
    /// what they came from (`slo` as written, or null; `latency_p99_factor` x
    /// `baseline_latency_p99` when the SLO sets no latency), and the other parameters.
    static func thresholds(_ t: OutcomeThresholds, verdict: OutcomeVerdict) -> JSONValue {
        var slo = JSONValue.null
        if let s = t.slo {
            slo = .object([
                ("success_ratio", s.successRatio.map { .number($0) } ?? .null),
                ("latency_p99", s.latencyP99.map { .number($0.seconds) } ?? .null),
            ])
        }
        return .object([
            ("success_ratio", .number(t.successRatio)),
            ("latency_p99", verdict.latencyBound.map { .number($0) } ?? .null),
            ("latency_p99_factor", .number(t.latencyFactor)),
            ("baseline_latency_p99", verdict.baselineLatencyP99.map { .number($0) } ?? .null),
            ("slo", slo),
            ("min_window_requests", .int(t.minimumWindowRequests)),
            ("recovery_window", .number(t.recoveryWindow)),
            ("metastable_fraction", .number(t.metastableFraction)),
            ("baseline_load_fraction", .number(t.baselineLoadFraction)),
            ("oscillation_reversals", .int(t.oscillationReversals)),
            ("oscillation_goodput_swing", .number(t.oscillationGoodputSwing)),
            ("oscillation_block_requests", .int(t.oscillationBlockRequests)),
        ])
    }

    /// What the story names as sustaining the bad state or slowing the recovery (DESIGN.md,
    /// "Outcomes": "The summary names what sustains it (amplification, wasted work, ejected or
    /// restarting instances, cold caches)"): one or two, heaviest first, each with its
    /// `mechanism` (the story's: `retry_amplification`, `wasted_work`, `instances_ejected`,
    /// `cold_cache`, `backlog`, ...), the client or service it concerns (`subject`), the share it
    /// is ranked by (`weight`, in [0, 1]: the figure's share times the subject's share of the
    /// traffic) over the window from `from` to `to` [s], and the story's
    /// clause (`text`). Empty for a stable run, or when nothing weighs enough to be named.
    static func causes(_ story: Story) -> JSONValue {
        .array(story.causes.map { cause in
            .object([
                ("mechanism", .string(cause.mechanism.rawValue)),
                ("subject", .string(cause.subject)),
                ("weight", .number(cause.weight)),
                ("from", cause.window.map { .number($0.from) } ?? .null),
                ("to", cause.window.map { .number($0.to) } ?? .null),
                ("text", .string(cause.sentence)),
            ])
        })
    }

    /// A client's figures per cohort, when a fault has a `share` (scenario-format.md): each
    /// cohort's requests (those created after warmup that ended), attempts, successes, failures,
    /// success_ratio, goodput_per_s, amplification and latency.
    static func cohorts(_ c: ClientCohorts) -> JSONValue {
        func one(_ s: ClientSummary) -> JSONValue {
            .object([
                ("requests", .int(s.requests)),
                ("attempts", .int(s.attempts)),
                ("successes", .int(s.successes)),
                ("failures", .int(s.failures)),
                ("success_ratio", s.requests > 0 ? .number(Double(s.successes) / Double(s.requests)) : .null),
                ("goodput_per_s", .number(s.goodputPerSecond)),
                ("amplification", amplification(s)),
                ("latency", latency(s)),
            ])
        }
        return .object([("share", .number(c.share)), ("experiment", one(c.experiment)), ("control", one(c.control))])
    }

    static func client(_ c: ClientSummary) -> JSONValue {
        .object([
            ("requests", .int(c.requests)),
            ("attempts", .int(c.attempts)),
            ("successes", .int(c.successes)),
            ("failures", .int(c.failures)),
            ("goodput_per_s", .number(c.goodputPerSecond)),
            ("amplification", amplification(c)),
            ("latency", latency(c)),
            ("attempt_outcomes", .object(AttemptOutcome.allCases.map { ($0.rawValue, .int(c.attemptOutcomes[$0.rawValue] ?? 0)) })),
        ])
    }

    /// `latency` of a client or a cohort: `{mean, p50, p90, p99, max}` [s] of its successful
    /// requests, each null when none succeeded. The histogram of no observation reads 0, and a
    /// p99 of 0 would pass `expect: { clients.users.latency.p99: "<= 100ms" }` for a client whose
    /// every request failed; null fails it as "no value" instead.
    static func latency(_ c: ClientSummary) -> JSONValue {
        let timed = c.successes > 0
        func value(_ x: Double) -> JSONValue { timed ? .number(x) : .null }
        return .object([
            ("mean", value(c.latency.mean)),
            ("p50", value(c.latency.p50)),
            ("p90", value(c.latency.p90)),
            ("p99", value(c.latency.p99)),
            ("max", value(c.latency.max)),
        ])
    }

    /// `amplification` (attempts / requests), null when there were no requests to divide by
    /// (an empty cohort), rather than the 0 that no ratio can be.
    static func amplification(_ c: ClientSummary) -> JSONValue {
        c.requests > 0 ? .number(c.amplification) : .null
    }

    static func service(_ s: ServiceSummary) -> JSONValue {
        .object([
            ("arrivals", .int(s.arrivals)),
            ("completions", .int(s.completions)),
            ("rejected", .int(s.rejected)),
            ("dropped", .int(s.dropped)),
            ("wasted", .int(s.wasted)),
            ("utilization", .number(s.utilization)),
            ("mean_queue_length", .number(s.meanQueueLength)),
            ("mean_wait", .number(s.meanWait)),
            ("instances", .object([
                ("min", .int(s.instances.min)),
                ("mean", .number(s.instances.mean)),
                ("max", .int(s.instances.max)),
            ])),
        ])
    }
}
