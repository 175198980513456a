import Foundation
import SatsimAnalysis
import SatsimMetrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Progress of long work on standard error: on a terminal, a bar redrawn in place (done of
/// total, rate, time left); otherwise nothing until one final line, so logs and CI output stay
/// readable. Standard output is never touched, so `--format json` stays parseable.
///
/// Safe to call from the runner's threads: every update takes a lock. Redraws are limited to ten
/// a second, so a sweep of short runs does not spend its time drawing.
final class ProgressReporter: @unchecked Sendable {
    /// What is counted: `runs`, or simulated seconds for `run`.
    enum Unit {
        case runs
        /// Simulated time, printed as the story prints a time in the run (``StoryClock``): the
        /// second it falls in, with `clockDecimals` decimals when the metrics interval is shorter
        /// than a second. Rounded, a run stopped at 59.7 s read "1m00s simulated" here and "The
        /// run stopped at 59s" in its story.
        case simulatedSeconds(clockDecimals: Int = 0)
    }

    private let label: String
    private let total: Double
    private let unit: Unit
    private let interactive: Bool
    private let lock = NSLock()
    private let start = Date()
    private var done: Double = 0
    private var lastDraw = Date.distantPast
    private var finished = false

    /// - Parameters:
    ///   - label: what is in progress, e.g. `sweep` (first word of the line).
    ///   - total: the amount of work, in `unit`s.
    ///   - interactive: draw the bar; by default when standard error is a terminal.
    init(label: String, total: Double, unit: Unit = .runs, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        // Printed raw, past Console: escaped here, on one line like the rest of the bar.
        self.label = TerminalText.inline(label)
        self.total = max(total, 0)
        self.unit = unit
        self.interactive = interactive
    }

    /// Adds `amount` to the work done.
    func advance(by amount: Double = 1) {
        lock.lock()
        defer { lock.unlock() }
        done += amount
        set(done)
    }

    /// Sets the work done (for `run`, the simulated time reached).
    func update(to value: Double) {
        lock.lock()
        defer { lock.unlock() }
        set(value)
    }

    private func set(_ value: Double) {
        done = min(value, total)
        guard interactive, !finished else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) >= 0.1 || done >= total else { return }
        lastDraw = now
        Console.progress("\r\u{1B}[K" + line(now: now, final: false))
    }

    /// Ends the progress: on a terminal the bar gives way to the final line; elsewhere the final
    /// line is all that is printed. Idempotent.
    /// - Parameter reached: the work done at the end, when the last update may have fallen short
    ///   of it: for `run`, where the run ended (its result's end), which the last progress report
    ///   (after the last chunk of events, before the clock is moved to the end) can precede.
    func finish(reached: Double? = nil) {
        lock.lock()
        defer { lock.unlock() }
        guard !finished else { return }
        finished = true
        if let reached { done = min(max(reached, 0), total) }
        let text = (interactive ? "\r\u{1B}[K" : "") + line(now: Date(), final: true) + "\n"
        Console.progress(text)
    }

    /// `sweep [#######.......]  12/64 runs  3.1 runs/s  ETA 17s`, or for the final line
    /// `sweep: 64 runs in 20.6s (3.1 runs/s)`.
    func line(now: Date, final: Bool) -> String {
        let elapsed = max(now.timeIntervalSince(start), 1e-9)
        let rate = done / elapsed
        if final {
            switch unit {
            case .runs:
                return "\(label): \(Int(done)) of \(Int(total)) runs in \(Self.duration(elapsed)) (\(Self.decimal(rate)) runs/s)"
            case .simulatedSeconds(let decimals):
                // A run that stopped within its first second shows milliseconds, not "0s".
                let shown = done > 0 && done < 1 ? max(decimals, 3) : decimals
                return "\(label): \(StoryClock.text(done, decimals: shown)) simulated in \(Self.duration(elapsed)) (\(Self.decimal(rate))x real time)"
            }
        }
        let width = 24
        let fraction = total > 0 ? done / total : 1
        let filled = min(width, Int((fraction * Double(width)).rounded(.down)))
        let bar = "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "]"
        let amount: String
        switch unit {
        case .runs: amount = "\(Int(done))/\(Int(total)) runs  \(Self.decimal(rate)) runs/s"
        case .simulatedSeconds(let decimals):
            amount = "\(StoryClock.text(done, decimals: decimals))/\(StoryClock.text(total, decimals: decimals)) simulated  \(Self.decimal(rate))x"
        }
        let eta = rate > 0 && done < total ? "  ETA \(Self.duration((total - done) / rate))" : ""
        return "\(label) \(bar) \(amount)\(eta)"
    }

    /// A span of wall-clock time (elapsed, time left): `42s`, `3m07s`, `1h02m`. Simulated time
    /// is printed by the story's rule instead (``Unit/simulatedSeconds(clockDecimals:)``).
    static func duration(_ seconds: Double) -> String {
        // Int(_:) traps beyond Int: an ETA at a pace near zero can be astronomically far.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return "?" }
        let s = Int(seconds.rounded())
        if seconds < 10 { return String(format: "%.1fs", seconds) }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return String(format: "%dm%02ds", s / 60, s % 60) }
        return String(format: "%dh%02dm", s / 3600, (s % 3600) / 60)
    }

    /// `123`, `3.1`, and two significant digits below 0.1 (`0.016`), never a `0.0` for a rate
    /// above nothing.
    static func decimal(_ x: Double) -> String {
        guard x.isFinite else { return "-" }
        if x >= 1e15 { return String(format: "%.3g", x) }
        if x >= 100 { return String(Int(x.rounded())) }
        if x > 0 && x < 0.1 {
            // Two significant digits, written out (0.016, 0.0000021), at most nine decimals.
            let places = min(9, 1 - Int(log10(x).rounded(.down)))
            return String(format: "%.\(places)f", x)
        }
        return String(format: "%.1f", x)
    }
}
