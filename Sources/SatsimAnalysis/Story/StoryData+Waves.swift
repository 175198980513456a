import SatsimModel

/// Retries that come back together, and requests that fail together.
///
/// thundering-herd's story averaged its recovery over 93 s ("retries were 79.8% of the
/// attempts"), which hid what a room most needs to see there: the retries of a backoff without
/// jitter returned as seven separate one-second waves, 1, 2, 4, 8, 16, 30 and 30 s apart, each
/// far above what the service takes in a second, and its last wave failed 6,859 requests in one
/// second, every request the run failed after warmup. The two detectors below find both from
/// the time series alone; the sentences then say which client, when, and how large.
extension StoryData {
    /// An interval holds a wave when its attempts reach this multiple of the client's attempt
    /// rate before the first fault (over the interval's width) ...
    static let waveFactor = 3.0
    /// ... retries are at least this share of them (a load spike of new requests is the
    /// fault's own sentence, not a wave), and no load spike acts in it ...
    static let waveRetryShare = 0.5
    /// ... and, within its run of such intervals, it holds at least this share of the run's
    /// largest (an echo beside a wave sixty times the usual load is part of it, not a wave of
    /// its own; each run is judged against its own peak, so a late, smaller wave still counts).
    static let waveShareOfPeak = 0.25
    /// A wave spans at most this many intervals, or this many seconds when that is longer:
    /// longer is a sustained storm, told by the retries sentence and the causes.
    static let waveMaxIntervals = 3
    static let waveMaxSeconds = 3.0
    /// How many intervals on each side of a wave it must stand out from.
    static let waveNeighbours = 3
    /// At least this many separate waves make a pattern.
    static let waveMinCount = 3
    /// Between the first and the last wave, the intervals that hold none average at most this
    /// fraction of the waves' mean attempts: the waves stand out from what lies between them.
    static let waveGapFraction = 1.0 / 3

    /// Per client whose requests retry, the separate waves of retries after the first fault
    /// (or warmup), when there are ``waveMinCount`` or more. The sentence names their times (up
    /// to eight; the first and the last beyond that), the peak rate of attempts against the
    /// client's rate before the first fault, how busy the client's target was over the span,
    /// and, when its backoff has no jitter, says so.
    func retryWaveFindings() -> [Finding] {
        guard let baseline = baselineWindow else { return [] }
        var findings: [Finding] = []
        let from = firstFault ?? warmup
        for client in spec.clients where (client.retry?.maxAttempts ?? 1) > 1 {
            guard let waves = retryWaves(of: client, after: from, baseline: baseline) else { continue }
            let c = "clients.\(client.name)."
            let first = waves[0], last = waves[waves.count - 1]
            let window = StoryWindow(from: begins[first.lowerBound], to: ends[last.upperBound], toEnd: last.upperBound == ends.count - 1)
            var figures: [StoryFigure] = [
                .clock(window.from), .clock(window.to),
                .given(Double(waves.count), .count, "separate runs of intervals of \(c)attempts at least \(Self.waveFactor) times the rate before the first fault, retries at least half"),
            ]
            var times: [String] = []
            let named = waves.count <= 8 ? waves : [first, last]
            for wave in named {
                times.append("{\(figures.count)}")
                figures.append(.clock(begins[wave.lowerBound]))
            }
            let at = waves.count <= 8 ? "at " + Format.list(times) : "the first at \(times[0]) and the last at \(times[1])"
            let longest = waves.map { ends[$0.upperBound] - begins[$0.lowerBound] }.max() ?? 0
            // The largest wave's rate, over its own span: the span from the first wave to the last
            // also holds what is not a wave (thundering-herd's load spike of new requests).
            let attempts = values([c + "attempts"])
            let largest = waves.max { a, b in
                a.map { attempts[$0] }.reduce(0, +) / (ends[a.upperBound] - begins[a.lowerBound])
                    < b.map { attempts[$0] }.reduce(0, +) / (ends[b.upperBound] - begins[b.lowerBound])
            } ?? first
            let peak = StoryWindow(from: begins[largest.lowerBound], to: ends[largest.upperBound], toEnd: largest.upperBound == ends.count - 1)
            let k = figures.count
            figures += [
                .given(longest, .duration, "the longest wave's span"),
                figure(.rate([c + "attempts"]), .rate, over: peak),
                .clock(peak.from), .clock(peak.to),
                figure(.over(.rate([c + "attempts"]), baseline), .rate, over: window),
            ]
            var template = "From {0} to {1}, the retries of \(client.name) came back in {2} separate waves, \(at), each within {\(k)}: "
                + "the largest, {\(k + 1)} attempts/s from {\(k + 2)} to {\(k + 3)}, against {\(k + 4)} attempts/s before \(firstFaultName)"
            if spec.services.contains(where: { $0.name == client.target }) {
                template += ", while \(client.target) was {\(figures.count)} busy on average over the span"
                figures.append(figure(.mean(["services.\(client.target).utilization"]), .share, over: window))
            }
            if let retry = client.retry, (retry.backoff?.jitter ?? Jitter.none) == Jitter.none {
                template += " (\(Format.possessive(client.name)) backoff has no jitter, so attempts that fail together retry together)"
            }
            findings.append(Finding(.retryWaves, subject: client.name, time: window.from, window: window, figures: figures, template: template + "."))
        }
        return findings
    }

