import SatsimMetrics

/// Number formats for sentences.
enum Format {
    /// A time in the run, told as a clock shows it: the whole second it falls in (`9s` for
    /// 9.999999 s, `1m05s`, `1h02m03s`).
    ///
    /// Every time of a story goes through this one rule, and it truncates rather than rounds:
    /// a window's bounds are interval boundaries, so a fault at 9.999999 s rounded to "10s" was
    /// told "At 10s ... from 9s", its effect measured from before it, and its first timeouts
    /// "at 9s", before it. Truncation keeps the order of any two times (a <= b prints a <= b) and
    /// never moves a time past a boundary it has not reached.
    ///
    /// With `decimals` (a story whose metrics intervals are shorter than a second), the time is
    /// truncated to that many decimals instead, trailing zeros dropped (`9.5s`, `1m09.25s`), so
    /// that a window of one 500 ms interval is "from 9s to 9.5s", not "from 9s to 9s".
    static func clock(_ seconds: Double, decimals: Int = 0) -> String {
        // Int(_:) traps on infinity, NaN and anything beyond Int: never let a figure reach it.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return seconds.isNaN ? "an unknown time" : "never" }
        let places = min(max(decimals, 0), 3)
        let scale = [1, 10, 100, 1000][places]
        // Times of a run are whole nanoseconds; a sum of two (a fault's end plus the recovery
        // time) may land an ulp below a whole second as a Double. Half a nanosecond is far above
        // that error (an ulp of 1e5 s is 1.5e-11 s) and below any time a run can hold.
        let ticks = Int(((seconds + 5e-10) * Double(scale)).rounded(.down))
        let (whole, fraction) = (ticks / scale, ticks % scale)
        guard fraction > 0 else { return hms(whole) }
        var digits = String(fraction)
        digits = String(repeating: "0", count: places - digits.count) + digits
        while digits.hasSuffix("0") { digits.removeLast() }
        return String(hms(whole).dropLast()) + "." + digits + "s"
    }

    /// The decimals a story's times need so that every metrics interval boundary prints exactly:
    /// 0 for intervals of whole seconds, 1 for 500 ms, 2 for 250 ms, at most 3.
    static func clockDecimals(interval nanoseconds: Int64) -> Int {
        for places in 0..<3 {
            let unit = [Int64(1_000_000_000), 100_000_000, 10_000_000][places]
            if nanoseconds > 0, nanoseconds % unit == 0 { return places }
        }
        return 3
    }

    /// `1h02m03s`, `1m05s`, `9s` for a whole number of seconds.
    static func hms(_ total: Int) -> String {
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
        if seconds.isFinite, seconds < 1, seconds > -1e12 { return "\(Int((seconds * 1000).rounded()))ms" }
        if seconds.isFinite, seconds < 60, seconds != seconds.rounded() {
            var text = fixed(seconds, seconds < 10 ? 2 : 1)
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
            return text + "s"
        }
        // A span is not a time in the run: it is rounded to the nearest second, as its digits
        // under a minute are.
        guard seconds.isFinite, abs(seconds) < 1e15 else { return clock(seconds) }
        return hms(Int(seconds.rounded()))
    }

    /// A latency to three significant digits at most: `180ms`, `2.35s`, `17.2s` (never rounded
    /// to whole seconds, which would turn a 1.5 s bound into "2s").
    static func latency(_ seconds: Double) -> String {
        // Under 50 us the tenth of a millisecond reads 0.0ms: an SLO of 1us was "the SLO's
        // 0.0ms". Microseconds then, the finest unit a scenario writes; a true zero stays 0.0ms.
        if seconds > 0, seconds < 0.00005 {
            let micros = seconds * 1e6
            var text = micros >= 1 ? fixed(micros, micros < 10 ? 1 : 0) : significant(micros)
            if text.hasSuffix(".0") { text.removeLast(2) }
            return text + "us"
        }
        if seconds < 1 { return fixed(seconds * 1000, seconds < 0.01 ? 1 : 0) + "ms" }
        return fixed(seconds, seconds < 10 ? 2 : 1) + "s"
    }

    static func pad(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }

    static func rate(_ x: Double) -> String {
        if x >= 100 { return fixed(x, 0) }
        if x >= 10 { return fixed(x, 1) }
        // Something that is not nothing is never printed as nothing: "goodput averaged 0.00/s"
        // is heard as no success at all, where there were some.
        if x > 0, x < 0.005 { return significant(x) }
        return fixed(x, 2)
    }

    /// A small positive number to two significant digits, trailing zeros dropped: `0.0033`,
    /// `0.0005` (at most nine decimals; below that, the smallest it can show).
    static func significant(_ x: Double) -> String {
        guard x.isFinite, x > 0 else { return fixed(x, 2) }
        // One decimal more than the position of the first significant digit.
        var places = 1, scaled = x
        while scaled < 1, places < 9 { scaled *= 10; places += 1 }
        var text = fixed(x, places)
        if Double(text) == 0 { text = "0." + String(repeating: "0", count: places - 1) + "1" }
        while text.contains("."), text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
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
        // Nor a share just above nothing as nothing: "in panic mode 0% of the time" for a
        // balancer that was, briefly.
        if tenths == 0, x > 0 { return significant(x * 100) + "%" }
        if tenths.truncatingRemainder(dividingBy: 10) == 0 { return fixed(tenths / 10, 0) + "%" }
        return fixed(tenths / 10, 1) + "%"
    }

    /// The noun that agrees with a count: `1 ejection`, `72 ejections` (never `ejection(s)`:
    /// a sentence read out in an incident review should read as English).
    static func noun(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        Counted.noun(count, singular, plural)
    }

    /// The noun that agrees with a figure as printed: "1 serving instance" for a mean of 1.0,
    /// "1.5 serving instances".
    static func noun(_ figure: StoryFigure, _ singular: String, _ plural: String? = nil) -> String {
        figure.text == "1" ? singular : plural ?? singular + "s"
    }

    /// `api's`, `users'`.
    /// Names in a sentence: "a", "a and b", "a, b and c".
    static func list(_ names: [String]) -> String {
        guard let last = names.last else { return "" }
        return names.count == 1 ? last : names.dropLast().joined(separator: ", ") + " and " + last
    }

    static func possessive(_ name: String) -> String { name.hasSuffix("s") ? name + "'" : name + "'s" }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        FixedDecimal.format(x, decimals: decimals)
    }
}
