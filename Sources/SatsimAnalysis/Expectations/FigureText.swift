import SatsimMetrics

/// Figures as text for `check` and `compare`: fixed-point, with a number of decimals that suits
/// the size of the value, independent of locale.
public enum FigureText {
    /// Integers without a fraction; otherwise 1 decimal from 100 up, 2 from 1 up, and 4 below 1
    /// (ratios and latencies in seconds). Non-finite values print as `-`.
    public static func number(_ x: Double) -> String {
        number(x, decimals: decimals(for: x))
    }

    /// `x` with exactly `decimals` digits after the point; `-` when not finite.
    public static func number(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return "-" }
        return FixedDecimal.format(x, decimals: decimals)
    }

    /// The decimals ``number(_:)`` uses for `x`.
    public static func decimals(for x: Double) -> Int {
        guard x.isFinite else { return 0 }
        if x == x.rounded() && abs(x) < 1e15 { return 0 }
        let magnitude = abs(x)
        return magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 4
    }
}
