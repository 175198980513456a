import SatsimCore

/// A whole scenario, typed and validated: what `SatsimScenario` produces from a YAML file and what
/// ``Simulation`` runs.
///
/// Every field mirrors a key of the scenario format (`shared/scenario-format.md`); the doc comment
/// of each names its key. Durations are ``SimTime``; rates are per second.
public struct ScenarioSpec: Sendable, Hashable {
    /// `name`: `[a-z0-9-]+`.
    public var name: String
    /// `description`: one paragraph for the reader of the report.
    public var description: String
    /// `duration`: simulated time.
    public var duration: SimTime
    /// `warmup`: excluded from summary statistics.
    public var warmup: SimTime
    /// `seed`.
    public var seed: UInt64
    /// `metrics.interval`: width of a time-series bucket.
    public var metricsInterval: SimTime
    /// `clients`, in file order.
    public var clients: [ClientSpec]
    /// `services`, in file order.
    public var services: [ServiceSpec]
    /// `timeline`, in file order.
    public var timeline: [TimelineEventSpec]
    /// `variants`, in file order.
    public var variants: [VariantSpec]
    /// `sweep`.
    public var sweep: SweepSpec?
    /// `expect`, in file order.
    public var expectations: [ExpectationSpec]
    /// `slo`: the bounds of a healthy window, replacing the verdict's defaults; nil when absent.
    public var slo: SLOSpec?
    /// `expect.variants`: each variant's own expectations, in file order.
    public var variantExpectations: [VariantExpectationsSpec]
    /// `chaos`: the candidate faults of `satsim chaos`; nil when absent. A plain run ignores it.
    public var chaos: ChaosSpec?

    public init(
        name: String, description: String = "", duration: SimTime, warmup: SimTime = .zero, seed: UInt64 = 1,
        metricsInterval: SimTime = SimTime(seconds: 1), clients: [ClientSpec], services: [ServiceSpec],
        timeline: [TimelineEventSpec] = [], variants: [VariantSpec] = [], sweep: SweepSpec? = nil,
        expectations: [ExpectationSpec] = [], slo: SLOSpec? = nil,
        variantExpectations: [VariantExpectationsSpec] = [], chaos: ChaosSpec? = nil
    ) {
        self.name = name
        self.description = description
        self.duration = duration
        self.warmup = warmup
        self.seed = seed
        self.metricsInterval = metricsInterval
        self.clients = clients
        self.services = services
        self.timeline = timeline
        self.variants = variants
        self.sweep = sweep
        self.expectations = expectations
        self.slo = slo
        self.variantExpectations = variantExpectations
        self.chaos = chaos
    }

    /// The expectations `satsim check --variant name` tests: the variant's own block under
    /// `expect.variants`, else the base block (a variant without its own block is held to the
    /// base's expectations, as before variants could have one).
    public func expectations(forVariant name: String?) -> [ExpectationSpec] {
        guard let name, let own = variantExpectations.first(where: { $0.variant == name }) else { return expectations }
        return own.expectations
    }

    /// The service named `name`.
    public func service(named name: String) -> ServiceSpec? { services.first { $0.name == name } }
    /// The client named `name`.
    public func client(named name: String) -> ClientSpec? { clients.first { $0.name == name } }
}

/// `variants.NAME`: a named overlay of scalar values, applied to the file before it is decoded.
public struct VariantSpec: Sendable, Hashable {
    public var name: String
    /// `KEY.PATH: VALUE` pairs in file order; values are kept as the YAML text of the scalar.
    public var overrides: [ScalarOverride]
    public init(name: String, overrides: [ScalarOverride]) {
        self.name = name
        self.overrides = overrides
    }
}

/// One `KEY.PATH = VALUE` assignment (`--set`, a variant, a sweep point, a timeline `set`).
public struct ScalarOverride: Sendable, Hashable {
    /// Dotted path, list items by index: `clients.users.retry.max_attempts`, `timeline.0.factor`.
    public var path: String
    /// The value as YAML scalar text (typed by the key it names when applied).
    public var value: String
    public init(path: String, value: String) {
        self.path = path
        self.value = value
    }
}

/// `sweep`: the default parameter grid of `satsim sweep`.
public struct SweepSpec: Sendable, Hashable {
    /// `vary`: path -> values (YAML scalar text), in file order.
    public var vary: [(path: String, values: [String])]
    /// `replications`.
    public var replications: Int
    public init(vary: [(path: String, values: [String])], replications: Int) {
        self.vary = vary
        self.replications = replications
    }
    public static func == (a: SweepSpec, b: SweepSpec) -> Bool {
        a.replications == b.replications && a.vary.map(\.path) == b.vary.map(\.path)
            && a.vary.map(\.values) == b.vary.map(\.values)
    }
    public func hash(into h: inout Hasher) {
        h.combine(replications)
        for (p, v) in vary { h.combine(p); h.combine(v) }
    }
}

/// `expect.variants.NAME`: what must hold when the variant NAME is applied. It replaces the base
/// `expect` entries for that variant rather than adding to them, since a variant usually exists
/// to change the outcome the base expects.
public struct VariantExpectationsSpec: Sendable, Hashable {
    /// The variant's name (one of `variants`).
    public var variant: String
    /// Its entries, in file order.
    public var expectations: [ExpectationSpec]
    public init(variant: String, expectations: [ExpectationSpec]) {
        self.variant = variant
        self.expectations = expectations
    }
}

/// One `expect` entry: `outcome: recovered`, or a summary figure and a comparison
/// (`clients.users.goodput_per_s: ">= 700"`).
public struct ExpectationSpec: Sendable, Hashable {
    /// `outcome`, `recovery_time` or a summary.json path.
    public var path: String
    /// The condition text as written (`">= 700"`, `recovered`, `"!= metastable"`); a list of
    /// outcomes is kept as `in [recovered, stable]`, as `satsim check` prints it.
    public var condition: String
    public init(path: String, condition: String) {
        self.path = path
        self.condition = condition
    }
}
