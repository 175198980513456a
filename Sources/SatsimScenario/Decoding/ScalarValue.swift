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

    enum DurationProblem: Error { case bareNumber, malformed, tooLarge }

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
        return .failure(.malformed)
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
