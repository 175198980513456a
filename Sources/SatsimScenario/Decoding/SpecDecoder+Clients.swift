import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// `clients.NAME`.
    mutating func client(_ entry: YAMLEntry) -> ClientSpec? {
        let path = "clients.\(entry.key)"
        componentName(entry, path)
        let before = diagnostics.count
        guard let f = fields(entry.value, path, shape: "CLIENT") else { return nil }
        let target = text(f, "target")
        let arrival = nested(f, "arrival", shape: "arrival").flatMap { self.arrival($0) }
        let network = f.has("network") ? distribution(f, "network") : nil
        let timeout = duration(f, "timeout")
        let retry = nested(f, "retry", shape: "retry").flatMap { self.retry($0) }
        var breaker: CircuitBreakerSpec?
        if let b = nested(f, "circuit_breaker", shape: "circuit_breaker") {
            let ratio = number(b, "failure_ratio"), minRequests = integer(b, "min_requests")
            let window = duration(b, "window"), openFor = duration(b, "open_for"), probes = integer(b, "half_open_probes")
            if let ratio, let minRequests, let window, let openFor, let probes {
                breaker = CircuitBreakerSpec(
                    failureRatio: ratio, minRequests: minRequests, window: window, openFor: openFor, halfOpenProbes: probes)
            }
        }
        var throttle: AdaptiveThrottleSpec?
        if let t = nested(f, "adaptive_throttle", shape: "adaptive_throttle"), let k = number(t, "k"),
            let window = duration(t, "window")
        {
            throttle = AdaptiveThrottleSpec(k: k, window: window)
        }
        guard diagnostics.count == before, let target, let arrival else { return nil }
        return ClientSpec(
            name: entry.key, target: target, arrival: arrival, network: network, timeout: timeout, retry: retry,
            circuitBreaker: breaker, adaptiveThrottle: throttle)
    }

    mutating func arrival(_ f: Fields) -> ArrivalSpec? {
        guard let entry = f.entries["process"], case .text(let word)? = scalarQuiet(entry.value),
              schema.shape("arrival")?.case(word) != nil,
              let process = modelCase(word, ArrivalProcess.self, at: entry.value.position, f.child("process"))
        else { return nil }
        switch process {
        case .poisson: return number(f, "rate").map { .poisson(rate: $0) }
        case .constant: return number(f, "rate").map { .constant(rate: $0) }
        case .closed:
            let users = integer(f, "users")
            let think = distribution(f, "think")
            guard let users, let think else { return nil }
            return .closed(users: users, think: think)
        }
    }

    /// The discriminator's text when `fields()` accepted it (its errors are already recorded).
    func scalarQuiet(_ node: YAMLNode) -> ScalarValue? {
        node.scalar.map { .text($0) }
    }

    /// `retry` of a client or a call.
    mutating func retry(_ f: Fields) -> RetrySpec? {
        let before = diagnostics.count
        let maxAttempts = integer(f, "max_attempts")
        var on: Set<AttemptOutcome> = [.timeout, .error, .rejected]
        if let entry = f.entries["on"] {
            let path = f.child("on")
            if let items = entry.value.items {
                on = []
                for (index, item) in items.enumerated() {
                    positions.record("\(path).\(index)", key: nil, value: item.position)
                    let retryable = AttemptOutcome.retryable
                    guard case .text(let word)? = scalar(item, .choice(retryable.map(\.rawValue)), "\(path).\(index)"),
                        let outcome = modelCase(word, AttemptOutcome.self, at: item.position, "\(path).\(index)")
                    else { continue }
                    if on.contains(outcome) {
                        error(item.position, "\(path).\(index)", "'\(word)' is listed twice")
                    }
                    on.insert(outcome)
                }
                if items.isEmpty {
                    error(entry.value.position, path, "found an empty list, expected at least one of "
                        + AttemptOutcome.retryable.map(\.rawValue).joined(separator: ", ") + " (omit retry for no retries)")
                }
            } else {
                error(entry.value.position, path, "found \(entry.value.foundDescription), expected a list of "
                    + AttemptOutcome.retryable.map(\.rawValue).joined(separator: ", "))
            }
        }
        var backoff: BackoffSpec?
        if let b = nested(f, "backoff", shape: "backoff") {
            let base = duration(b, "base"), multiplier = number(b, "multiplier")
            let cap = duration(b, "cap") ?? .never
            let jitter = choice(b, "jitter", as: Jitter.self)
            if let base, let multiplier, let jitter {
                backoff = BackoffSpec(base: base, multiplier: multiplier, cap: cap, jitter: jitter)
            }
        }
        var budget: RetryBudgetSpec?
        if let b = nested(f, "budget", shape: "budget"), let ratio = number(b, "ratio"),
            let floor = number(b, "min_per_second")
        {
            budget = RetryBudgetSpec(ratio: ratio, minPerSecond: floor)
        }
        guard diagnostics.count == before, let maxAttempts else { return nil }
        return RetrySpec(maxAttempts: maxAttempts, on: on, backoff: backoff, budget: budget)
    }

    /// The distribution at `key` of `f`.
    mutating func distribution(_ f: Fields, _ key: String) -> Distribution? {
        guard let d = nested(f, key, shape: "distribution") else { return nil }
        return distribution(d)
    }

    mutating func distribution(_ d: Fields) -> Distribution? {
        guard let entry = d.entries["dist"], let word = entry.value.scalar, schema.shape("distribution")?.case(word) != nil,
              let kind = modelCase(word, DistributionFamily.self, at: entry.value.position, d.child("dist"))
        else { return nil }
        let before = diagnostics.count
        var result: Distribution?
        switch kind {
        case .exponential:
            result = duration(d, "mean").map { .exponential(mean: $0.seconds) }
        case .constant:
            result = duration(d, "value").map { .constant(value: $0.seconds) }
        case .lognormal, .gamma:
            if let mean = duration(d, "mean"), let cv = number(d, "cv") {
                let range = Distribution.cvRange
                if cv < range.lowerBound || cv > range.upperBound {
                    // Told at the cv, as every other value is (it was told at the mapping, in
                    // the core's words).
                    error(positions.value(d.child("cv")), d.child("cv"),
                        "found \(d.entries["cv"]?.value.foundDescription ?? "\(cv)"), expected a number in \(range.lowerBound)...1000000: the samplers use cv^2 (lognormal sigma^2 = log(1 + cv^2), gamma shape 1/cv^2), which overflows or underflows beyond")
                } else {
                    result = kind == .gamma ? .gamma(mean: mean.seconds, cv: cv) : .lognormal(mean: mean.seconds, cv: cv)
                }
            }
        case .uniform:
            if let lo = duration(d, "min"), let hi = duration(d, "max") {
                if hi < lo {
                    error(positions.value(d.child("max")), d.child("max"), "found \(hi.shortText), expected a duration >= min (\(lo.shortText))")
                } else {
                    result = .uniform(min: lo.seconds, max: hi.seconds)
                }
            }
        case .pareto:
            if let scale = duration(d, "scale"), let shape = number(d, "shape") {
                result = .pareto(scale: scale.seconds, shape: shape)
            }
        case .empirical:
            let items = list(d, "values")
            var values: [Double] = []
            for (index, item) in items.enumerated() {
                if case .duration(let t)? = scalar(item, .duration(positive: false), d.child("values") + ".\(index)") {
                    values.append(t.seconds)
                }
            }
            if items.isEmpty, let entry = d.entries["values"], entry.value.items != nil || entry.value.isNull {
                error(entry.value.position, d.child("values"), "found an empty list, expected at least one duration")
            }
            result = values.isEmpty ? nil : .empirical(values: values)
        }
        guard diagnostics.count == before, let result else { return nil }
        // The core's own check is the last word; the schema's ranges should already imply it.
        if let problem = result.validate() {
            error(d.node.position, d.path, problem)
            return nil
        }
        return result
    }
}

