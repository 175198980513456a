import SatsimCore
import SatsimModel

extension SpecDecoder {
    /// The whole scenario, or nil when any problem was recorded.
    mutating func scenario(_ root: YAMLNode) -> ScenarioSpec? {
        let before = diagnostics.count
        guard let top = fields(root, "", shape: "scenario") else { return nil }
        let name = text(top, "name")
        var description = text(top, "description")
        if let text = description {
            // A folded block (`>`) ends with a newline that is not part of the paragraph.
            var trimmed = Substring(text)
            while let last = trimmed.last, last.isWhitespace { trimmed = trimmed.dropLast() }
            description = String(trimmed)
            if trimmed.isEmpty, let entry = top.entries["description"] {
                error(entry.value.position, "description", "found empty text, expected one paragraph for the reader of the report")
            }
        }
        let duration = self.duration(top, "duration")
        let warmup = self.duration(top, "warmup")
        var seed: UInt64?
        if case .seed(let s)? = value(top, "seed") { seed = s }
        var interval = SimTime(seconds: 1)
        if let metrics = nested(top, "metrics", shape: "metrics") {
            interval = self.duration(metrics, "interval") ?? interval
        }

        var clients: [ClientSpec] = []
        let clientEntries = namedEntries(top, "clients")
        if top.has("clients") && clientEntries.isEmpty, let entry = top.entries["clients"], entry.value.entries != nil {
            error(entry.value.position, "clients", "found an empty mapping, expected at least one client")
        }
        for entry in clientEntries {
            if let client = self.client(entry) { clients.append(client) }
        }
        var services: [ServiceSpec] = []
        let serviceEntries = namedEntries(top, "services")
        if top.has("services") && serviceEntries.isEmpty, let entry = top.entries["services"], entry.value.entries != nil {
            error(entry.value.position, "services", "found an empty mapping, expected at least one service")
        }
        for entry in serviceEntries {
            if let service = self.service(entry) { services.append(service) }
        }
        var timeline: [TimelineEventSpec] = []
        for (index, item) in list(top, "timeline").enumerated() {
            if let event = self.event(item, "timeline.\(index)") { timeline.append(event) }
        }
        let variants = self.variants(top)
        let sweep = self.sweep(top)
        let expectations = self.expectations(top)
        let variantExpectations = self.variantExpectations(top)
        let slo = self.slo(top)
        let chaos = self.chaos(top)

        guard diagnostics.count == before, let name, let description, let duration, let warmup, let seed else {
            return nil
        }
        return ScenarioSpec(
            name: name, description: description, duration: duration, warmup: warmup, seed: seed,
            metricsInterval: interval, clients: clients, services: services, timeline: timeline,
            variants: variants, sweep: sweep, expectations: expectations, slo: slo,
            variantExpectations: variantExpectations, chaos: chaos)
    }

    /// `slo`: each key optional, each replacing only its own default bound.
    mutating func slo(_ top: Fields) -> SLOSpec? {
        guard let slo = nested(top, "slo", shape: "slo") else { return nil }
        return SLOSpec(successRatio: number(slo, "success_ratio"), latencyP99: duration(slo, "latency_p99"))
    }

    /// The longest client, service or variant name [characters]: names head table columns and
    /// chart legends.
    static let maximumNameLength = 100

    /// Records the position of a user-chosen name and checks its spelling.
    mutating func componentName(_ entry: YAMLEntry, _ path: String) {
        positions.record(path, key: entry.keyPosition, value: entry.value.position)
        let spelled = !entry.key.isEmpty
            && entry.key.unicodeScalars.allSatisfy {
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_"
            }
        if !spelled {
            error(entry.keyPosition, path, "found the name '\(entry.key)', expected a name of lowercase letters, digits, '-' and '_'")
        } else if entry.key.count > Self.maximumNameLength {
            // Said apart: a long name of the right letters was told it had the wrong letters.
            error(entry.keyPosition, path,
                "found a name of \(entry.key.count) characters ('\(entry.key.prefix(20))...'), expected at most \(Self.maximumNameLength)")
        }
    }
}