    /// The waves of `client`'s retries that begin at or after `from`, each a run of intervals,
    /// when they form a pattern (``waveMinCount`` separate waves, none longer than
    /// ``waveMaxIntervals`` intervals or ``waveMaxSeconds``, standing out from the intervals
    /// between them); nil otherwise. Not when a circuit breaker or an adaptive throttle shapes
    /// the flow: breaker-retry-flap's breaker, open for seconds and then half-open, let retries
    /// through in bursts every 7 to 8 s, with its jittered variant as well, and "backoff has no
    /// jitter" was said of them. Between such bursts the breaker turns tries away, so a client
    /// whose local rejections between the waves reach half its attempts there has none.
    func retryWaves(of client: ClientSpec, after from: Double, baseline: StoryWindow) -> [ClosedRange<Int>]? {
        let c = "clients.\(client.name)."
        let attempts = values([c + "attempts"]), retries = values([c + "retries"])
        let local = values([c + "rejected_breaker", c + "rejected_throttle"])
        guard attempts.count == ends.count, retries.count == ends.count else { return nil }
        let rate = evaluate(.rate([c + "attempts"]), over: baseline)
        guard rate > 0 else { return nil }
        let spikes = spec.timeline.filter {
            guard $0.enabled, case .loadSpike = $0.action else { return false }
            return true
        }
        func inSpike(_ i: Int) -> Bool {
            spikes.contains { $0.at.seconds < ends[i] - 1e-9 && analysis.effectEnd(of: $0, in: spec).seconds > begins[i] + 1e-9 }
        }
        func candidate(_ i: Int) -> Bool {
            begins[i] >= from - 1e-9 && attempts[i] > 0 && retries[i] >= Self.waveRetryShare * attempts[i]
                && attempts[i] >= Self.waveFactor * rate * (ends[i] - begins[i]) && !inSpike(i)
        }
        // Runs of candidate intervals; within each, the intervals that reach a quarter of its
        // peak, in runs of their own: the waves.
        var waves: [ClosedRange<Int>] = []
        var i = 0
        while i < ends.count {
            guard candidate(i) else { i += 1; continue }
            var j = i
            while j + 1 < ends.count && candidate(j + 1) { j += 1 }
            let peak = (i...j).map { attempts[$0] }.max() ?? 0
            var k = i
            while k <= j {
                guard attempts[k] >= Self.waveShareOfPeak * peak else { k += 1; continue }
                var m = k
                while m + 1 <= j && attempts[m + 1] >= Self.waveShareOfPeak * peak { m += 1 }
                waves.append(k...m)
                k = m + 1
            }
            i = j + 1
        }
        // A run longer than a wave is a sustained storm (thundering-herd's 20 s outage, retried
        // every second): told by the retries sentence and the causes, and no wave.
        let longest = max(Double(Self.waveMaxIntervals) * spec.metricsInterval.seconds, Self.waveMaxSeconds)
        waves.removeAll { ends[$0.upperBound] - begins[$0.lowerBound] > longest + 1e-9 }
        // A wave stands out from the intervals just around it: its peak reaches waveFactor
        // times their mean. A storm that hovers about the threshold (an outage retried every
        // second, 600 to 1,000 attempts a second) breaks into fragments that do not.
        // The intervals around are the nearest on each side in no wave and no load spike.
        let taken = Set(waves.flatMap { Array($0) })
        func nearest(from start: Int, step: Int) -> [Int] {
            var found: [Int] = [], k = start
            while found.count < Self.waveNeighbours, k >= 0, k < ends.count {
                if !taken.contains(k), !inSpike(k) { found.append(k) }
                k += step
            }
            return found
        }
        waves.removeAll { wave in
            let around = nearest(from: wave.lowerBound - 1, step: -1) + nearest(from: wave.upperBound + 1, step: 1)
            guard !around.isEmpty else { return false }
            let mean = around.reduce(0) { $0 + attempts[$1] } / Double(around.count)
            let peak = wave.map { attempts[$0] }.max() ?? 0
            return peak < Self.waveFactor * mean
        }
        guard waves.count >= Self.waveMinCount else { return nil }
        let inWave = Set(waves.flatMap { Array($0) })
        let span = waves[0].lowerBound...waves[waves.count - 1].upperBound
        let between = span.filter { !inWave.contains($0) }
        let waveMean = inWave.reduce(0) { $0 + attempts[$1] } / Double(inWave.count)
        let betweenAttempts = between.reduce(0) { $0 + attempts[$1] }
        let betweenMean = between.isEmpty ? 0 : betweenAttempts / Double(between.count)
        guard betweenMean <= Self.waveGapFraction * waveMean else { return nil }
        let betweenRejected = between.reduce(0) { $0 + local[$1] }
        if betweenRejected > 0, betweenRejected >= 0.5 * betweenAttempts { return nil }
        return waves
    }

