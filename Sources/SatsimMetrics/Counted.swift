/// "1 point", "2 points": a count and its noun, for the lines a command prints about plans and
/// runs ("1 points x 1 replications = 1 runs" read as a slip).
public enum Counted {
    /// `count` and `singular`, or `plural` (default: `singular` + "s") unless `count` is 1.
    public static func text(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) " + noun(count, singular, plural)
    }

    /// The noun that agrees with `count`: `singular` for 1, else `plural` (default `singular` + "s").
    public static func noun(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        count == 1 ? singular : plural ?? singular + "s"
    }

    /// A large count (a population, a number of events) in plain digits, or "more than 10^15"
    /// beyond what they show exactly: one way for diagnostics and run limits to write one.
    public static func digits(_ x: Double, rounding: FloatingPointRoundingRule = .toNearestOrAwayFromZero) -> String {
        x < 1e15 ? String(Int64(x.rounded(rounding))) : "more than 10^15"
    }

    /// An estimate of a count: "about N", or "more than 10^15" (never "about more than").
    public static func approximately(_ x: Double) -> String {
        x < 1e15 ? "about " + digits(x) : digits(x)
    }

    /// "P points x R replications", the size of a grid.
    public static func grid(points: Int, replications: Int) -> String {
        text(points, "point") + " x " + text(replications, "replication")
    }
}
