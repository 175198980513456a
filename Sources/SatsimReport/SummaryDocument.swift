import SatsimAnalysis
import SatsimMetrics
import SatsimModel

/// summary.json: the scenario, the variant and overrides applied, the verdict and every client
/// and service figure after warmup.
public enum SummaryDocument {
    public static func json(
        result: SimulationResult, analysis: RunAnalysis, spec: ScenarioSpec, provenance: RunProvenance = .none
    ) -> JSONValue {
        let t = analysis.verdict.thresholds
        var members: [(String, JSONValue)] = [
            ("scenario", .string(result.scenario)),
            ("seed", .string(String(result.seed))),
        ] + provenance.jsonMembers + [
            ("outcome", analysis.verdict.judgedOutcome.map { .string($0.rawValue) } ?? .null),
            ("recovery_time", analysis.verdict.recoveryTime.map { .number($0) } ?? .null),
            ("baseline_goodput_per_s", .number(analysis.verdict.baselineGoodput)),
            ("thresholds", .object([
                ("success_ratio", .number(t.successRatio)),
                ("recovery_fraction", .number(t.recoveryFraction)),
                ("recovery_window", .number(t.recoveryWindow)),
                ("metastable_fraction", .number(t.metastableFraction)),
                ("baseline_load_fraction", .number(t.baselineLoadFraction)),
                ("oscillation_reversals", .int(t.oscillationReversals)),
                ("smoothing", .number(t.smoothing)),
            ])),
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
        members.append(("events", .int(result.eventCount)))
        members.append(("clients", .object(result.clients.map { ($0.name, client($0)) })))
        members.append(("services", .object(result.services.map { ($0.name, service($0)) })))
        return .object(members)
    }

    static func client(_ c: ClientSummary) -> JSONValue {
        .object([
            ("requests", .int(c.requests)),
            ("attempts", .int(c.attempts)),
            ("successes", .int(c.successes)),
            ("failures", .int(c.failures)),
            ("goodput_per_s", .number(c.goodputPerSecond)),
            ("amplification", .number(c.amplification)),
            ("latency", .object([
                ("mean", .number(c.latency.mean)),
                ("p50", .number(c.latency.p50)),
                ("p90", .number(c.latency.p90)),
                ("p99", .number(c.latency.p99)),
                ("max", .number(c.latency.max)),
            ])),
            ("attempt_outcomes", .object(AttemptOutcome.allCases.map { ($0.rawValue, .int(c.attemptOutcomes[$0.rawValue] ?? 0)) })),
        ])
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
