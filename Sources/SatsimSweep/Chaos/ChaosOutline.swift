import SatsimCore

/// What the outputs of `satsim chaos` need to know of a search besides its runs: the faults'
/// labels, `chaos.at`, the combination of every point and the run counts.
///
/// A search's results store records its plan's identity (``SweepPlan/identity``), and a chaos
/// plan's identity holds one line per candidate fault (`fault 0 LABEL at ATns+OFFSETns`), its
/// one column `faults`, and `common seeds`; ``init(layout:)`` reads the outline back from that,
/// so that `merge` can rank the shards of a search without the scenario file.
public struct ChaosOutline: Sendable, Hashable {
    public var scenario: String
    /// `chaos.at`: when the chosen faults start.
    public var at: SimTime
    /// Every candidate fault's label, by index (faults switched off included).
    public var labels: [String]
    /// `combinations[p]`: the fault indices of point p; `[]` for the baseline (point 0).
    public var combinations: [[Int]]
    public var replications: Int
    /// The scenario's `description` (``ResultsLayout/description``).
    public var description = ""

    public init(scenario: String, at: SimTime, labels: [String], combinations: [[Int]], replications: Int) {
        self.scenario = scenario
        self.at = at
        self.labels = labels
        self.combinations = combinations
        self.replications = replications
    }

    /// The runs of the whole search: the combinations and the baseline, x replications.
    public var runCount: Int { combinations.count * replications }

    /// The largest combination tried (1 when only single faults ran).
    public var largest: Int { combinations.map(\.count).max() ?? 1 }

    /// The identity line of fault `index` (``ChaosSearch`` writes it, ``init(layout:)`` reads it).
    static func faultLine(index: Int, label: String, at: SimTime, offset: SimTime) -> String {
        "fault \(index) \(label) at \(at.nanoseconds)ns+\(offset.nanoseconds)ns"
    }

    /// The outline of the search whose store has `layout`; nil when the store holds a sweep (not
    /// a chaos search's one `faults` column and common seeds), or when its identity cannot be
    /// read back as a search (a label with a line break in it).
    public init?(layout: ResultsLayout) {
        let lines = layout.identity.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard layout.columns == [ChaosSearch.column], lines.contains("common seeds") else { return nil }
        var labels: [String] = []
        var at: Int64?
        for line in lines where line.hasPrefix("fault ") {
            // `fault I LABEL at Ans+Bns`: the label may hold spaces, so the tail is read from the end.
            guard let tail = line.range(of: " at ", options: .backwards),
                  let plus = line[tail.upperBound...].firstIndex(of: "+") else { return nil }
            let head = line[line.index(line.startIndex, offsetBy: 6)..<tail.lowerBound]
            guard let space = head.firstIndex(of: " "), Int(head[..<space]) == labels.count,
                  line[..<plus].hasSuffix("ns"), let start = Int64(line[tail.upperBound..<plus].dropLast(2)) else { return nil }
            if let at, at != start { return nil }
            at = start
            labels.append(String(head[head.index(after: space)...]))
        }
        var combinations: [[Int]] = []
        for values in layout.points {
            guard let name = values.first else { return nil }
            if name == "baseline" {
                combinations.append([])
                continue
            }
            let faults = name.split(separator: "+").compactMap { Int($0) }
            // Ascending without repeats, as ``ChaosSearch`` names them: the ranking looks each
            // combination up by its faults, and a store changed by hand must not make it trap.
            guard faults.count == name.split(separator: "+").count, faults.allSatisfy(labels.indices.contains),
                  zip(faults, faults.dropFirst()).allSatisfy({ $0 < $1 }) else { return nil }
            combinations.append(faults)
        }
        guard let at, combinations.first == [], Set(combinations).count == combinations.count else { return nil }
        self.init(scenario: layout.scenario, at: SimTime(nanoseconds: at), labels: labels, combinations: combinations,
                  replications: layout.replications)
        description = layout.description
    }
}
