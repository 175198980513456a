/// Checks, on the node tree, that every client and service a scenario names exists (a fault's
/// `caller` included).
///
/// It runs on the tree rather than on the decoded spec so that a misspelt name is reported in
/// the same pass as type errors elsewhere in the file (the spec exists only when everything
/// decoded). Values that are not scalars are left to the decoder.
struct ReferenceCheck {
    let root: YAMLNode

    func diagnostics() -> [Diagnostic] {
        guard let clients = root["clients"]?.entries, let services = root["services"]?.entries else { return [] }
        let clientNames = clients.map(\.key)
        let serviceNames = services.map(\.key)
        var found: [Diagnostic] = []

        func check(_ node: YAMLNode?, kind: String, among names: [String], path: String) {
            guard let node, let name = node.scalar, !node.isNull, !names.contains(name) else { return }
            let suggestion = Suggestion.closest(to: name, in: names)
            // With nothing close to suggest, the names there are (as an unknown key lists its keys).
            let expected = suggestion == nil && !names.isEmpty ? "; expected one of " + Diagnostic.listed(names.map { Diagnostic.shown($0) }) : ""
            found.append(Diagnostic(at: node.position, path: path, "no \(kind) named '\(Diagnostic.shown(name))'" + expected,
                                    suggestion: suggestion))
        }

        for client in clients {
            check(client.value["target"], kind: "service", among: serviceNames, path: "clients.\(client.key).target")
        }
        for service in services {
            for (index, call) in (service.value["calls"]?.items ?? []).enumerated() {
                check(call["service"], kind: "service", among: serviceNames, path: "services.\(service.key).calls.\(index).service")
            }
        }
        let events = (root["timeline"]?.items ?? []).enumerated().map { ("timeline.\($0)", $1) }
            + (root["chaos"]?["faults"]?.items ?? []).enumerated().map { ("chaos.faults.\($0)", $1) }
        for (path, event) in events {
            if event["kind"]?.scalar == "load_spike" {
                check(event["client"], kind: "client", among: clientNames, path: "\(path).client")
            } else {
                check(event["service"], kind: "service", among: serviceNames, path: "\(path).service")
            }
            // A `caller` that names no service matched no edge and widened the fault to every
            // caller: a misspelt edge must not turn a one-edge experiment into an outage of all.
            if let caller = event["caller"], let name = caller.scalar, !caller.isNull, !serviceNames.contains(name),
               clientNames.contains(name) {
                found.append(Diagnostic(
                    at: caller.position, path: "\(path).caller",
                    "found the client '\(Diagnostic.shown(name))', expected a service: `caller` names the service whose calls the fault reaches (a client's own attempts are reached without `caller`)",
                    suggestion: Self.callerFor(client: name, faulting: event["service"]?.scalar, in: clients, services: serviceNames)))
            } else {
                check(event["caller"], kind: "service", among: serviceNames, path: "\(path).caller")
            }
        }
        return found
    }

    /// For a `caller` that names a client: the service that client sends to, the edge its
    /// requests most likely take to the faulty service (none when that is the faulty service
    /// itself, which is reached without `caller`).
    static func callerFor(client: String, faulting target: String?, in clients: [YAMLEntry], services: [String]) -> String? {
        guard let sent = clients.first(where: { $0.key == client })?.value["target"]?.scalar,
              services.contains(sent), sent != target else { return nil }
        return sent
    }
}
