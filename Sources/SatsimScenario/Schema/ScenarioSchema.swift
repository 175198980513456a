import SatsimCore
import SatsimModel

/// The scenario format as data: every shape, key, type, default and one-line meaning.
///
/// This table is the single source of truth that the decoder checks keys against, that `--set`
/// and variants use to type and place values, and that `docs/scenario-reference.md` is rendered
/// from (see ``markdown()``); a test keeps the committed reference equal to the rendering.
public struct ScenarioSchema: Sendable {
    /// The top level of a file.
    public var root: SchemaShape
    /// Every other shape, by name.
    public var shapes: [SchemaShape]
    /// The summary figures `expect` may name, per client and per service.
    public var clientFigures: [String]
    public var serviceFigures: [String]
    /// Figures of the whole run.
    public var runFigures: [String]
    /// The values `expect.outcome` accepts.
    public var outcomes: [String]

    /// The shape named `name` (`root` included).
    public func shape(_ name: String) -> SchemaShape? {
        name == root.name ? root : shapes.first { $0.name == name }
    }
}

extension ScenarioSchema {
    /// Upper bounds that keep a run's memory sane; far beyond any realistic scenario.
    static let maximumInstances = 10_000
    static let maximumWorkers = 100_000

    /// The satsim scenario format (`shared/scenario-format.md`).
    public static let standard = ScenarioSchema(
        root: SchemaShape(
            "scenario", "The top level of a scenario file.",
            keys: [
                .init("name", .scenarioName, .required, "identifies the scenario in outputs"),
                .init("description", .text, .required, "one paragraph a reader of the report sees first"),
                .init("duration", .duration(positive: true), .required,
                      "simulated time; at most \(Simulation.maximumRows) metrics intervals (time-series rows)"),
                .init("warmup", .duration(positive: false), .defaulted("0s"), "excluded from summary statistics; < duration"),
                .init("seed", .seed, .defaulted("1"), "the same seed gives byte-identical outputs"),
                .init("metrics", .object("metrics"), .defaulted("{ interval: 1s }"), "time-series settings"),
                .init("clients", .named("client", .object("CLIENT")), .required, "where load comes from; at least one"),
                .init("services", .named("service", .object("SERVICE")), .required, "instances behind a balancer; at least one"),
                .init("timeline", .list(.object("EVENT")), .optional("no faults"), "faults and operator actions at given times"),
                .init("variants", .named("variant", .overlay), .optional("no variants"),
                      "named overlays of KEY.PATH values, compared side by side"),
                .init("sweep", .object("sweep"), .optional("no default sweep"), "the default parameter grid of `satsim sweep`"),
                .init("chaos", .object("chaos"), .optional("no chaos search"),
                      "the candidate faults `satsim chaos` combines; a plain run ignores it"),
                .init("expect", .expectations, .optional("nothing checked"),
                      "what `satsim check` requires: `outcome`, `recovery_time` or a summary figure, and a condition; `variants: { NAME: { ... } }` for a variant's own"),
                .init("slo", .object("slo"), .optional("90% succeed, p99 at most 3 x the p99 before the first fault"),
                      "what a healthy window means for this system (DESIGN.md, \"Outcomes\")"),
            ]),
        shapes: [
            SchemaShape(
                "metrics", "Time-series settings.",
                keys: [.init("interval", .duration(positive: true), .defaulted("1s"),
                             "width of a time-series bucket; <= duration, and >= duration / \(Simulation.maximumRows) (a run keeps at most \(Simulation.maximumRows) rows)")]),
            SchemaShape(
                "CLIENT", "A source of load, under `clients.NAME`.",
                keys: [
                    .init("target", .reference("service"), .required, "the service it calls"),
                    .init("arrival", .object("arrival"), .required, "how requests are created"),
                    .init("network", .object("distribution"), .optional("no delay"), "one-way delay added to each attempt"),
                    .init("timeout", .duration(positive: true), .optional("wait forever"), "per attempt"),
                    .init("retry", .object("retry"), .optional("no retries"), "when and how failed attempts are retried"),
                    .init("circuit_breaker", .object("circuit_breaker"), .optional("none"), "stops sending while the target fails"),
                    .init("adaptive_throttle", .object("adaptive_throttle"), .optional("none"),
                          "client-side rejection with p = max(0, (requests - k x accepts) / (requests + 1))"),
                ]),
            SchemaShape(
                "arrival", "How a client creates requests: open loop at a rate, or a closed loop of users.",
                keys: [.init("process", .choice(of: ArrivalProcess.self), .required, "the arrival process")],
                discriminator: "process",
                cases: [
                    SchemaCase("poisson", "exponential inter-arrival times", [
                        .init("rate", .rate, .required, "mean requests per unit of time"),
                    ]),
                    SchemaCase("constant", "one request every 1/rate", [
                        .init("rate", .rate, .required, "requests per unit of time"),
                    ]),
                    SchemaCase("closed", "a fixed population; each user waits for the answer, then thinks", [
                        .init("users", .integer(minimum: 1, maximum: Simulation.maximumUsers), .required, "population"),
                        .init("think", .object("distribution"), .required, "think time between a response and the next request"),
                    ]),
                ]),
            SchemaShape(
                "retry", "Retries of failed attempts (a client's, or a downstream call's).",
                keys: [
                    .init("max_attempts", .integer(minimum: 1, maximum: 100), .required, "total attempts including the first"),
                    .init("on", .list(.choice(AttemptOutcome.retryable.map(\.rawValue))), .defaulted("[timeout, error, rejected]"),
                          "which attempt outcomes are retried"),
                    .init("backoff", .object("backoff"), .optional("retry at once"), "wait before each retry"),
                    .init("budget", .object("budget"), .optional("no budget"), "caps retries as a share of first attempts"),
                ]),
            SchemaShape(
                "backoff",
                "The n-th retry (n = 0 first) waits from v = min(cap, base x multiplier^n), jittered (AWS Architecture Blog, "
                    + "\"Exponential Backoff And Jitter\"; the first retry waits from base itself).",
                keys: [
                    .init("base", .duration(positive: true), .required, "wait before the first retry"),
                    .init("multiplier", .multiplier, .defaulted("2"),
                          "growth per retry; decorrelated jitter does not use it (its growth is the blog's factor 3)"),
                    .init("cap", .duration(positive: true), .optional("no cap"), "longest wait; >= base"),
                    .init("jitter", .choice(of: Jitter.self), .defaulted("none"),
                          "none: v; full: uniform [0, v]; equal: v/2 + uniform [0, v/2]; decorrelated: min(cap, uniform [base, 3 x previous])"),
                ]),
            SchemaShape(
                "budget",
                "A token bucket: retries allowed <= ratio x first attempts, plus a floor. As Finagle's RetryBudget: each first "
                    + "attempt deposits ratio of a token, each retry takes a whole one, both count for 10 s, and a reserve of "
                    + "min_per_second x 10 s tokens is always there (a rate budget, not Envoy's share of requests in flight). "
                    + "As Finagle's RetryFilter, a retry takes its token when it is decided, before its backoff; when none is "
                    + "there the request fails at once, the refused retry counted as rejected. "
                    + "Finagle's defaults (20%, 10 per second) do not apply: ratio is required and min_per_second defaults to 0.",
                keys: [
                    .init("ratio", .boundedNumber(maximum: 1000), .required,
                          "retries per first attempt; above 1, each first attempt allows more than one (Finagle's percentCanRetry, at most 1000)"),
                    .init("min_per_second", .nonNegativeNumber, .defaulted("0"), "retries always allowed per second"),
                ]),
            SchemaShape(
                "circuit_breaker",
                "Opens when too many attempts fail; rejects while open; probes when half open. As resilience4j's CircuitBreaker "
                    + "(failureRateThreshold, minimumNumberOfCalls, a time-based sliding window, waitDurationInOpenState, "
                    + "permittedNumberOfCallsInHalfOpenState): closed, it opens when at least min_requests attempts ended in the "
                    + "window and the failed share (errors and timeouts) is >= failure_ratio; after open_for it lets "
                    + "half_open_probes attempts through and rejects the rest until all of them have ended; then it opens again "
                    + "if their failed share is >= failure_ratio, and otherwise closes with an empty window. With one probe, "
                    + "that probe decides (Hystrix's trial request).",
                keys: [
                    .init("failure_ratio", .ratio, .required, "failed share of attempts in the window that opens it"),
                    .init("min_requests", .integer(minimum: 1, maximum: nil), .required, "attempts in the window before it may open"),
                    .init("window", .duration(positive: true), .required, "sliding window of attempts considered"),
                    .init("open_for", .duration(positive: true), .required, "time open before half open"),
                    .init("half_open_probes", .integer(minimum: 1, maximum: nil), .required,
                          "attempts let through when half open; once all have ended, their failed share decides (>= failure_ratio reopens)"),
                ]),
            SchemaShape(
                "adaptive_throttle",
                "Client-side throttling (Google SRE book, \"Handling Overload\"): over the window the client counts requests, "
                    + "every attempt it means to send, those the throttle rejects included, and accepts, the attempts that "
                    + "succeeded (an error or a timeout is not an accept), and rejects each attempt locally with probability "
                    + "max(0, (requests - k x accepts) / (requests + 1)). The retry budget and the circuit breaker decide "
                    + "first: an attempt either of them refused never reaches the throttle and is not counted.",
                keys: [
                    .init("k", .multiplier, .defaulted("2"), "accepts multiplier; lower rejects sooner"),
                    .init("window", .duration(positive: true), .defaulted("2m"), "history of requests and accepts"),
                ]),
            SchemaShape(
                "SERVICE", "Instances behind a load balancer, under `services.NAME`.",
                keys: [
                    .init("instances", .integer(minimum: 1, maximum: maximumInstances), .defaulted("1"), "initial instance count"),
                    .init("workers", .integer(minimum: 1, maximum: maximumWorkers), .defaulted("1"), "concurrent requests per instance"),
                    .init("service_time", .object("distribution"), .required, "work per request, before its calls"),
                    .init("contention", .nonNegativeNumber, .defaulted("0"),
                          "service time x (1 + contention x requests in service on the instance when one starts)"),
                    .init("queue", .object("queue"), .defaulted("{}"), "requests waiting for a worker"),
                    .init("balancer", .choice(of: BalancerKind.self),
                          .defaulted("round_robin"), "how an attempt picks an instance: in turn; uniformly at random; the fewest requests held (in service or queued); or power_of_two, the fewer of two instances drawn independently at random, so possibly the same one twice, the first drawn winning a tie (Envoy's least request, choice_count 2)"),
                    .init("calls", .list(.object("call")), .optional("no calls"),
                          "downstream calls made by each request, in order, holding the worker"),
                    .init("cache", .object("cache"), .optional("no cache"), "a hit skips every call of this service"),
                    .init("health_check", .object("health_check"), .optional("no health checks"), "probes that eject or restart instances"),
                    .init("boot_time", .duration(positive: false), .defaulted("0s"), "a new or restarted instance serves nothing before this"),
                    .init("autoscaler", .object("autoscaler"), .optional("fixed count"), "changes the instance count from metrics"),
                    .init("outlier_detection", .object("outlier_detection"), .optional("none"),
                          "passive: the balancer ejects an instance whose answers keep failing, as Envoy does"),
                ]),
            SchemaShape(
                "queue", "Per-instance queue of requests waiting for a worker.",
                keys: [
                    .init("capacity", .integer(minimum: 0, maximum: 100_000_000), .optional("unbounded"),
                          "per instance; a full queue rejects (error) at once; it counts the requests waiting, not those in "
                              + "service (an instance holds at most workers + capacity)"),
                    .init("discipline", .choice(of: QueueDiscipline.self), .defaulted("fifo"), "which waiting request is served next: first come first served; last come first served; or fifo order with CoDel (RFC 8289) dropping from the head once the wait has stayed above its target 5 ms for its interval 100 ms, then at interval / sqrt(count), never while at most one request waits behind the head (the RFC's defaults; the format does not set them)"),
                    .init("timeout", .duration(positive: true), .optional("never"), "the server drops work that waited longer, when a worker reaches it"),
                ]),
            SchemaShape(
                "call", "A downstream call, an item of `calls`.",
                keys: [
                    .init("service", .reference("service"), .required, "the service called"),
                    .init("probability", .ratio, .defaulted("1.0"), "chance that a request makes this call"),
                    .init("timeout", .duration(positive: true), .optional("wait forever"), "per attempt"),
                    .init("retry", .object("retry"), .optional("no retries"), "retries of this call"),
                    .init("optional", .boolean, .defaulted("false"), "true: a failed call is tolerated and the request still succeeds"),
                    .init("circuit_breaker", .object("circuit_breaker"), .optional("none"),
                          "stops making this call while it fails: one breaker per call edge, shared by the calling service's instances; a rejected call attempt ends `rejected` at once"),
                ]),
            SchemaShape(
                "cache", "A per-instance LRU cache over a Zipf-popular key space.",
                keys: [
                    .init("keys", .integer(minimum: 1, maximum: 1_000_000_000), .required, "size of the key space"),
                    .init("zipf", .nonNegativeNumber, .required, "popularity exponent s (0: uniform)"),
                    .init("capacity", .integer(minimum: 1, maximum: 100_000_000), .required,
                          "entries per instance; min(capacity, keys) x the most instances the service can run <= \(ScenarioValidator.maximumCacheEntries)"),
                    .init("ttl", .duration(positive: true), .optional("entries never expire"), "entry lifetime: stale once its age (time since it was stored) reaches ttl; hits do not extend it"),
                ]),
            SchemaShape(
                "health_check",
                "Probes that wait in the instance's queue like any request, and meet the service's faults as any request does: an outage that refuses fails a probe at once, a blackhole at its timeout, an `errors` fault with its ratio; a fault with `caller` or `share` spares them (a probe has no caller and no cohort), and added latency reaches them only through the queue (a probe takes no work). With `action: eject` the probe is a readiness probe: an instance that boots during the run (restarted, replaced, deployed, scaled out) joins the balancer only after healthy_after passing probes in a row, as a new pod joins a Service's endpoints only once its readiness probe succeeds (Kubernetes: a readiness probe's state is Failure until then; Envoy marks a new host healthy at its first passing check); the instances of the start are in the balancer from the start. With `action: restart` it is a liveness probe, whose state starts at success: a booted instance serves at once. A booted instance is probed at once (the kubelet probes a container that has just started; Envoy checks a new host at once, `initial_jitter` 0), then every `interval`: behind `eject` with `healthy_after: 1` it joins the instant it serves. A liveness restart waits the kubelet's restart back-off before it boots (CrashLoopBackOff; Kubernetes, \"Pod Lifecycle\", Container restarts): none for the first restart, then 10 s, doubling at each restart up to 300 s, reset once the instance ran 600 s since its last restart; the instance counts as booting while it waits, and the event log names each wait. Probes start when an instance serves, never while it boots: a liveness probe here behaves as if a startup probe held it until the boot ended (a slow boot is never killed for it). A `kill` of the timeline replaces instances without back-off.",
                keys: [
                    .init("interval", .duration(positive: true), .required,
                          "time from one probe's sending to the next (Kubernetes' periodSeconds; Envoy counts its interval from the end of the last check); one probe is out at a time: a tick while one is out waits for it to end"),
                    .init("timeout", .duration(positive: true), .required, "a probe not answered in time fails"),
                    .init("unhealthy_after", .integer(minimum: 1, maximum: nil), .defaulted("3"),
                          "consecutive failures to mark unhealthy, timeouts and refusals alike (Kubernetes' failureThreshold, default 3)"),
                    .init("healthy_after", .integer(minimum: 1, maximum: nil), .defaulted("2"),
                          "consecutive successes to mark an ejected or newly booted instance healthy (Kubernetes' successThreshold defaults to 1, Envoy's healthy_threshold has no default); not used by `restart` (a liveness probe's successThreshold must be 1 in Kubernetes; satsim accepts any value and ignores it)"),
                    .init("action", .choice(of: HealthAction.self), .defaulted("eject"),
                          "eject: the balancer skips it; restart: kill it, lose its work, replace it"),
                    .init("panic_threshold", .ratio, .defaulted("0"),
                          "below this healthy fraction (strictly) the balancer uses every instance; 0: never, as a Kubernetes Service's endpoints (Envoy's healthy_panic_threshold defaults to 0.5; its overprovisioning factor of 1.4, which keeps a one-priority cluster out of panic while at least 1/1.4 = 71.4% is healthy, is not modelled)"),
                    .init("jitter", .ratio, .defaulted("0"),
                          "each probe's interval is stretched by U(0, jitter x interval); whatever it is, every instance has its own schedule: the instances of the start (and those of a check added mid-run) first probe at a random phase in [0, interval), a booted instance at once"),
                ]),
            SchemaShape(
                "outlier_detection",
                "Envoy's consecutive-errors outlier detection on the service's balancer. An error or a timeout of an attempt an instance held counts against it, and so does the failure a fault (errors, outage) causes to an attempt the balancer sent it; a success resets its count; at consecutive_errors it is ejected at once if 100 x (ejected + 1) / instances <= max_ejection_percent (the share after the ejection, as Envoy's code has checked it since envoyproxy/envoy#27909; before, it compared the share before the ejection, strictly), or if none is ejected, whatever max_ejection_percent, 0 included (the API reference: 'will eject at least one host regardless of the value'; Envoy's code does so with always_eject_one_host, default false). Every interval from the start a review returns the instances ejected for at least min(base_ejection_time x m, max_ejection_time). m is the instance's ejection multiplier (Envoy's ejectTimeBackoff, outlier_detection_impl.cc): 1 more at each ejection while m x base_ejection_time < max_ejection_time + base_ejection_time, 1 less at each review (after the returns) that finds the instance back in service for at least an interval. So while an instance keeps failing, m is the number of its ejections in a row ('base time multiplied by the number of times the host has been ejected', the API reference; 'in a row', the architecture overview), and each healthy interval brings it one step back towards base_ejection_time. A health check that passes while the checker deems the instance healthy returns it at once (Envoy's successful_active_health_check_uneject_host). A restarted instance starts afresh. An ejected instance counts as unhealthy for health_check.panic_threshold (Envoy's panic mode counts both); without a health_check there is no panic mode. Only consecutive errors eject: Envoy's success-rate and failure-percentage ejection are not modelled.",
                keys: [
                    .init("consecutive_errors", .integer(minimum: 1, maximum: 1_000_000), .defaulted("5"), "errors in a row that eject an instance"),
                    .init("interval", .duration(positive: true), .defaulted("10s"), "time between reviews of the ejections"),
                    .init("base_ejection_time", .duration(positive: true), .defaulted("30s"),
                          "an ejection lasts min(this x m, max_ejection_time), m the ejection multiplier above (the number of ejections in a row, less one per healthy interval since), until the first review after that"),
                    .init("max_ejection_percent", .integer(minimum: 0, maximum: 100), .defaulted("10"),
                          "never eject more than this share of instances [%], except that one may always go"),
                    .init("max_ejection_time", .duration(positive: true), .optional("max(300s, base_ejection_time)"),
                          "the longest an ejection lasts; at least base_ejection_time (Envoy refuses a smaller one)"),
                ]),
            SchemaShape(
                "autoscaler", "Changes the instance count from sampled metrics.",
                keys: [
                    .init("policy", .choice(of: AutoscalerPolicy.self), .required, "the scaling algorithm"),
                    .init("metric", .choice(of: AutoscalerMetric.self), .required, "what is tracked"),
                    .init("target", .multiplier, .required, "target value of the metric; <= 1 for utilization"),
                    .init("interval", .duration(positive: true), .defaulted("15s"),
                          "sampling and decision period; hpa: >= scale_in_cooldown / \(ScenarioValidator.maximumRecommendations)"),
                    .init("min", .integer(minimum: 1, maximum: maximumInstances), .required, "fewest instances; <= instances"),
                    .init("max", .integer(minimum: 1, maximum: maximumInstances), .required, "most instances; >= min and >= instances"),
                    .init("scale_in_cooldown", .duration(positive: false), .optional("hpa 5m (Kubernetes' default); target_tracking and step 0s"),
                          "hpa: scale-down stabilization window; target_tracking, step: no scale-in this soon after the last scale-in (a scale-out ends it)"),
                    .init("scale_out_cooldown", .duration(positive: false), .defaulted("0s"),
                          "hpa: scale-up stabilization window; target_tracking, step: after a scale-out, only a larger one this soon"),
                ]),
            SchemaShape(
                "distribution", "A distribution of a duration (service, think and added times). Every parameter is a duration except cv and shape.",
                keys: [.init("dist", .choice(of: DistributionFamily.self),
                             .required, "the family")],
                discriminator: "dist",
                cases: [
                    SchemaCase("exponential", "memoryless", [.init("mean", .duration(positive: true), .required, "mean")]),
                    SchemaCase("constant", "always the same value", [.init("value", .duration(positive: false), .required, "the value")]),
                    SchemaCase("lognormal", "heavy right tail", [
                        .init("mean", .duration(positive: true), .required, "mean"),
                        .init("cv", .multiplier, .required, "coefficient of variation, stddev / mean; 1e-6 to 1e6"),
                    ]),
                    SchemaCase("gamma", "shape 1/cv^2", [
                        .init("mean", .duration(positive: true), .required, "mean"),
                        .init("cv", .multiplier, .required, "coefficient of variation, stddev / mean; 1e-6 to 1e6"),
                    ]),
                    SchemaCase("uniform", "uniform on [min, max]", [
                        .init("min", .duration(positive: false), .required, "lower bound"),
                        .init("max", .duration(positive: false), .required, "upper bound; >= min"),
                    ]),
                    SchemaCase("pareto", "type I, minimum scale", [
                        .init("scale", .duration(positive: true), .required, "minimum value"),
                        .init("shape", .multiplier, .required, "tail index (no mean when <= 1)"),
                    ]),
                    SchemaCase("empirical", "each listed value with equal probability", [
                        .init("values", .list(.duration(positive: false)), .required, "at least one duration"),
                    ]),
                ]),
            SchemaShape(
                "EVENT",
                "A fault or operator action, an item of `timeline`. A fault (load_spike, latency, errors, outage, pause) requires `for` and ends by itself, inside the run; a step (kill, cache_flush, scale, deploy) takes no `for`; a `set` takes it or not.",
                keys: [
                    .init("at", .duration(positive: false), .required, "when it starts; < duration"),
                    .init("kind", .choice(of: TimelineKind.self),
                          .required, "what happens"),
                    .init("enabled", .boolean, .defaulted("true"),
                          "false leaves the event out of the run, so a variant, `--set` or a sweep can switch it on or off"),
                ],
                discriminator: "kind",
                cases: eventCases),
            SchemaShape(
                "FAULT",
                "A candidate fault of `chaos.faults`: an EVENT of any kind (a `set` is an operator's change tried as a fault), whose `at` is optional, an offset from `chaos.at`, with an optional `label`.",
                keys: [
                    .init("at", .duration(positive: false), .defaulted("0s"), "offset from `chaos.at`; chaos.at + at < duration"),
                    .init("kind", .choice(of: TimelineKind.self), .required, "what happens, as in EVENT"),
                    .init("label", .text, .optional("the kind and its target, e.g. `kill api`"), "the fault's name in outputs, on one line; unique, also as printed (a control character is shown escaped, so `a\\u{1}` written out and a raw U+0001 after `a` would print alike)"),
                    .init("enabled", .boolean, .defaulted("true"),
                          "false leaves the fault out of every combination (its index stays), so a variant or `--set` can switch it off"),
                ],
                discriminator: "kind",
                cases: eventCases),
            SchemaShape(
                "chaos",
                "The search of `satsim chaos`: every combination of 1 ... max_together faults, each started at `at`, replicated on the same seeds.",
                keys: [
                    .init("faults", .list(.object("FAULT")), .required, "candidate faults, at least one; a fault's index is its position here"),
                    .init("at", .duration(positive: false), .required, "when the chosen faults start; < duration; best after warmup, so that each run has a stretch before the faults to judge it against (earlier, as for a timeline fault, its health has no baseline p99 unless `slo` gives one)"),
                    .init("max_together", .integer(minimum: 1, maximum: 10), .defaulted("2"), "largest combination tried; a value above the number of enabled faults tries every combination up to all of them, as --max-together does; at most 100000 combinations and 1000000 runs"),
                    .init("replications", .integer(minimum: 1, maximum: 10_000), .defaulted("3"),
                          "runs per combination (and of the baseline), the same seeds for every combination"),
                ]),
            SchemaShape(
                "sweep", "The default grid of `satsim sweep`: every combination of the listed values; at most 100000 points and 1000000 runs (points x replications).",
                keys: [
                    .init("vary", .grid, .required, "KEY.PATH (any but `seed`) to the list of its values, each value once (a repeat would run the same seeds again)"),
                    .init("replications", .integer(minimum: 1, maximum: 100_000), .defaulted("1"), "runs per point, with different seeds"),
                ]),
            SchemaShape(
                "slo",
                "The bounds of a healthy window of at least 100 requests (ended, or offered where more were offered than ended, so that a service that stops answering is not judged on the successes before it), as the verdict judges it. Each key given replaces its own default; the other keeps it.",
                keys: [
                    .init("success_ratio", .ratio, .optional("0.9"), "the least share of the window's ended requests that succeed"),
                    .init("latency_p99", .duration(positive: true), .optional("3 x the p99 before the first fault"),
                          "the highest p99 latency of the window's successful requests"),
                ]),
        ],
        clientFigures: [
            "requests", "attempts", "successes", "failures", "goodput_per_s", "amplification",
            "latency.mean", "latency.p50", "latency.p90", "latency.p99", "latency.max",
        ] + ["experiment", "control"].flatMap { cohort in
            ["requests", "attempts", "successes", "failures", "success_ratio", "goodput_per_s", "amplification",
             "latency.mean", "latency.p50", "latency.p90", "latency.p99", "latency.max"].map {
                "cohorts.\(cohort).\($0)"
            }
        },
        serviceFigures: [
            "arrivals", "completions", "rejected", "dropped", "wasted", "utilization", "mean_queue_length", "mean_wait",
            "instances.min", "instances.mean", "instances.max",
        ],
        runFigures: ["outcome", "recovery_time"],
        outcomes: ["stable", "recovered", "degraded", "metastable", "oscillating", "overloaded"]
    )

