/// The colours of the charts: the Okabe-Ito palette (Okabe & Ito, "Color Universal Design",
/// 2008), distinguishable with the common forms of colour blindness. Each colour has one meaning
/// in every chart, named by its case, so a colour read in one chart reads the same in the next:
///
/// | colour                  | meaning                  | drawn for                                        |
/// |-------------------------|--------------------------|--------------------------------------------------|
/// | black `#000000`         | demand and references    | requests offered (dashed), baselines (dotted)    |
/// | blue `#0072B2`          | useful work              | successes (goodput), useful completions          |
/// | vermillion `#D55E00`    | self-inflicted load      | attempts sent with retries, wasted completions   |
/// | reddish purple `#CC79A7`| work turned away         | rejected (solid), dropped from a queue (dashed)  |
/// | sky blue `#56B4E9`      | waiting                  | latency p99 (solid) and mean (dashed), queue     |
/// | bluish green `#009E73`  | capacity                 | serving instances, utilization                   |
/// | orange `#E69F00`        | the timeline's faults    | fault bands only                                 |
///
/// Yellow, the eighth colour, is left out: it has too little contrast on white. Series of one
/// meaning in one panel differ by dash pattern, and every one is named in a legend, so no reading
/// depends on colour alone.
public enum ChartColor: String, Sendable, Hashable, CaseIterable {
    /// Demand and references: requests offered, baselines.
    case demand = "#000000"
    /// Useful work: successes (goodput), completions whose caller still waited.
    case useful = "#0072B2"
    /// Load the system makes for itself: attempts sent including retries, wasted completions.
    case waste = "#D55E00"
    /// Work turned away: rejected at once, dropped from a queue before service.
    case turnedAway = "#CC79A7"
    /// Waiting: latency and queue length.
    case waiting = "#56B4E9"
    /// Capacity: serving instances, the share of workers busy.
    case capacity = "#009E73"
    /// The timeline's faults (bands and their tint); never a series.
    case fault = "#E69F00"

    /// The hex colour, `#RRGGBB`.
    public var hex: String { rawValue }
}
