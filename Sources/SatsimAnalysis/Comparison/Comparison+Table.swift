import SatsimMetrics

extension Comparison {
    /// The side-by-side table `satsim compare` prints: one row per figure, one column per variant,
    /// each cell `mean ± half-width` of the 95% confidence interval, marked `*` when the interval of
    /// the paired difference from the base excludes 0 (the outcome counts: when McNemar's mid-p
    /// test of the paired runs is below 0.05, ``McNemarTest``). Runs that stopped at a limit are counted in
    /// their own row and listed below the table.
    public var table: String {
        let level = FigureText.number(self.level * 100, decimals: 0) + "%"
        let lastSeed = baseSeed &+ UInt64(max(replications - 1, 0))
        let others = variants.count - 1
        var out = "\(scenario): \(Self.baseName)"
        out += others == 0 ? " only (no variant to compare)" : " and \(others) variant\(others == 1 ? "" : "s")"
        out += ", \(replications) replication\(replications == 1 ? "" : "s") each"
        out += replications == 1 ? " (seed \(baseSeed))\n" : " (seeds \(baseSeed) to \(lastSeed), the same in every column)\n"
        if replications > 1 {
            out += "mean ± half-width of the \(level) confidence interval\n* differs from \(Self.baseName): "
            out += "the \(level) interval of the difference, paired by replication, excludes 0 "
                + "(outcomes: McNemar's test of the paired runs, mid-p below \(FigureText.number((1 - self.level), decimals: 2)))\n"
            out += Self.outcomeYardstick + "\n\n"
        } else {
            // One run gives no interval: say so rather than a legend nothing in the table follows.
            out += "one run per column: no confidence interval, and no difference marked (--replications 2 or more gives both)\n"
            out += Self.outcomeYardstick + "\n\n"
        }

        var rows: [[String]] = [["figure"] + variants]
        rows.append(["outcome"] + variants.indices.map { v in
            let counts = outcomeCounts(variant: v).map { "\($0.outcome) \($0.count)" }.joined(separator: ", ")
            return counts + mark(outcomesDiffer(variant: v))
        })
        for row in figureRows {
            rows.append([row.path] + row.cells.map { cell($0) + mark($0.differsFromBase) })
        }
        rows.append(["stopped at a limit"] + runs.map { "\($0.filter { $0.limit != nil }.count)" + mark(false) })
        out += Self.align(rows)

        let limited = limitedRuns
        if !limited.isEmpty {
            out += "\nruns that stopped at a limit (their figures are partial):\n"
            for (v, r, run) in limited {
                out += "  \(variants[v]), replication \(r) (seed \(run.seed)): \(run.limit ?? "")\n"
            }
        }
        return out
    }

    private func cell(_ cell: Cell) -> String { Self.cellText(cell.interval, replications: replications) }

    /// A cell of the table, for the text output and report.html alike: `mean ± half-width`,
    /// `mean` alone from one run, `-` without a value; `(k of n)` when only some runs have one (a
    /// recovery time when not every run recovered).
    ///
    /// The decimals are chosen on the figure as summary.json holds it (seconds, ratios), as the
    /// text table shows it; a figure shown in a smaller unit (`scale` a power of ten: 100 for a
    /// percentage, 1000 for milliseconds) keeps the same significant digits, its decimal point
    /// moved: `0.3043 ± 0.0219` is `30.43 ± 2.19` percent, `0.2341` s is `234.1` ms.
    public static func cellText(_ interval: MeanInterval?, replications: Int, scale: Double = 1) -> String {
        guard let interval else { return "- (0 of \(replications))" }
        var shift = 0
        var rest = scale
        while rest >= 10 {
            rest /= 10
            shift += 1
        }
        var text: String
        if let halfWidth = interval.halfWidth, halfWidth.isFinite {
            let decimals = max(FigureText.decimals(for: interval.mean), halfWidth == 0 ? 0 : FigureText.decimals(for: halfWidth))
            let shown = max(0, decimals - shift)
            text = FigureText.number(interval.mean * scale, decimals: shown) + " ± " + FigureText.number(halfWidth * scale, decimals: shown)
        } else {
            text = FigureText.number(interval.mean * scale, decimals: max(0, FigureText.decimals(for: interval.mean) - shift))
        }
        if interval.count < replications { text += " (\(interval.count) of \(replications))" }
        return text
    }

    private func mark(_ differs: Bool) -> String { differs ? " *" : "  " }

    private static func align(_ rows: [[String]]) -> String { TextTable.render(rows) }

    /// What an outcome is judged against: power_of_two, better than the base on every figure
    /// (p99 0.12 s against 1.0 s), read "degraded 4" beside the base's "stable 5", held to 3x its
    /// own 0.12 s baseline where the base was held to 3x its 1.3 s.
    public static let outcomeYardstick =
        "outcomes: each run is judged against its own baseline (by default its latency bound is 3x its own p99 before the first fault), so a column with a faster baseline is held to a tighter bound"
}
