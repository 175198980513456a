/// Whether a key must be written, and what omitting it means.
public enum SchemaPresence: Sendable, Hashable {
    /// The key must be present.
    case required
    /// Omitting the key means the given value (YAML text, decoded like a written value).
    case defaulted(String)
    /// Omitting the key has the meaning described (e.g. "no retries").
    case optional(String)
}

/// One key of a mapping: its name, type, presence and meaning.
public struct SchemaKey: Sendable, Hashable {
    public var name: String
    public var type: SchemaType
    public var presence: SchemaPresence
    /// One line for the reference.
    public var summary: String

    public init(_ name: String, _ type: SchemaType, _ presence: SchemaPresence, _ summary: String) {
        self.name = name
        self.type = type
        self.presence = presence
        self.summary = summary
    }
}

/// One value of a shape's discriminator (`dist: gamma`, `kind: outage`) and the keys it adds.
public struct SchemaCase: Sendable, Hashable {
    public var value: String
    public var summary: String
    public var keys: [SchemaKey]

    public init(_ value: String, _ summary: String, _ keys: [SchemaKey]) {
        self.value = value
        self.summary = summary
        self.keys = keys
    }
}

/// A kind of mapping in a scenario: the keys it allows and, for shapes like distributions or
/// timeline events, a discriminator key whose value selects further keys.
public struct SchemaShape: Sendable, Hashable {
    /// The name the reference and `SchemaType.object` use (`CLIENT`, `retry`).
    public var name: String
    /// One paragraph for the reference.
    public var summary: String
    /// The keys every mapping of this shape allows.
    public var keys: [SchemaKey]
    /// The discriminator key (it is also listed in `keys`) and its cases.
    public var discriminator: String?
    public var cases: [SchemaCase]

    public init(_ name: String, _ summary: String, keys: [SchemaKey], discriminator: String? = nil, cases: [SchemaCase] = []) {
        self.name = name
        self.summary = summary
        self.keys = keys
        self.discriminator = discriminator
        self.cases = cases
    }

    /// The case for a discriminator value.
    public func `case`(_ value: String) -> SchemaCase? { cases.first { $0.value == value } }

    /// The keys allowed when the discriminator has `value` (all common keys when nil).
    public func keys(for value: String?) -> [SchemaKey] {
        keys + (value.flatMap { self.case($0)?.keys } ?? [])
    }
}
