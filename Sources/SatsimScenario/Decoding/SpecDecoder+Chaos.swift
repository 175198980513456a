import SatsimCore
import SatsimMetrics
import SatsimModel

extension SpecDecoder {
    /// `chaos`: its faults decoded as timeline events (shape FAULT), labels made or checked
    /// unique. `max_together` may exceed the number of faults (the search stops at all of them). Windows and names are
    /// checked by ``ScenarioValidator`` and ``ReferenceCheck``, as for `timeline`.
    mutating func chaos(_ top: Fields) -> ChaosSpec? {
        guard let c = nested(top, "chaos", shape: "chaos") else { return nil }
        let before = diagnostics.count
        let at = duration(c, "at")
        let maxTogether = integer(c, "max_together")
        let replications = integer(c, "replications")
        let items = list(c, "faults")
        // `faults:` with nothing after it is null, not a list: it was taken for no faults, and the
        // search ran the baseline alone.
        if let entry = c.entries["faults"], entry.value.items?.isEmpty == true || entry.value.isNull {
            error(entry.value.position, "chaos.faults",
                  "found \(entry.value.isNull ? "nothing" : "an empty list"), expected at least one candidate fault")
        }
        var faults: [ChaosFaultSpec] = []
        var labels: [String: Int] = [:]
        var shownLabels: [String: Int] = [:]
        for (index, item) in items.enumerated() {
            let path = "chaos.faults.\(index)"
            guard let event = self.event(item, path, shape: "FAULT") else { continue }
            var label = Self.defaultLabel(event.action)
            if let f = item.entries, let entry = f.first(where: { $0.key == "label" }) {
                if let text = entry.value.scalar, !entry.value.isNull, !text.isEmpty {
                    label = text
                    // A label names its fault on one line: in the ranking's table and in the
                    // results store's plan (a line per fault), where a line break made `merge`
                    // read a chaos search back as a sweep and write a sweep's outputs.
                    if text.contains(where: \.isNewline) {
                        error(entry.value.position, "\(path).label",
                              "found a label of \(text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).count) lines, "
                              + "expected a label on one line, such as '\(text.split(whereSeparator: \.isNewline).joined(separator: " ").prefix(60))'")
                        continue
                    }
                } else {
                    error(entry.value.position, "\(path).label", "found \(entry.value.foundDescription), expected a name for the fault")
                    continue
                }
                if let first = labels[label] {
                    error(entry.value.position, "\(path).label",
                          "found '\(label)', already the label of chaos.faults.\(first); expected a label of its own")
                    continue
                }
                // Two labels that differ only by a control character print the same once it is
                // escaped ("a\u{1}" written out, and 'a' followed by U+0001): the ranking on
                // the terminal could not tell them apart.
                if let first = shownLabels[TerminalText.inline(label)] {
                    error(entry.value.position, "\(path).label",
                          "found '\(Diagnostic.shown(label))', which prints as the label of chaos.faults.\(first) does once its control characters are escaped; expected a label of its own")
                    continue
                }
            } else if labels[label] != nil {
                // Two unlabelled faults of the same kind and target: number them so outputs tell them apart.
                label += " (\(index))"
            }
            labels[label] = index
            shownLabels[TerminalText.inline(label)] = index
            faults.append(ChaosFaultSpec(label: label, event: event))
        }
        // A max_together above the number of faults is taken as "up to all of them", not refused:
        // the contract defines it as "combinations of 1..max_together faults", and there are no
        // combinations larger than the list, so the search is the same. `--max-together` has always
        // been read this way, and so are faults switched off by `enabled: false`: one rule for all three.
        guard diagnostics.count == before, let at, let maxTogether, let replications else { return nil }
        return ChaosSpec(faults: faults, at: at, maxTogether: maxTogether, replications: replications)
    }

    /// `kill api`, `load_spike users`: the kind and the component it acts on.
    static func defaultLabel(_ action: TimelineAction) -> String {
        switch action {
        case .loadSpike(let client, _): return "load_spike \(client)"
        case .latency(let s, _), .errors(let s, _), .outage(let s, _), .kill(let s, _), .cacheFlush(let s), .pause(let s, _),
             .scale(let s, _), .deploy(let s, _, _):
            return "\(action.kindName) \(s)"
        case .set(let o): return "set \(o.path)"
        }
    }
}
