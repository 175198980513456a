import SatsimModel

/// What was applied to a scenario file before it ran: the variant (by name) and every scalar
/// override, the variant's `KEY.PATH: VALUE` pairs first (in file order), then each `--set` (in
/// command-line order), the order the loader applies them in.
///
/// The spec itself does not carry this: the model simulates whatever spec it is given and has no
/// use for where its values came from. The outputs do: summary.json, the text summary and
/// report.html name it, so that two reports side by side can always be told apart (the contract,
/// "What `satsim run` writes").
public struct RunProvenance: Sendable, Hashable {
    /// Where one override came from.
    public enum Source: String, Sendable, Hashable {
        /// A pair of the variant named by `--variant`.
        case variant
        /// A `--set PATH=VALUE` flag.
        case set
    }

    /// One applied override: its path, its value as written (YAML scalar text) and its source.
    public struct Override: Sendable, Hashable {
        public var path: String
        public var value: String
        public var source: Source
        public init(path: String, value: String, source: Source) {
            self.path = path
            self.value = value
            self.source = source
        }

        /// `PATH=VALUE`, as `--set` takes it.
        public var assignment: String { "\(path)=\(value)" }

        /// `{"path": ..., "value": ..., "source": "variant" | "set"}`, as summary.json and
        /// comparison.json list it.
        public var json: JSONValue {
            .object([("path", .string(path)), ("value", .string(value)), ("source", .string(source.rawValue))])
        }
    }

    /// The variant's name, or nil when the file ran as written.
    public var variant: String?
    /// Every override applied, in the order applied.
    public var overrides: [Override]

    public init(variant: String? = nil, overrides: [Override] = []) {
        self.variant = variant
        self.overrides = overrides
    }

    /// Nothing applied: the file as written.
    public static let none = RunProvenance()

    /// The provenance of `spec` loaded with `variant` and then `sets`: the variant's pairs are
    /// read from `spec.variants` (the variants block stays in the spec after one is applied).
    public init(spec: ScenarioSpec, variant: String?, sets: [ScalarOverride]) {
        let pairs = variant.flatMap { name in spec.variants.first { $0.name == name }?.overrides } ?? []
        self.variant = variant
        self.overrides = pairs.map { Override(path: $0.path, value: $0.value, source: .variant) }
            + sets.map { Override(path: $0.path, value: $0.value, source: .set) }
    }

    /// Whether the file ran as written.
    public var isEmpty: Bool { variant == nil && overrides.isEmpty }

    /// One line for headers: `variant no-retries (a.b=1); --set c.d=2s`; empty when nothing was
    /// applied. The variant's pairs follow its name; the `--set`s follow `--set`.
    public var line: String {
        var parts: [String] = []
        let fromVariant = overrides.filter { $0.source == .variant }.map(\.assignment)
        let fromSet = overrides.filter { $0.source == .set }.map(\.assignment)
        if let variant {
            parts.append("variant \(variant)" + (fromVariant.isEmpty ? "" : " (" + fromVariant.joined(separator: ", ") + ")"))
        }
        if !fromSet.isEmpty { parts.append("--set " + fromSet.joined(separator: ", --set ")) }
        return parts.joined(separator: "; ")
    }

    /// A short label for titles: `variant no-retries, --set c.d=2s`; empty when nothing was applied.
    public var label: String {
        var parts: [String] = []
        if let variant { parts.append("variant \(variant)") }
        parts += overrides.filter { $0.source == .set }.map { "--set \($0.assignment)" }
        return parts.joined(separator: ", ")
    }

    /// summary.json's `variant` and `overrides` members.
    var jsonMembers: [(String, JSONValue)] {
        [
            ("variant", variant.map { .string($0) } ?? .null),
            ("overrides", .array(overrides.map(\.json))),
        ]
    }
}
