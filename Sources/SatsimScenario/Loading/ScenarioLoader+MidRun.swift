import SatsimModel

extension ScenarioLoader {
    /// The refusal of a timeline `set` (or a chaos `set` fault) on `path`, a key of the format
    /// that is fixed for the whole run (``MidRunRule``): it says that the key exists but cannot
    /// change mid-run, why, and which keys can. The rule's reason alone ("a cache's size and
    /// lifetime are fixed") left the user to guess what a `set` may change instead.
    static func fixedForTheRun(_ path: String, why: String) -> String {
        let parts = path.split(separator: ".").map(String.init)
        guard parts.count >= 3, parts[0] == "clients" || parts[0] == "services" else {
            let top = parts.first ?? path
            let fixed = ["clients", "services"].flatMap { block in
                changeable(block: block).fixed.map { "\(block).NAME.\($0)" }
            }
            return "cannot change \(path) mid-run: `\(top)` is a key of the file, but it holds for the whole run. "
                + "Only clients.* and services.* settings can change mid-run (clients.NAME.KEY, services.NAME.KEY)"
                + (fixed.isEmpty ? "" : ", all but " + Self.and(fixed))
        }
        let owner = "\(parts[0]).\(parts[1])"
        return "cannot change \(path) mid-run: the key exists, but it is fixed for the whole run: \(why). "
            + "A timeline `set` can change these keys of \(owner): " + Self.and(changeable(block: parts[0]).keys)
    }

    /// `a, b and c`.
    private static func and(_ names: [String]) -> String {
        names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + (names.last ?? "")
    }

    /// The keys of a client (`block` "clients") or a service ("services") that a `set` can
    /// change mid-run, in schema order: a block whose every key can change is named whole
    /// (`retry`), one with fixed keys by its other keys (`arrival.rate`); and the fixed ones.
    static func changeable(block: String) -> (keys: [String], fixed: [String]) {
        let schema = ScenarioSchema.standard
        guard let shape = schema.shape(block == "clients" ? "CLIENT" : "SERVICE") else { return ([], []) }
        var keys: [String] = [], fixed: [String] = []
        func applies(_ key: String) -> Bool {
            if case .applies = MidRunRule.rule(for: "\(block).NAME.\(key)") { return true }
            return false
        }
        for key in shape.keys {
            var type = key.type
            while case .named(_, let inner) = type { type = inner }
            let children: [String]
            if case .object(let name) = type, let inner = schema.shape(name) {
                var seen: Set<String> = []
                children = (inner.keys + inner.cases.flatMap(\.keys)).map(\.name).filter { seen.insert($0).inserted }
            } else {
                children = []
            }
            let refused = children.filter { !applies("\(key.name).\($0)") }
            if refused.isEmpty {
                if applies(key.name) { keys.append(key.name) } else { fixed.append(key.name) }
            } else {
                keys += children.filter { applies("\(key.name).\($0)") }.map { "\(key.name).\($0)" }
                fixed += refused.map { "\(key.name).\($0)" }
            }
        }
        return (keys, fixed)
    }
}
