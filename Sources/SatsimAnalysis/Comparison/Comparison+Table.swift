import SatsimMetrics

extension Comparison {
    /// The side-by-side table `satsim compare` prints: one row per figure, one column per variant,
    /// each cell `mean ± half-width` of the 95% confidence interval, marked `*` when the interval of
    /// the paired difference from the base excludes 0. Runs that stopped at a limit are counted in
    /// their own row and listed below the table.
    public var table: String {
        let level = FigureText.number(self.level * 100, decimals: 0) + "%"
        let lastSeed = baseSeed &+ UInt64(max(replications - 1, 0))
        let others = variants.count - 1
        var out = "\(scenario): \(Self.baseName)"
        out += others == 0 ? " only (no variant to compare)" : " and \(others) variant\(others == 1 ? "" : "s")"
        out += ", \(replications) replication\(replications == 1 ? "" : "s") each"
        out += replications == 1 ? " (seed \(baseSeed))\n" : " (seeds \(baseSeed) to \(lastSeed), the same in every column)\n"
        out += "mean ± half-width of the \(level) confidence interval\n* differs from \(Self.baseName): "
        out += "the \(level) interval of the difference, paired by replication, excludes 0\n\n"

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

    /// `mean ± half-width`, `mean` alone from one run, `-` without a value; `(k of n)` when only
    /// some runs have one (a recovery time when not every run recovered).
    private func cell(_ cell: Cell) -> String {
        guard let interval = cell.interval else { return "- (0 of \(replications))" }
        var text: String
        if let halfWidth = interval.halfWidth, halfWidth.isFinite {
            let decimals = max(FigureText.decimals(for: interval.mean), halfWidth == 0 ? 0 : FigureText.decimals(for: halfWidth))
            text = FigureText.number(interval.mean, decimals: decimals) + " ± " + FigureText.number(halfWidth, decimals: decimals)
        } else {
            text = FigureText.number(interval.mean)
        }
        if interval.count < replications { text += " (\(interval.count) of \(replications))" }
        return text
    }

    private func mark(_ differs: Bool) -> String { differs ? " *" : "  " }

    private static func align(_ rows: [[String]]) -> String { TextTable.render(rows) }
}