    /// A failure burst must hold at least this share of the client's failed requests after
    /// warmup ...
    static let burstShare = 0.25
    /// ... be at least this multiple of their mean per interval ...
    static let burstFactor = 4.0
    /// ... and count at least this many requests.
    static let burstMinimum = 10.0

    /// A burst's failures are at least this share of the requests that ended in it.
    static let burstEndedShare = 0.1

    /// Per client, the one burst after warmup in which a large part of its failed requests
    /// failed together: the interval with the most failures, joined by its neighbours that hold
    /// at least a quarter as many (up to ``waveMaxIntervals`` intervals or ``waveMaxSeconds``),
    /// so that a wave spread over several short intervals is counted whole (at 250 ms, "1834
    /// failed within 250ms: 26.7%" was told of a wave that failed 6,859, every failure of the
    /// run, within a second). Not told in a stable run (a handful of failures is no event),
    /// nor while a fault acts, or within the client's timeout after it ends, whose own requests
    /// are still timing out (a 1 s blackhole's requests failing 5 s later read as a burst of
    /// their own). Named as a retry wave when it overlaps one of the client's waves.
    func failureBurstFindings() -> [Finding] {
        guard verdict.outcome != .stable || verdict.notJudged != nil else { return [] }
        let after = intervals(from: warmup, to: .infinity)
        guard let firstAfter = after.first, let lastAfter = after.last else { return [] }
        let whole = StoryWindow(from: begins[firstAfter], to: ends[lastAfter], toEnd: lastAfter == ends.count - 1)
        let longest = max(Double(Self.waveMaxIntervals) * spec.metricsInterval.seconds, Self.waveMaxSeconds)
        var findings: [Finding] = []
        for client in spec.clients {
            let c = "clients.\(client.name)."
            let failures = values([c + "failures"], at: after)
            let total = failures.reduce(0, +)
            guard total > 0, let peak = failures.indices.max(by: { failures[$0] < failures[$1] }) else { continue }
            var lo = peak, hi = peak
            func fits(_ a: Int, _ b: Int) -> Bool { ends[after[b]] - begins[after[a]] <= longest + 1e-9 }
            while true {
                let left = lo > 0 && failures[lo - 1] >= Self.waveShareOfPeak * failures[peak] && fits(lo - 1, hi) ? failures[lo - 1] : -1
                let right = hi + 1 < failures.count && failures[hi + 1] >= Self.waveShareOfPeak * failures[peak] && fits(lo, hi + 1) ? failures[hi + 1] : -1
                if left < 0 && right < 0 { break }
                if left >= right { lo -= 1 } else { hi += 1 }
            }
            let window = StoryWindow(from: begins[after[lo]], to: ends[after[hi]], toEnd: after[hi] == ends.count - 1)
            let count = failures[lo...hi].reduce(0, +)
            guard count >= Self.burstShare * total, failures[peak] >= Self.burstFactor * total / Double(after.count),
                  count >= Self.burstMinimum else { continue }
            let ended = evaluate(.total([c + "successes", c + "failures"]), over: window)
            guard count >= Self.burstEndedShare * ended else { continue }
            let grace = (client.timeout?.seconds ?? 0) + spec.metricsInterval.seconds
            let during = analysis.faults.contains { $0.start < window.to - 1e-9 && $0.end + grace > window.from + 1e-9 }
            if during { continue }
            var wave = ""
            if (client.retry?.maxAttempts ?? 1) > 1, let baseline = baselineWindow,
               let waves = retryWaves(of: client, after: firstFault ?? warmup, baseline: baseline),
               let w = waves.lastIndex(where: { $0.overlaps(after[lo]...after[hi]) }) {
                wave = w == waves.count - 1 ? ", in its last retry wave" : ", in one of its retry waves"
            }
            let figures: [StoryFigure] = [
                .clock(window.from),
                figure(.total([c + "failures"]), .count, over: window),
                .given(window.to - window.from, .duration, "the burst's span"),
                figure(.quotient(.total([c + "failures"]), .over(.total([c + "failures"]), whole)), .share, over: window),
                .clock(whole.from),
            ]
            findings.append(
                Finding(
                    .failureBurst, subject: client.name, time: window.from, window: window, figures: figures,
                    template: "At {0}, {1} of \(Format.possessive(client.name)) requests failed within {2}\(wave): {3} of its failed requests from {4} to the end of the run."))
        }
        return findings
    }
}
