/// The type of a value in a scenario file, as the schema states it.
///
/// Scalar types carry their range, so the decoder's checks and the reference's wording come from
/// one place.
public indirect enum SchemaType: Sendable, Hashable {
    /// A duration with a unit: `250us`, `50ms`, `2s`, `5m`, `1h`; decimals allowed.
    case duration(positive: Bool)
    /// A rate `N/s`, `N/m` or `N/h`, > 0.
    case rate
    /// A plain number in [0, 1].
    case ratio
    /// A plain number > 0.
    case multiplier
    /// A plain number >= 0.
    case nonNegativeNumber
    /// A plain number in [0, maximum].
    case boundedNumber(maximum: Double)
    /// A whole number in `minimum...maximum` (maximum nil: no upper bound beyond Int).
    case integer(minimum: Int, maximum: Int?)
    /// A whole number in 0...UInt64.max.
    case seed
    /// Any text.
    case text
    /// A scenario name: `[a-z0-9-]+`.
    case scenarioName
    /// One of a fixed list of words.
    case choice([String])
    /// The name of a component of the given kind (`client` or `service`).
    case reference(String)
    /// `true` or `false`.
    case boolean
    /// A KEY.PATH naming a scalar of the scenario.
    case keyPath
    /// Any scalar, typed by the key a sibling `path` names.
    case anyScalar
    /// A mapping described by the shape of that name.
    case object(String)
    /// A mapping from names the user chooses to values of the given type.
    case named(String, SchemaType)
    /// A list of values of the given type.
    case list(SchemaType)
    /// A mapping from KEY.PATH to a scalar, or to a whole list of scalars for a key that holds one (a variant).
    case overlay
    /// A mapping from KEY.PATH to a list of scalars (a sweep grid).
    case grid
    /// A mapping from a summary figure to a condition (`expect`).
    case expectations

    /// Whether a value of this type is one YAML scalar (what `--set` can replace).
    public var isScalar: Bool {
        switch self {
        case .object, .named, .list, .overlay, .grid, .expectations: return false
        default: return true
        }
    }

    /// How the reference and the messages name this type ("expected ...").
    public var phrase: String {
        switch self {
        case .duration(let positive):
            return positive ? "a duration > 0 with a unit (250us, 50ms, 2s, 5m, 1h)"
                : "a duration with a unit (250us, 50ms, 2s, 5m, 1h)"
        case .rate: return "a rate > 0 such as 800/s, 30/m or 2/h"
        case .ratio: return "a number in [0, 1]"
        case .multiplier: return "a number > 0"
        case .nonNegativeNumber: return "a number >= 0"
        case .boundedNumber(let maximum): return "a number in [0, \(Self.plain(maximum))]"
        case .integer(let minimum, let maximum):
            if let maximum { return "an integer in \(minimum)...\(maximum)" }
            return "an integer >= \(minimum)"
        case .seed: return "an integer in 0...\(UInt64.max)"
        case .text: return "text"
        case .scenarioName: return "a name of lowercase letters, digits and '-'"
        case .choice(let words): return "one of " + words.joined(separator: ", ")
        case .reference(let kind): return "a \(kind) name"
        case .boolean: return "true or false"
        case .keyPath: return "a KEY.PATH such as clients.users.timeout"
        case .anyScalar: return "a value of the type of the key `path` names"
        case .object(let shape): return "a mapping (\(shape))"
        case .named(let what, _): return "a mapping of \(what) names to their settings"
        // Not `shortPhrase`: that is the reference table's markdown (`a` \| `b`), never for a message.
        case .list(let element): return "a list (each item \(element.phrase))"
        case .overlay: return "a mapping of KEY.PATH to a value"
        case .grid: return "a mapping of KEY.PATH to a list of values"
        case .expectations: return "a mapping of summary figures to conditions"
        }
    }

    /// A terse name for the reference's type column.
    public var shortPhrase: String {
        switch self {
        case .duration(let positive): return positive ? "duration > 0" : "duration"
        case .rate: return "rate"
        case .ratio: return "ratio [0, 1]"
        case .multiplier: return "number > 0"
        case .nonNegativeNumber: return "number >= 0"
        case .boundedNumber(let maximum): return "number in [0, \(Self.plain(maximum))]"
        case .integer(let minimum, let maximum):
            if let maximum { return "integer \(minimum)...\(maximum)" }
            return "integer >= \(minimum)"
        case .seed: return "integer >= 0"
        case .text: return "text"
        case .scenarioName: return "name `[a-z0-9-]+`"
        case .choice(let words): return words.map { "`\($0)`" }.joined(separator: " \\| ")
        case .reference(let kind): return "\(kind) name"
        case .boolean: return "boolean"
        case .keyPath: return "KEY.PATH"
        case .anyScalar: return "scalar"
        case .object(let shape): return shape
        case .named(_, let value): return "{ NAME: \(value.shortPhrase) }"
        case .list(let element): return "[\(element.shortPhrase)]"
        case .overlay: return "{ KEY.PATH: value }"
        case .grid: return "{ KEY.PATH: [values] }"
        case .expectations: return "{ FIGURE: condition }"
        }
    }

    /// A bound as written in a scenario: 1000, not 1000.0.
    static func plain(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
