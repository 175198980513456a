/// "Did you mean" hints: the closest candidate by optimal-string-alignment distance (Levenshtein
/// plus adjacent transpositions, so `retyr` finds `retry`).
public enum Suggestion {
    /// The candidate closest to `word`, when it is close enough to be a plausible misspelling:
    /// at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let a = Array(word.lowercased().unicodeScalars)
        guard a.count <= 64 else { return nil }
        let limit = a.count <= 4 ? 1 : (a.count <= 8 ? 2 : 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let b = Array(candidate.lowercased().unicodeScalars)
            guard abs(b.count - a.count) <= limit else { continue }
            let d = distance(a, b)
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Optimal string alignment distance between two scalar arrays. O(|a| x |b|).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var d = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { d[i * width] = i }
        for j in 0...b.count { d[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1, d[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, d[(i - 2) * width + j - 2] + 1)
                }
                d[i * width + j] = v
            }
        }
        return d[a.count * width + b.count]
    }
}

extension Suggestion {
    /// The intended key for an unknown key `word` among a block's `keys`: a close spelling first
    /// (``closest(to:in:)``); then the same words written in camelCase or with dashes
    /// (`maxAttempts`, `open-for`); then the name another tool gives the same setting (Envoy's
    /// `unhealthy_threshold`, Kubernetes' `periodSeconds`, resilience4j's
    /// `failureRateThreshold`); then the one key that shares a word of four letters or more with
    /// it (`failure_threshold` -> `failure_ratio`). Nil when none of these is unambiguous.
    ///
    /// A key that says the opposite bound is never offered: `max_requests` (Envoy's cap on
    /// requests in flight) is one edit from `min_requests` (the volume a breaker needs) but means
    /// something else, and `max_faults` is not `faults`. Nor is a key offered for a word too
    /// generic to name it alone (`threshold` is not `panic_threshold`).
    public static func key(for word: String, in keys: [String]) -> String? {
        let snake = snakeCase(word)
        let bound = Set(snake.split(separator: "_").map(String.init)).intersection(["min", "max"])
        // The keys that do not contradict the word's min or max.
        let fitting = keys.filter { key in
            let own = Set(key.split(separator: "_").map(String.init)).intersection(["min", "max"])
            return own.isEmpty || bound.isEmpty || own == bound
        }
        if let close = closest(to: word, in: fitting) { return close }
        if snake != word, fitting.contains(snake) { return snake }
        if snake != word, let close = closest(to: snake, in: fitting) { return close }
        let flat = snake.replacingOccurrences(of: "_", with: "")
        if let target = synonyms[flat], keys.contains(target) { return target }
        if let target = kindSynonyms[flat]?.first(where: keys.contains) { return target }
        let words = Set(snake.split(separator: "_").map(String.init).filter { $0.count >= 4 && !generic.contains($0) })
        guard !words.isEmpty else { return nil }
        let sharing = fitting.filter { key in
            let own = key.split(separator: "_").map(String.init)
            // A word with a bound (max_faults) shares only with a key that has the same bound.
            return own.contains { words.contains($0) } && (bound.isEmpty || !bound.isDisjoint(with: own))
        }
        return sharing.count == 1 ? sharing[0] : nil
    }

    /// Words that name no key on their own: shared with one key, they still say nothing about it.
    static let generic: Set<String> = ["threshold", "time", "value", "count", "number", "seconds"]

    /// `maxAttempts`, `MaxAttempts`, `max-attempts` and `max attempts` as `max_attempts`.
    static func snakeCase(_ word: String) -> String {
        var out = ""
        var previousLower = false
        for ch in word {
            if ch == "-" || ch == " " || ch == "." {
                out.append("_")
                previousLower = false
            } else if ch.isUppercase {
                if previousLower { out.append("_") }
                out += ch.lowercased()
                previousLower = false
            } else {
                out.append(ch)
                previousLower = ch.isLowercase || ch.isNumber
            }
        }
        return out
    }

    /// Names other tools give to a setting satsim has, without underscores and in lower case, and
    /// the satsim key; used only when that key belongs to the block the unknown key is in.
    /// Envoy: health checks (`unhealthy_threshold`, `healthy_threshold`), outlier detection
    /// (`consecutive_5xx`), retry policy (`num_retries`). Kubernetes: probes (`periodSeconds`,
    /// `timeoutSeconds`, `failureThreshold`, `successThreshold`), the HorizontalPodAutoscaler
    /// (`minReplicas`, `maxReplicas`), deployments (`replicas`). Cloud Run (`--min-instances`,
    /// `--max-instances`), Compute Engine's autoscaler (`minNumReplicas`, `maxNumReplicas`).
    /// resilience4j: circuit breakers
    /// (`failureRateThreshold`, `minimumNumberOfCalls`, `waitDurationInOpenState`,
    /// `permittedNumberOfCallsInHalfOpenState`, `slidingWindowSize`).
    static let synonyms: [String: String] = [
        "unhealthythreshold": "unhealthy_after", "healthythreshold": "healthy_after",
        "failurethreshold": "unhealthy_after", "successthreshold": "healthy_after",
        "periodseconds": "interval", "period": "interval", "timeoutseconds": "timeout",
        "consecutive5xx": "consecutive_errors", "consecutivegatewayfailure": "consecutive_errors",
        "baseejectiontimems": "base_ejection_time",
        "numretries": "max_attempts", "maxretries": "max_attempts", "retries": "max_attempts", "attempts": "max_attempts",
        "minreplicas": "min", "maxreplicas": "max", "replicas": "instances",
        "mininstances": "min", "maxinstances": "max", "minnumreplicas": "min", "maxnumreplicas": "max",
        "failureratethreshold": "failure_ratio", "minimumnumberofcalls": "min_requests",
        "waitdurationinopenstate": "open_for", "permittednumberofcallsinhalfopenstate": "half_open_probes",
        "slidingwindowsize": "window",
        "threads": "workers", "concurrency": "workers",
        "size": "capacity", "queuesize": "capacity", "maxsize": "capacity", "length": "capacity",
    ]

    /// Names other tools give to what picks a block's case, and the satsim keys they may mean,
    /// the first one the block has: a fault's `kind` (Chaos Mesh's `action`, Gremlin's and
    /// Toxiproxy's `type`) or a distribution's `dist` (`type`, `distribution`).
    static let kindSynonyms: [String: [String]] = [
        "action": ["kind"], "type": ["kind", "dist"], "fault": ["kind"], "faulttype": ["kind"],
        "distribution": ["dist"], "family": ["dist"],
    ]
}
