import SatsimMetrics

/// Number formats for sentences.
enum Format {
    static func clock(_ seconds: Double) -> String {
        // Int(_:) traps on infinity, NaN and anything beyond Int: never let a figure reach it.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return seconds.isNaN ? "an unknown time" : "never" }
        let total = Int(seconds.rounded())
        let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60)
        if h > 0 { return "\(h)h\(pad(m))m\(pad(s))s" }
        if m > 0 { return "\(m)m\(pad(s))s" }
        return "\(s)s"
    }

    /// A span: `500ms`, `1.5s`, `40s`, `10m00s`. Under a minute it keeps up to three significant
    /// digits, so a 1.5 s delay is never printed as "2s".
    static func duration(_ seconds: Double) -> String {
        // A span under half a millisecond printed "0ms" (a 1us outage "for 0ms"): whole
        // microseconds then, the finest unit a scenario can write.
        if seconds.isFinite, seconds > 0, seconds < 0.0005 { return "\(Int((seconds * 1e6).rounded()))us" }
        if seconds.isFinite, seconds < 1 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds.isFinite, seconds < 60, seconds != seconds.rounded() {
            var text = fixed(seconds, seconds < 10 ? 2 : 1)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text + "s"
        }
        return clock(seconds)
    }

    /// A latency to three significant digits at most: `180ms`, `2.35s`, `17.2s` (never rounded
    /// to whole seconds, which would turn a 1.5 s bound into "2s").
    static func latency(_ seconds: Double) -> String {
        if seconds < 1 { return fixed(seconds * 1000, seconds < 0.01 ? 1 : 0) + "ms" }
        return fixed(seconds, seconds < 10 ? 2 : 1) + "s"
    }

    static func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }

    static func rate(_ x: Double) -> String {
        if x >= 100 { return fixed(x, 0) }
        if x >= 10 { return fixed(x, 1) }
        return fixed(x, 2)
    }

    static func ratio(_ x: Double) -> String {
        x == x.rounded() ? fixed(x, 0) : fixed(x, 1)
    }

    static func percent(_ x: Double) -> String {
        // In tenths of a percent first, so that 0.99 (98.99999... x 100) prints as 99%, not 99.0%.
        let tenths = (x * 1000).rounded()
        // A share just short of the whole is never printed as the whole.
        if tenths >= 1000, x < 1 {
            let hundredths = fixed(x * 100, 2)
            return (hundredths == "100.00" ? "99.99" : hundredths) + "%"
        }
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return fixed(tenths / 10, 0) + "%" }
        return fixed(tenths / 10, 1) + "%"
    }

    /// `api's`, `users'`.
    static func possessive(_ name: String) -> String { name.hasSuffix("s") ? name + "'" : name + "'s" }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        FixedDecimal.format(x, decimals: decimals)
    }
}
