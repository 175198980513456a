import SatsimModel

/// One point of a sweep: a setting of the scenario that is run `replications` times. A grid
/// point sets one value per varied path; a plan made otherwise (`chaos`' combinations, say) may
/// apply a variant and any overrides, and names itself by its column values all the same.
public struct SweepPoint: Sendable, Hashable {
    /// Its position in the plan, 0-based: the `point` column of the store.
    public var index: Int
    /// One text per column of the plan (``SweepPlan/columns``): the varied values.
    public var values: [String]
    /// What the point sets, applied after the sweep's `--set`s.
    public var overrides: [ScalarOverride]
    /// A variant applied before the overrides, or nil.
    public var variant: String?

    public init(index: Int, values: [String], overrides: [ScalarOverride], variant: String? = nil) {
        self.index = index
        self.values = values
        self.overrides = overrides
        self.variant = variant
    }

    /// What the point's seeds derive from: its variant and overrides as text, so the same setting
    /// gets the same seeds in any plan (``RunSeed``).
    public var key: String {
        (variant.map { ["variant=\($0)"] } ?? []).joined() + overrides.map { "\($0.path)=\($0.value)" }.joined(separator: ";")
    }
}

/// One run of a plan: a point and a replication, the key of the store's `runs` table.
public struct RunKey: Sendable, Hashable, Comparable {
    public var point: Int
    public var replication: Int

    public init(point: Int, replication: Int) {
        self.point = point
        self.replication = replication
    }

    public static func < (a: RunKey, b: RunKey) -> Bool {
        (a.point, a.replication) < (b.point, b.replication)
    }
}
