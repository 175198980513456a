import Dispatch
import Foundation

/// The one way satsim runs many simulations at once: `compare`, `explain`, `sweep` (and `chaos`)
/// each hand it a count of independent runs and a body.
///
/// Up to `jobs` threads each take the next index as they free up, so a slow run never holds the
/// others back. Nothing a run computes may depend on which thread ran it or when: a run's seed
/// and inputs come from its index alone (DESIGN.md, "Randomness"), which is why the results are
/// the same bits whatever `jobs` is.
public enum ParallelRunner {
    /// `body(0) ... body(count - 1)` on up to `jobs` threads; the results come back in index
    /// order, whatever order they finished in.
    public static func orderedMap<T: Sendable>(
        count: Int, jobs: Int, _ body: @Sendable @escaping (Int) -> T
    ) -> [T] {
        orderedMap(count: count, jobs: jobs, body, finished: { _, _ in })
    }

    /// ``orderedMap(count:jobs:_:)``, calling `finished(index, result)` as each run ends (one
    /// call at a time, in completion order): where a progress bar ticks.
    public static func orderedMap<T: Sendable>(
        count: Int, jobs: Int, _ body: @Sendable @escaping (Int) -> T,
        finished: @Sendable @escaping (Int, T) -> Void
    ) -> [T] {
        let slots = ResultSlots<T>(count: count)
        forEach(count: count, jobs: jobs, body) { index, value in
            slots.store(value, at: index)
            finished(index, value)
        }
        return slots.results()
    }

    /// Runs `body(0) ... body(count - 1)` on up to `jobs` threads and hands each result to
    /// `finished` as soon as its run ends, one call at a time (serialised by a lock), in
    /// completion order. `finished` is where a sweep commits a run to its store, so a process
    /// killed at any moment loses only the runs still in `body`.
    ///
    /// Returns when every run has finished and been handed over.
    public static func forEach<T: Sendable>(
        count: Int, jobs: Int, _ body: @Sendable @escaping (Int) -> T,
        finished: @Sendable @escaping (Int, T) -> Void
    ) {
        precondition(count >= 0, "a negative number of runs: \(count)")
        precondition(jobs > 0, "--jobs must be > 0, got \(jobs)")
        guard count > 0 else { return }
        let queue = WorkQueue(count: count)
        let workers = max(1, min(jobs, count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = queue.claimNext() {
                let value = body(index)
                queue.serially { finished(index, value) }
            }
        }
    }

    /// The default of `--jobs`: SLURM_CPUS_PER_TASK when Slurm gave this task a number of CPUs
    /// (the cores it may use, not those the node has), else the machine's active cores.
    public static func defaultJobs(environment: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        jobsDefault(environment: environment).jobs
    }

    /// ``defaultJobs(environment:)`` and, when SLURM_CPUS_PER_TASK is set but is no whole number
    /// >= 1 ("abc", "0", "-3"), a one-line warning that names the variable, its value and the
    /// count used instead. A warning, not an error: the cluster set it, not the user, and the
    /// machine's cores are a safe default; silently ignoring it hid a misconfigured job script.
    /// The value is the environment's text, unescaped: the caller escapes it for the terminal.
    public static func jobsDefault(environment: [String: String] = ProcessInfo.processInfo.environment) -> (jobs: Int, warning: String?) {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard let text = environment["SLURM_CPUS_PER_TASK"] else { return (cores, nil) }
        if let cpus = Int(text.trimmingCharacters(in: .whitespaces)), cpus > 0 { return (cpus, nil) }
        let shown = text.count > 40 ? String(text.prefix(40)) + "..." : text
        return (cores, "warning: SLURM_CPUS_PER_TASK is '\(shown)', not a whole number >= 1; "
                    + "running \(cores) at once (the number of cores) instead; give --jobs N to choose")
    }
}

/// The next index to claim, and a lock that serialises the hand-over of results.
private final class WorkQueue: @unchecked Sendable {
    private let lock = NSLock()
    private let handOver = NSLock()
    private var next = 0
    private let count: Int

    init(count: Int) { self.count = count }

    func claimNext() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }

    func serially(_ work: () -> Void) {
        handOver.lock()
        defer { handOver.unlock() }
        work()
    }
}

/// Results of parallel runs stored by index, behind a lock.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [T?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func store(_ value: T, at index: Int) {
        lock.lock()
        defer { lock.unlock() }
        slots[index] = value
    }

    func results() -> [T] {
        lock.lock()
        defer { lock.unlock() }
        return slots.enumerated().map { index, slot in
            guard let slot else { preconditionFailure("run \(index) of \(slots.count) produced no result") }
            return slot
        }
    }
}