    /// The kinds of EVENT and their keys, shared by `timeline` items and `chaos.faults`.
    private static let eventCases: [SchemaCase] = [
                    SchemaCase("load_spike", "a client's arrival rate (or users) multiplied", [
                        forKey, .init("client", .reference("client"), .required, "the client"),
                        .init("factor", .multiplier, .required,
                              "load multiplier: an open-loop client's rate x factor; a closed-loop client's population becomes round(users x the factors of its spikes in progress), where added users join at once (thinking first) and surplus users leave when their request in flight is answered, or at their next wake-up; that product <= \(Simulation.maximumUsers), for a chaos fault with those of the timeline and of up to max_together faults (or --max-together) in progress"),
                    ]),
                    SchemaCase("latency", "added service time", [
                        forKey, .init("service", .reference("service"), .required, "the service"),
                        .init("add", .object("distribution"), .required, "time added to each request's service time"),
                        callerKey, shareKey,
                    ]),
                    SchemaCase("errors", "a share of requests fails fast", [
                        forKey, .init("service", .reference("service"), .required, "the service"),
                        .init("ratio", .ratio, .required, "share of requests that fail"),
                        callerKey, shareKey,
                    ]),
                    SchemaCase("outage", "the service stops answering", [
                        forKey, .init("service", .reference("service"), .required, "the service"),
                        .init("mode", .choice(of: OutageMode.self), .required, "blackhole: attempts hang; refuse: they fail fast"),
                    ]),
                    SchemaCase("kill", "instances die, replaced after boot_time", [
                        .init("service", .reference("service"), .required, "the service"),
                        .init("count", .integer(minimum: 1, maximum: maximumInstances), .defaulted("1"), "instances killed"),
                    ]),
                    SchemaCase("cache_flush", "every instance's cache is emptied", [
                        .init("service", .reference("service"), .required, "the service"),
                    ]),
                    SchemaCase("pause", "stop-the-world pause of instances", [
                        forKey, .init("service", .reference("service"), .required, "the service"),
                        .init("count", .integer(minimum: 1, maximum: maximumInstances), .defaulted("1"), "instances paused"),
                    ]),
                    SchemaCase("scale", "an operator's manual scaling", [
                        .init("service", .reference("service"), .required, "the service"),
                        .init("to", .integer(minimum: 0, maximum: maximumInstances), .required, "new instance count"),
                    ]),
                    SchemaCase("deploy", "rolling restart: cold caches, boot time", [
                        .init("service", .reference("service"), .required, "the service"),
                        .init("batch", .integer(minimum: 1, maximum: maximumInstances), .defaulted("1"), "instances restarted at a time"),
                        .init("every", .duration(positive: true), .required, "time between batches"),
                    ]),
                    SchemaCase("set", "an operator changes a KEY.PATH mid-run (what happens to work in flight: \"Changing settings mid-run\" below)", [
                        .init("for", .duration(positive: true), .optional("the new value stays"),
                              "then the value in force without this event comes back exactly; at + for <= duration"),
                        .init("path", .keyPath, .required, "the scalar to change: a clients.* or services.* setting"),
                        .init("value", .anyScalar, .required, "its new value, typed by the key it names"),
                    ]),
                ]

    private static let callerKey = SchemaKey(
        "caller", .reference("service"), .optional("attempts from every caller, clients included"),
        "only attempts of calls from this service, one edge of the call graph; it must name a service (not a client) that calls the faulty one, in the timeline and in chaos.faults alike")
    private static let shareKey = SchemaKey(
        "share", .ratio, .optional("every request"),
        "only the experiment cohort: this share of each client's requests, chosen when a request is created (its calls inherit it); summary.json then compares `cohorts`, whose figures are counted as the client's (requests created and attempts sent after warmup, successes and failures of the requests created after it), so the two cohorts add up to the client")
    private static let forKey = SchemaKey(
        "for", .duration(positive: true), .required, "how long the fault lasts; at + for <= duration")
}

extension SchemaType {
    /// A choice among the raw values of one of the model's enums: the list has one source, so
    /// a word is in the format exactly when the model has a case for it.
    static func choice<E: CaseIterable & RawRepresentable>(of _: E.Type) -> SchemaType where E.RawValue == String {
        .choice(E.allCases.map(\.rawValue))
    }
}
