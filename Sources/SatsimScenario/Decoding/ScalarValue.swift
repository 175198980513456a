import Foundation
import SatsimCore

/// A scalar typed by its ``SchemaType``.
enum ScalarValue: Sendable, Hashable {
    case duration(SimTime)
    /// Rates are per second.
    case number(Double)
    case integer(Int)
    case seed(UInt64)
    case text(String)
    case boolean(Bool)
}

/// Reading the text of units and numbers. Every function returns nil or a problem, never traps.
enum ScalarSyntax {
    /// The largest duration accepted, in hours (far beyond any run; keeps nanoseconds in Int64).
    static let maximumHours = 100_000.0

    /// Seconds per unit of a duration.
    static let durationUnits: [(suffix: String, seconds: Double)] = [
        ("us", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600),
    ]

    /// A decimal number without sign or exponent: `12`, `1.5`, `.5`. Nil otherwise.
    static func unsignedDecimal(_ text: Substring) -> Double? {
        guard !text.isEmpty, text.count <= 30 else { return nil }
        var digits = 0
        var dots = 0
        for c in text.unicodeScalars {
            if c == "." { dots += 1 } else if ("0"..."9").contains(c) { digits += 1 } else { return nil }
        }
        guard digits > 0, dots <= 1 else { return nil }
        return Double(String(text))
    }

    /// Why a text is not a duration.
    enum DurationProblem: Error, Equatable {
        /// A number without a unit (`30`).
        case bareNumber
        /// A number with a unit satsim does not know (`1ns`, `1d`).
        case unknownUnit(String)
        /// A number with another name of a known unit (`20sec`, `5mins`, `100msec`), and the
        /// duration written in the accepted form (`20s`).
        case unitAlias(String, suggestion: String)
        /// Several numbers with units (`5m59s`); `seconds` is their sum, when each part is known.
        case compound(seconds: Double?)
        /// A number with a sign (`-3s`).
        case negative
        /// A number with an exponent (`1e3s`).
        case exponent
        /// Anything else.
        case malformed
        /// Beyond ``maximumHours``.
        case tooLarge

        /// What the message adds after "expected a duration ...": what is accepted, and why this
        /// text is not. Plain text (no markdown), for the terminal.
        var explanation: String {
            let units = "the units are us, ms, s, m and h"
            switch self {
            case .bareNumber: return ": a bare number has no unit"
            case .unknownUnit(let unit):
                let note = unit == "ns" ? " (the smallest is us, a microsecond)" : ""
                return ": '\(unit)' is not a unit; \(units)\(note)"
            case .unitAlias(let unit, _):
                return ": '\(unit)' is not a unit; \(units)"
            case .compound: return ": write one number with one unit, not several parts"
            case .negative: return ": a duration has no sign"
            case .exponent: return ": write the number without an exponent (1000s, not 1e3s)"
            case .malformed, .tooLarge: return ": write one number with one unit; \(units)"
            }
        }

        /// The duration the user most likely meant, written in the accepted form, if any.
        var suggestion: String? {
            if case .unitAlias(_, let suggestion) = self { return suggestion }
            guard case .compound(let seconds?) = self else { return nil }
            return ScalarSyntax.durationText(seconds: seconds)
        }
    }

    /// `seconds` in the largest unit that writes it as a whole number (`359s`, `90m`, `1500ms`),
    /// or nil when none does.
    static func durationText(seconds: Double) -> String? {
        for unit in durationUnits.reversed() {
            let count = seconds / unit.seconds
            if count >= 1, count == count.rounded(), count < 1e15 { return "\(Int64(count))\(unit.suffix)" }
        }
        return nil
    }

