/// The colours of the charts: the Okabe-Ito palette, distinguishable with the common forms of
/// colour blindness, restricted to the hues that keep their contrast on white when projected.
/// Series also differ by dash pattern where two could be confused, and every one is named in a
/// legend, so no reading depends on colour alone.
public enum ChartColor: String, Sendable, Hashable, CaseIterable {
    /// #0072B2: the series the chart is about (goodput, utilization, mean latency).
    case blue = "#0072B2"
    /// #D55E00: what hurts (attempts beyond requests, p99 latency, wasted work).
    case vermillion = "#D55E00"
    /// #009E73.
    case green = "#009E73"
    /// #CC79A7.
    case purple = "#CC79A7"
    /// #E69F00: also the tint of fault windows.
    case orange = "#E69F00"
    /// #1A1A1A: reference series such as offered load, drawn dashed.
    case black = "#1A1A1A"

    /// The hex colour, `#RRGGBB`.
    public var hex: String { rawValue }
}
