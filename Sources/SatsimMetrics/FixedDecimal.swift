/// Fixed-point decimal text for figures, independent of locale and of Foundation.
public enum FixedDecimal {
    /// `x` rounded to exactly `decimals` digits after the point (`fixed(2.5, 2)` is `2.50`).
    public static func format(_ x: Double, decimals: Int) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x < 0 ? "-inf" : "inf") }
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = (abs(x) * scale).rounded()
        guard scaled < 9e18 else { return "\(x)" }
        let whole = Int(scaled / scale)
        var text = (x < 0 && scaled > 0 ? "-" : "") + String(whole)
        if decimals > 0 {
            let digits = String(Int(scaled) - whole * Int(scale))
            text += "." + String(repeating: "0", count: decimals - digits.count) + digits
        }
        return text
    }
}
