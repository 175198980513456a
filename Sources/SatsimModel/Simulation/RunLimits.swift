import SatsimCore
import SatsimMetrics

/// Budgets that stop a run cleanly, with partial results, before it exhausts the machine.
public struct RunLimits: Sendable, Hashable {
    /// Counted events (arrivals, retries sent, departures, timeouts fired, autoscaler decisions,
    /// health-check rounds).
    public var maxEvents: Int
    /// Requests plus attempts (health probes included) alive at once: memory grows with what is
    /// in flight, about 100 bytes per unit at its peak (slab entries, calendar entries and queue
    /// places, with the arrays' geometric growth).
    ///
    /// The default of 2,000,000 keeps a run's peak resident memory near 200 MB (measured with
    /// /usr/bin/time on a scenario with every mechanism flooded at 10^9 requests/s: 200 MB; at
    /// the former default of 4,000,000, 556 MB), so that a run, or a comparison running two at
    /// once, stays well within 1 GiB.
    public var maxInFlight: Int
    /// Stop a run early (``RunLimitHit/paceOverBudget(events:projected:at:)``) when, at the pace
    /// of its counted events so far, it would need more than ``paceMargin`` times `maxEvents` to
    /// reach its end: such a run would only stop at the budget minutes later, with the same kind
    /// of partial result. The command line sets it when `--max-events` is not given (the default
    /// budget); with the flag, the user asked for a run that goes to that budget.
    public var stopEarlyOverBudget: Bool
    /// Entries of the run's event log (events.jsonl: breaker changes, ejections, scaling,
    /// restarts) past which the run stops (``RunLimitHit/eventLog(count:top:at:)``); default
    /// ``Simulation/maximumLoggedEvents``, about 15 MB in memory. `--max-log-entries`.
    public var maxLogEntries: Int
    /// Stop cleanly, with partial results, once the process received SIGINT or SIGTERM
    /// (``Interrupts``, which the caller must have watched): `satsim run`, where Ctrl-C on a long
    /// run would otherwise lose all of it. The run checks between segments of at most
    /// ``interruptCheckEvents`` counted events.
    public var stopOnInterrupt = false

    /// How many counted events a run that stops on an interrupt makes between two looks at it:
    /// well under a second of any run, and nothing per event.
    public static let interruptCheckEvents = 1 << 20

    /// How far past the budget a projection must go before the run stops early: twice, so that a
    /// run whose pace slows later (a burst at its start) still runs when it could fit.
    public static let paceMargin = 2

    public init(maxEvents: Int = 2_000_000_000, maxInFlight: Int = 2_000_000, stopEarlyOverBudget: Bool = false,
                maxLogEntries: Int = Simulation.maximumLoggedEvents) {
        self.maxEvents = maxEvents
        self.maxInFlight = maxInFlight
        self.stopEarlyOverBudget = stopEarlyOverBudget
        self.maxLogEntries = maxLogEntries
    }
}

/// Why a run stopped before its end time, with the likely cause for the message.
///
/// Each case carries the simulated time at which the run stopped, which is also the result's
/// ``SimulationResult/endSeconds``: the figures cover the run up to there.
public enum RunLimitHit: Sendable, Hashable {
    case eventBudget(events: Int, at: SimTime)
    case inFlight(count: Int, largestQueue: String?, at: SimTime)
    /// The run's event log reached ``Simulation/maximumLoggedEvents`` entries; `top` is the
    /// subject and kind (events.jsonl's `kind`) that wrote the most of them.
    case eventLog(count: Int, top: LoggedEventCount?, at: SimTime)
    /// ``Simulation/standStillBound(limits:)`` counted events (at least
    /// ``Simulation/standStillEvents``) in a row happened at one instant:
    /// a loop with no delay (closed-loop users that neither think nor wait for service) keeps
    /// simulated time from advancing, and would spin until the event budget stops it (2 x 10^9
    /// events at time 0: 170 s).
    case timeStoodStill(events: Int, at: SimTime)
    /// ``RunLimits/stopEarlyOverBudget``: after `events` counted events the run had reached `at`,
    /// and at that pace reaching its end would take about `projected` counted events, more than
    /// ``RunLimits/paceMargin`` times `budget`. A loop with a tiny delay (closed-loop users that
    /// think and are served in microseconds) would otherwise run minutes to the budget.
    case paceOverBudget(events: Int, projected: Double, budget: Int, end: SimTime, at: SimTime)
    /// The process received `signal` (SIGINT from Ctrl-C, or SIGTERM) while the run went on,
    /// and ``RunLimits/stopOnInterrupt`` asked the run to stop there with what it had simulated.
    case interrupted(signal: Int32, at: SimTime)

    /// Whether a user stopped the run (``interrupted(signal:at:)``) rather than a budget.
    public var isInterrupt: Bool {
        if case .interrupted = self { return true }
        return false
    }