extension SimTime {
    /// The shortest unit text that states this duration exactly (`1500ms`, `2s`, `5m`), in a
    /// form the format reads back: a duration finer than a microsecond is written in `us` with
    /// its nanoseconds as decimals (`0.001us`, `1.5us`), never as `1e-09s`, which the format
    /// refuses (a duration is written without an exponent).
    var shortText: String {
        let ns = nanoseconds
        if ns % 3_600_000_000_000 == 0 && ns > 0 { return "\(ns / 3_600_000_000_000)h" }
        if ns % 60_000_000_000 == 0 && ns > 0 { return "\(ns / 60_000_000_000)m" }
        if ns % 1_000_000_000 == 0 { return "\(ns / 1_000_000_000)s" }
        if ns % 1_000_000 == 0 { return "\(ns / 1_000_000)ms" }
        if ns % 1_000 == 0 { return "\(ns / 1_000)us" }
        let (whole, rest) = ns.quotientAndRemainder(dividingBy: 1_000)
        var decimals = String(rest.magnitude)
        decimals = String(repeating: "0", count: 3 - decimals.count) + decimals
        while decimals.hasSuffix("0") { decimals.removeLast() }
        return (ns < 0 ? "-" : "") + "\(whole.magnitude).\(decimals)us"
    }
}
