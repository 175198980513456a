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
    /// ... and this share of the largest such interval (an echo beside a wave sixty times the
    /// usual load is part of it, not a wave of its own) ...
    static let waveShareOfLargest = 0.25
    /// ... and retries are at least this share of them (a load spike of new requests is the
    /// fault's own sentence, not a wave).
    static let waveRetryShare = 0.5
    /// A wave lasts at most this many intervals in a row: longer is a sustained storm, told by
    /// the retries sentence and the causes.
    static let waveMaxIntervals = 3
    /// At least this many separate waves make a pattern.
    static let waveMinCount = 3
    /// Between the first and the last wave, the intervals that hold none average at most this
    /// fraction of the waves' mean attempts: the waves stand out from what lies between them.
    static let waveGapFraction = 1.0 / 3

    /// Per client whose requests retry, the separate waves of retries after the first fault
    /// (or warmup), when there are ``waveMinCount`` or more. The sentence names their times (up
    /// to eight; the first and the last beyond that), the largest interval's attempts against
    /// the client's rate before the first fault, how busy the client's target was over the
    /// span, and, when its backoff has no jitter, says so.
    func retryWaveFindings() -> [Finding] {
        guard let baseline = baselineWindow else { return [] }
        var findings: [Finding] = []
        let from = firstFault ?? warmup
        for client in spec.clients where (client.retry?.maxAttempts ?? 1) > 1 {
            guard let waves = retryWaves(of: client.name, after: from, baseline: baseline) else { continue }
            let c = "clients.\(client.name)."
            let first = waves[0], last = waves[waves.count - 1]
            let window = StoryWindow(from: begins[first.lowerBound], to: ends[last.upperBound], toEnd: last.upperBound == ends.count - 1)
            var figures: [StoryFigure] = [
                .clock(window.from), .clock(window.to),
                .given(Double(waves.count), .count, "separate intervals or runs of intervals of \(c)attempts at least \(Self.waveFactor) times the rate before the first fault, retries at least half"),
            ]
            var times: [String] = []
            let named = waves.count <= 8 ? waves : [first, last]
            for wave in named {
                times.append("{\(figures.count)}")
                figures.append(.clock(begins[wave.lowerBound]))
            }
            let at = waves.count <= 8 ? "at " + Format.list(times) : "the first at \(times[0]) and the last at \(times[1])"
            let longest = waves.map { ends[$0.upperBound] - begins[$0.lowerBound] }.max() ?? 0
            let k = figures.count
            figures += [
                .given(longest, .duration, "the longest wave's span"),
                figure(.maximum([c + "attempts"]), .count, over: window),
                figure(.over(.rate([c + "attempts"]), baseline), .rate, over: window),
            ]
            var template = "From {0} to {1}, the retries of \(client.name) came back in {2} separate waves, \(at), each within {\(k)}: "
                + "up to {\(k + 1)} attempts in one interval, against {\(k + 2)} attempts/s before \(firstFaultName)"
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

    /// The runs of wave intervals of `client` that begin at or after `from`, when they form a
    /// pattern (``waveMinCount`` separate waves, none longer than ``waveMaxIntervals``, standing
    /// out from the intervals between them); nil otherwise.
    func retryWaves(of client: String, after from: Double, baseline: StoryWindow) -> [ClosedRange<Int>]? {
        let c = "clients.\(client)."
        let attempts = values([c + "attempts"]), retries = values([c + "retries"])
        guard attempts.count == ends.count, retries.count == ends.count else { return nil }
        let rate = evaluate(.rate([c + "attempts"]), over: baseline)
        guard rate > 0 else { return nil }
        let candidates = ends.indices.filter { begins[$0] >= from - 1e-9 && attempts[$0] > 0 && retries[$0] >= Self.waveRetryShare * attempts[$0] }
        let largest = candidates.map { attempts[$0] }.max() ?? 0
        var waves: [ClosedRange<Int>] = []
        for i in candidates {
            let expected = rate * (ends[i] - begins[i])
            guard attempts[i] >= Self.waveFactor * expected, attempts[i] >= Self.waveShareOfLargest * largest else { continue }
            if let last = waves.last, last.upperBound == i - 1 {
                waves[waves.count - 1] = last.lowerBound...i
            } else {
                waves.append(i...i)
            }
        }
        guard waves.count >= Self.waveMinCount, waves.allSatisfy({ $0.count <= Self.waveMaxIntervals }) else { return nil }
        let inWave = Set(waves.flatMap { Array($0) })
        let span = waves[0].lowerBound...waves[waves.count - 1].upperBound
        let between = span.filter { !inWave.contains($0) }
        let waveMean = inWave.reduce(0) { $0 + attempts[$1] } / Double(inWave.count)
        let betweenMean = between.isEmpty ? 0 : between.reduce(0) { $0 + attempts[$1] } / Double(between.count)
        guard betweenMean <= Self.waveGapFraction * waveMean else { return nil }
        return waves
    }

    /// A failure burst must hold at least this share of the client's failed requests after
    /// warmup ...
    static let burstShare = 0.25
    /// ... be at least this multiple of their mean per interval ...
    static let burstFactor = 4.0
    /// ... and count at least this many requests.
    static let burstMinimum = 10.0

    /// Per client, the one interval after warmup in which a large part of its failed requests
    /// failed together, when no fault was acting then (a fault's own sentence tells what it
    /// failed). Named as a retry wave when it is one of the client's waves.
    func failureBurstFindings() -> [Finding] {
        let after = intervals(from: warmup, to: .infinity)
        guard let firstAfter = after.first, let lastAfter = after.last else { return [] }
        let whole = StoryWindow(from: begins[firstAfter], to: ends[lastAfter], toEnd: lastAfter == ends.count - 1)
        var findings: [Finding] = []
        for client in spec.clients {
            let c = "clients.\(client.name)."
            let failures = values([c + "failures"], at: after)
            let total = failures.reduce(0, +)
            guard total > 0, let k = failures.indices.max(by: { failures[$0] < failures[$1] }) else { continue }
            let count = failures[k], i = after[k]
            guard count >= Self.burstShare * total, count >= Self.burstFactor * total / Double(after.count),
                  count >= Self.burstMinimum else { continue }
            let during = analysis.faults.contains { $0.start < ends[i] - 1e-9 && $0.end > begins[i] + 1e-9 }
            if during { continue }
            let window = StoryWindow(from: begins[i], to: ends[i], toEnd: i == ends.count - 1)
            var wave = ""
            if (client.retry?.maxAttempts ?? 1) > 1, let baseline = baselineWindow,
               let waves = retryWaves(of: client.name, after: firstFault ?? warmup, baseline: baseline),
               let w = waves.firstIndex(where: { $0.contains(i) }) {
                wave = w == waves.count - 1 ? ", in its last retry wave" : ", in one of its retry waves"
            }
            let figures: [StoryFigure] = [
                .clock(window.from),
                figure(.total([c + "failures"]), .count, over: window),
                .given(window.to - window.from, .duration, "the interval's width"),
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