    /// The simulated time at which the run stopped.
    public var at: SimTime {
        switch self {
        case .eventBudget(_, let at), .inFlight(_, _, let at), .eventLog(_, _, let at), .timeStoodStill(_, let at),
             .paceOverBudget(_, _, _, _, let at), .interrupted(_, let at): return at
        }
    }

    /// A sentence for the user.
    public var message: String {
        switch self {
        case .eventBudget(let events, let at):
            return "the run stopped at \(at.description) of simulated time, after its event budget of \(events) event\(events == 1 ? "" : "s"); raise it with --max-events, or shorten the duration"
        case .inFlight(let count, let queue, let at):
            var text = "the run stopped at \(at.description) of simulated time with \(count) requests, attempts and health probes in flight, over its memory budget (--max-in-flight)"
            if let queue {
                text += "; the queues of service '\(queue)' grew without bound (an unbounded queue under overload or a retry storm?): give queue.capacity a limit, or raise --max-in-flight"
            }
            return text
        case .eventLog(let count, let top, let at):
            var text = "the run stopped at \(at.description) of simulated time with \(count) \(count == 1 ? "entry" : "entries") in its event log (breaker changes, ejections, scaling, restarts), its bound (--max-log-entries)"
            if let top {
                text += "; the most, \(top.count), \(top.count == 1 ? "is a" : "are") \(top.kind) \(top.count == 1 ? "entry" : "entries") of '\(top.subject)'"
                    + (top.likelyCause.map { ", \($0)" } ?? "")
            }
            return text
        case .timeStoodStill(let events, let at):
            return "the run stopped at \(at.description) of simulated time: \(events) counted events in a row happened at that same instant, so time could not advance; something loops with no delay (closed-loop users with a zero think time and a zero service time?): give the loop a delay"
        case .paceOverBudget(let events, let projected, let budget, let end, let at):
            let perSecond = Double(events) / max(at.seconds, 1e-9)
            return "the run stopped early at \(at.description) of simulated time, after \(events) counted events (\(Counted.digits(perSecond)) per simulated second over 0s-\(at.description)): at that pace, reaching its end at \(end.description) would take \(Counted.approximately(projected)) counted events, more than \(RunLimits.paceMargin) times the event budget of \(budget); shorten the duration, give what loops fastest a longer delay (closed-loop users with a think time and a service time of microseconds?), or give --max-events to run it until that budget stops it"
        case .interrupted(let signal, let at):
            let name = signal == 2 ? "SIGINT, Ctrl-C" : signal == 15 ? "SIGTERM" : signal == 1 ? "SIGHUP, a hang-up" : "signal \(signal)"
            return "the run was interrupted (\(name)) at \(at.description) of simulated time; what it simulated up to there is written (a second interrupt ends satsim at once, writing nothing)"
        }
    }
}


/// How many entries of one kind one subject wrote in a run's event log.
public struct LoggedEventCount: Sendable, Hashable {
    public var subject: String
    /// The entries' kind, as events.jsonl writes it (`breaker_opened`).
    public var kind: String
    public var count: Int

    public init(_ subject: String, _ kind: String, _ count: Int) {
        self.subject = subject
        self.kind = kind
        self.count = count
    }

    /// What likely filled the log with these entries, by their kind: a mechanism that changed
    /// state over and over, or the timeline itself. The run's own timeline events (faults, sets,
    /// pauses) were told as "changed state over and over (a circuit breaker's open_for ...?)".
    var likelyCause: String? {
        switch RunEventKind(rawValue: kind) {
        case .breakerOpened, .breakerHalfOpen, .breakerClosed:
            return "which changed state over and over (a circuit breaker whose open_for or window is a few microseconds?)"
        case .outlierNotEjected:
            return "whose outlier detection, at its max_ejection_percent, turned down an ejection over and over "
                + "(errors in a row under overload: a flood of load, or consecutive_errors of a few?)"
        case .instanceEjected, .instanceReadmitted, .panicStarted, .panicEnded:
            return "which changed state over and over (a health check's interval or an outlier detection's ejection time of a few microseconds?)"
        case .instanceKilled, .instanceBooting, .instanceReady, .instanceDraining, .instanceStopped:
            // An autoscaler that scales every microsecond starts and stops instances too: the
            // hint named only restarts and deploys to a file that had neither.
            return "whose instances were replaced over and over (an autoscaler scaling, restarts by a health check, or a deploy, "
                + "with an interval, a cooldown or a boot_time of a few microseconds?)"
        case .scaled:
            return "which scaled over and over (an autoscaler whose interval or cooldowns are a few microseconds?)"
        case .faultStarted, .faultEnded, .settingChanged, .settingRestored, .instancePaused, .instanceResumed:
            return "which the timeline's own events wrote: raise --max-log-entries for a timeline this long"
        case .runStopped, nil:
            return nil
        }
    }
}