    /// Splits `5m59s` into (number, unit) parts; nil unless the text is one or more of them.
    static func durationParts(_ text: String) -> [(value: Double, unit: String)]? {
        var parts: [(Double, String)] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            let unit = rest.dropFirst(digits.count).prefix { $0.isASCII && $0.isLetter }
            guard let value = unsignedDecimal(digits), !unit.isEmpty else { return nil }
            parts.append((value, String(unit)))
            rest = rest.dropFirst(digits.count + unit.count)
        }
        return parts.isEmpty ? nil : parts
    }

    /// Tells apart the ways a text that failed to read as a duration went wrong.
    static func durationProblem(_ text: String) -> DurationProblem {
        let body = text.drop { $0 == "-" || $0 == "+" }
        if body.count < text.count, durationParts(String(body)) != nil { return .negative }
        let number = text.prefix { !$0.isLetter || $0 == "e" || $0 == "E" }
        if number.contains(where: { $0 == "e" || $0 == "E" }), let head = number.last, head.isNumber,
            ScalarSyntax.number(String(number)) != nil
        {
            return .exponent
        }
        guard let parts = durationParts(text) else { return .malformed }
        let known = Dictionary(uniqueKeysWithValues: durationUnits.map { ($0.suffix, $0.seconds) })
        if let unknown = parts.first(where: { known[$0.unit] == nil }) {
            // One number with another name of a unit: the same number with the unit's own name.
            if parts.count == 1, let unit = durationAliases[unknown.unit.lowercased()],
               let digits = text.dropLast(unknown.unit.count).nilIfEmpty {
                return .unitAlias(unknown.unit, suggestion: digits + unit)
            }
            return .unknownUnit(unknown.unit)
        }
        guard parts.count > 1 else { return .malformed }
        let seconds = parts.reduce(0.0) { $0 + $1.value * (known[$1.unit] ?? 0) }
        return .compound(seconds: seconds.isFinite && seconds <= maximumHours * 3600 ? seconds : nil)
    }

    /// Other names of the units of a duration (lowercased), as people write them.
    static let durationAliases: [String: String] = [
        "sec": "s", "secs": "s", "second": "s", "seconds": "s", "S".lowercased(): "s",
        "min": "m", "mins": "m", "minute": "m", "minutes": "m",
        "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        "msec": "ms", "msecs": "ms", "millisecond": "ms", "milliseconds": "ms",
        "usec": "us", "usecs": "us", "µs": "us", "μs": "us", "microsecond": "us", "microseconds": "us",
    ]

    /// `250us`, `50ms`, `2s`, `1.5m`, `1h`.
    static func duration(_ text: String) -> Result<SimTime, DurationProblem> {
        if unsignedDecimal(Substring(text)) != nil || number(text) != nil { return .failure(.bareNumber) }
        for unit in durationUnits where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept when the rest is a plain number.
            guard let value = unsignedDecimal(number) else { continue }
            let seconds = value * unit.seconds
            guard seconds.isFinite, seconds <= maximumHours * 3600 else { return .failure(.tooLarge) }
            return .success(SimTime(seconds: seconds))
        }
        return .failure(durationProblem(text))
    }

    /// `800/s`, `30/m`, `2/h`, in requests per second.
    static func rate(_ text: String) -> Double? {
        guard let slash = text.lastIndex(of: "/") else { return nil }
        guard let value = unsignedDecimal(text[..<slash]) else { return nil }
        switch text[text.index(after: slash)...] {
        case "s": return value
        case "m": return value / 60
        case "h": return value / 3600
        default: return nil
        }
    }

    /// Why a text is not a rate, as the end of a "found ..., expected ..." message (starting
    /// with ": "), and the rate the user probably meant; nil when there is nothing more to say
    /// (`0/s`, a word). Rates were refused with only the accepted forms, so `1e3/s`, `1000 /s`
    /// and `1000/sec` were left to guess at.
    static func rateProblem(_ text: String) -> (explanation: String, suggestion: String?)? {
        guard let slash = text.lastIndex(of: "/") else { return nil }
        let count = text[..<slash].trimmingCharacters(in: .whitespaces)
        let unitText = text[text.index(after: slash)...].trimmingCharacters(in: .whitespaces).lowercased()
        let aliases: [String: String] = [
            "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
            "m": "m", "min": "m", "mins": "m", "minute": "m", "minutes": "m",
            "h": "h", "hr": "h", "hrs": "h", "hour": "h", "hours": "h",
        ]
        if count.hasPrefix("-") || count.hasPrefix("+") { return (": a rate has no sign", nil) }
        guard let unit = aliases[unitText] else {
            return (": '\(unitText)' is not a unit of a rate; the units are s, m and h (per second, minute, hour)", nil)
        }
        if unsignedDecimal(Substring(count)) == nil {
            guard count.lowercased().contains("e"), let value = number(count), value > 0 else { return nil }
            // An exponent: the plain digits, when they are few enough to write.
            let plain = value >= 1 && value < 1e15 && value == value.rounded() ? String(Int64(value)) : nil
            return (": write the number without an exponent (1000/s, not 1e3/s)", plain.map { "\($0)/\(unit)" })
        }
        let canonical = "\(count)/\(unit)"
        guard canonical != text, rate(canonical).map({ $0 > 0 }) == true else { return nil }
        let spaced = text.contains(" ") || text.contains("\t")
        return (spaced ? ": write a number, '/' and one of s, m and h, with no spaces" : ": the units of a rate are s, m and h", canonical)
    }

    /// A plain finite number: optional sign, digits, optional fraction and exponent. Refuses
    /// `.inf`, `.nan`, hexadecimal and anything `Double` would round to infinity.
    static func number(_ text: String) -> Double? {
        guard text.count <= 40, !text.isEmpty else { return nil }
        let allowed = Set("0123456789+-.eE".unicodeScalars)
        guard text.unicodeScalars.allSatisfy({ allowed.contains($0) }),
            text.unicodeScalars.contains(where: { ("0"..."9").contains($0) })
        else { return nil }
        guard let value = Double(text), value.isFinite else { return nil }
        return value
    }

    /// An integer written with digits only (and an optional sign).
    static func integer(_ text: String) -> (value: Int?, isInteger: Bool) {
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        guard !body.isEmpty, body.unicodeScalars.allSatisfy({ ("0"..."9").contains($0) }) else { return (nil, false) }
        return (Int(text), true)
    }
}

private extension Substring {
    /// The text, or nil when empty.
    var nilIfEmpty: String? { isEmpty ? nil : String(self) }
}
