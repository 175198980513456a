import SatsimModel

/// The story's one rule for a time in the run (``Format/clock(_:decimals:)``: the second it falls
/// in, or as many decimals as the run's boundaries need), for the other outputs that print one:
/// the progress line of `satsim run` prints the simulated time reached by the same rule, so that a
/// run stopped at 129.78 s is "2m09s" on the progress line as in the story ("The run stopped at
/// 2m09s"), where rounding printed "2m10s", a time the run never reached.
public enum StoryClock {
    /// The decimals a run's times are printed with: as many as its metrics interval and its
    /// duration need for every interval boundary and its end to print exactly (0 for whole
    /// seconds, 1 for a 500 ms interval or a 20.5 s duration, at most 3).
    public static func decimals(for spec: ScenarioSpec) -> Int {
        max(
            Format.clockDecimals(interval: spec.metricsInterval.nanoseconds),
            Format.clockDecimals(interval: spec.duration.nanoseconds))
    }

    /// `seconds` [s of simulated time] as the story prints a time: `59s`, `1m05s`, `9.5s`.
    public static func text(_ seconds: Double, decimals: Int = 0) -> String {
        Format.clock(seconds, decimals: decimals)
    }
}
