/// A typed fact the story found in a run (DESIGN.md, "The story": findings, then sentences):
/// what happened or what held the system down, which mechanism it concerns, when, over which
/// window, and the figures that show it. Sentences only render findings, so `explain` and other
/// commands can reuse the facts, and tests can hold every figure to the data.
public struct Finding: Sendable, Hashable {
    /// The mechanism or moment a finding concerns.
    public enum Mechanism: String, Sendable, Hashable, CaseIterable {
        // The course of the run.
        case baseline
        case timelineEvent = "timeline_event"
        case timelineEventEnded = "timeline_event_ended"
        case runStopped = "run_stopped"
        case timeouts
        /// Attempts answered with an error or turned away at once, first told when they come
        /// before the first timeouts.
        case fastFailures = "fast_failures"
        case retries
        /// A client's retries returning in separate waves (a backoff without jitter).
        case retryWaves = "retry_waves"
        /// Many of a client's requests failing in one interval, no fault acting.
        case failureBurst = "failure_burst"
        case ejections
        /// A service's balancer with no serving instance, turning attempts away.
        case noServingInstance = "no_serving_instance"
        case panicMode = "panic_mode"
        case healthCheckRestarts = "health_check_restarts"
        case scaling
        case breakerOpened = "breaker_opened"
        case cohorts
        case ending
        /// The sentence naming the dominant causes: its figures are theirs.
        case causes
        // What sustained a bad state or slowed a recovery: the candidates ranked by weight.
        case retryAmplification = "retry_amplification"
        case wastedWork = "wasted_work"
        case queueFull = "queue_full"
        case queueDrops = "queue_drops"
        case adaptiveThrottle = "adaptive_throttle"
        case breakerRejecting = "breaker_rejecting"
        case retryBudget = "retry_budget"
        case instancesEjected = "instances_ejected"
        case instancesBooting = "instances_booting"
        case emptyBalancer = "empty_balancer"
        case panicBalancer = "panic_balancer"
        case coldCache = "cold_cache"
        case saturatedDependency = "saturated_dependency"
        case autoscalerAtMax = "autoscaler_at_max"
        case contention
        /// Work waiting in a service's queues, far above its level before the first fault, when
        /// no mechanism above explains the unhealthy windows: a spike's backlog draining.
        case backlog
        // What `explain` found by switching each mechanism off (or removing each timeline event)
        // over replications: its findings join the story's list (DESIGN.md, "The story").
        /// One mechanism switched off, whose effect is a cause or a protection.
        case switchedOff = "switched_off"
        /// The mechanisms whose switch-off had no effect, in one finding; or, with none listed,
        /// that the scenario has nothing to switch off.
        case switchedOffWithoutEffect = "switched_off_without_effect"
    }

    /// Whether a finding tells the course of the run, or is a candidate for what sustained a bad
    /// state (a cause, ranked by ``weight``).
    public enum Role: String, Sendable, Hashable {
        case course
        case cause
        /// What `explain` found by switching a mechanism off: measured over replications
        /// (``replications``), not over a window of one run.
        case counterfactual
    }

    public var mechanism: Mechanism
    public var role: Role
    /// The client or service it concerns ("" for the run as a whole).
    public var subject: String
    /// When it happened, or when its window starts [s]: the story's order.
    public var time: Double
    /// The window its figures are measured over (nil when it has no measured figure).
    public var window: StoryWindow?
    /// For a counterfactual finding: the runs its figures are measured over, every row on the
    /// same seeds; its label fills `{runs}`. Nil for a finding about one run.
    public var replications: ReplicationSet?
    /// For a counterfactual finding: what was switched off and what that did, one entry per
    /// mechanism it concerns (several for ``Mechanism/switchedOffWithoutEffect``).
    public var switchedOff: [SwitchOff]
    /// Its figures, in the order the sentence names them.
    public var figures: [StoryFigure]
    /// For causes: the figure they are ranked by, a share in [0, 1] of what they act on (the
    /// share of attempts that were retries, of work wasted, of arrivals turned away...).
    public var weight: Double
    /// The sentence with `{0}`, `{1}`... for its figures, `{window}` for its window's label and
    /// `{runs}` for its replications' label: every number a sentence prints comes from a figure.
    public var template: String

    public init(
        _ mechanism: Mechanism, role: Role = .course, subject: String = "", time: Double, window: StoryWindow? = nil,
        figures: [StoryFigure] = [], weight: Double = 0, template: String, replications: ReplicationSet? = nil,
        switchedOff: [SwitchOff] = []
    ) {
        self.mechanism = mechanism
        self.role = role
        self.subject = subject
        self.time = time
        self.window = window
        self.figures = figures
        self.weight = weight
        self.template = template
        self.replications = replications
        self.switchedOff = switchedOff
    }

    /// The finding with its times (clock figures and window bounds) printed with `decimals`.
    func printingTimes(decimals: Int) -> Finding {
        var copy = self
        copy.window?.clockDecimals = decimals
        for i in copy.figures.indices where copy.figures[i].unit == .clock { copy.figures[i].clockDecimals = decimals }
        return copy
    }

    /// The sentence: the template with its figures and window filled in.
    public var sentence: String {
        var text = template
        if let window { text = text.replacing("{window}", with: window.label) }
        if let replications { text = text.replacing("{runs}", with: replications.label) }
        for (i, figure) in figures.enumerated().reversed() {
            text = text.replacing("{\(i)}", with: figure.text)
        }
        // A template may open with its window's label ("from 1m00s to 1m30s, ...").
        return text.prefix(1).uppercased() + text.dropFirst()
    }
}
