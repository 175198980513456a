import SatsimMetrics

/// Tick positions at round numbers and their labels, for a value axis from 0 and a time axis.
///
/// Both are computed without logarithms (by scaling through powers of ten), so the ticks and hence
/// the bytes of a chart do not depend on the platform's math library.
struct AxisTicks: Equatable {
    /// Tick values, ascending, starting at 0.
    var values: [Double]
    /// Distance between ticks.
    var step: Double

    /// The top of the axis (the last tick).
    var top: Double { values.last ?? 1 }

    /// Ticks from 0 to a round number at or above `maximum`, about `target` of them, at steps of
    /// 1, 2 or 5 times a power of ten. A maximum that is not finite or not positive gives 0...1.
    static func linear(maximum: Double, target: Int = 5) -> AxisTicks {
        let top = maximum.isFinite && maximum > 0 ? max(maximum, 1e-9) : 1
        // Slightly under, so that a maximum a rounding error above a round number keeps its step.
        let raw = top / Double(max(1, target)) * (1 - 1e-9)
        var power = 1.0
        while power * 10 <= raw { power *= 10 }
        while power > raw { power /= 10 }
        // power <= raw < 10 x power
        let step = [1.0, 2.0, 5.0, 10.0].map { $0 * power }.first { $0 >= raw } ?? power * 10
        let count = max(1, Int((top / step * (1 - 1e-9)).rounded(.up)))
        let values = (0...count).map { Double($0) * step }
        guard values.allSatisfy(\.isFinite) else { return AxisTicks(values: [0, top], step: top) }
        return AxisTicks(values: values, step: step)
    }

    /// Ticks of simulated time from 0 to `duration` [s], at most about `target`, at steps people
    /// count in (1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12, 24 h...).
    static func time(duration: Double, target: Int = 8) -> AxisTicks {
        let span = duration.isFinite && duration > 0 ? duration : 1
        let candidates: [Double] = [
            0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
            3600, 7200, 10800, 21600, 43200, 86400,
        ]
        var step = candidates.last ?? 86400
        for candidate in candidates where span / candidate <= Double(target) {
            step = candidate
            break
        }
        while span / step > Double(target) { step *= 2 }
        var values: [Double] = []
        var i = 0.0
        while i * step <= span * (1 + 1e-9) {
            values.append(i * step)
            i += 1
        }
        return AxisTicks(values: values, step: step)
    }

    /// A value tick's label, `decimals` as the step needs; on an axis reaching 10 000 or more with
    /// steps of whole thousands, every label is in thousands (`2k` ... `10k`) or millions (`M`).
    func valueLabel(_ value: Double, scale: Double = 1, suffix: String = "") -> String {
        let v = value * scale
        if v == 0 { return "0" + suffix }
        let s = step * scale
        let top = self.top * scale
        for (unit, symbol) in [(1_000_000.0, "M"), (1000.0, "k")] where top >= 10 * unit && s >= unit {
            if (s / unit).rounded() * unit == s {
                return FixedDecimal.format(v / unit, decimals: 0) + symbol + suffix
            }
        }
        return FixedDecimal.format(v, decimals: Self.decimals(forStep: s)) + suffix
    }

    /// Digits after the point needed to write multiples of `step` exactly (0.25 needs 2).
    static func decimals(forStep step: Double) -> Int {
        var decimals = 0
        var unit = 1.0
        while decimals < 9 {
            let rounded = (step / unit).rounded() * unit
            if abs(rounded - step) <= abs(step) * 1e-9 { break }
            unit /= 10
            decimals += 1
        }
        return decimals
    }

    /// A time tick's label: `0`, `45s`, `2m`, `2m30s`, `1h`, `1h30m`, `0.5s`.
    static func timeLabel(_ seconds: Double) -> String {
        if seconds == 0 { return "0" }
        if seconds < 1 || seconds != seconds.rounded() {
            return FixedDecimal.format(seconds, decimals: decimals(forStep: seconds)) + "s"
        }
        let total = Int(seconds)
        let (h, m, s) = (total / 3600, total % 3600 / 60, total % 60)
        var text = ""
        if h > 0 { text += "\(h)h" }
        if m > 0 { text += "\(m)m" }
        if s > 0 { text += "\(s)s" }
        return text
    }
}
