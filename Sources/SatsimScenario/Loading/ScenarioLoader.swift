import Foundation
import SatsimModel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads, overlays, decodes and validates scenario files: the entry point of this module.
///
/// The steps, each reporting every problem it can with its file position:
/// 1. read the text (missing file, not UTF-8, too big are diagnostics, not crashes);
/// 2. parse YAML into a positioned tree, refusing anchors, aliases, deep nesting, duplicated keys;
/// 3. apply the variant, then each override, as scalar replacements at their KEY.PATH;
/// 4. decode against ``ScenarioSchema`` (unknown keys with did-you-mean, types, ranges, defaults);
/// 5. validate across keys (names, call cycles, windows, `expect` figures), and check that every
///    variant, sweep value and timeline `set` applies and decodes;
/// 6. when `requireSupported`, refuse every key the model cannot simulate yet.
/// A scenario file's text read into its positioned YAML tree (``ScenarioLoader/readTree(text:file:)``).
public struct ScenarioTree: Sendable {
    let root: YAMLNode
    /// The file the text came from, as diagnostics name it.
    public let file: String
}

public enum ScenarioLoader {
    /// Files larger than this are refused before they are read (a scenario is a few kilobytes).
    public static let maximumFileSize = 1 << 20

    /// Loads the scenario at `file`.
    /// - Parameters:
    ///   - overrides: `--set PATH=VALUE` assignments, applied after the variant, in order.
    ///   - variant: the name of an entry of `variants` to apply.
    ///   - requireSupported: refuse keys whose behaviour the model does not simulate yet.
    ///   - eventBudget: refuse a file that certainly needs more counted events than this
    ///     (``EventFloor``), at the key that asks for the most; nil checks nothing. The commands
    ///     pass the default `--max-events` when the flag is not given, and nil when it is (the
    ///     user asked for a run that stops at the budget).
    /// - Throws: ``ScenarioError`` with every problem found.
    public static func load(
        file: String, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true,
        eventBudget: Int? = nil
    ) throws(ScenarioError) -> ScenarioSpec {
        let text = try readText(file)
        return try parse(text: text, file: file, overrides: overrides, variant: variant, requireSupported: requireSupported,
                         eventBudget: eventBudget)
    }

    /// Parses scenario text; `file` names it in diagnostics. See ``load(file:overrides:variant:requireSupported:)``.
    /// - Parameter checkingAlternatives: see ``parse(tree:overrides:variant:requireSupported:checkingAlternatives:eventBudget:)``.
    public static func parse(
        text: String, file: String, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true,
        checkingAlternatives: Bool = true, eventBudget: Int? = nil
    ) throws(ScenarioError) -> ScenarioSpec {
        try parse(tree: readTree(text: text, file: file), overrides: overrides, variant: variant, requireSupported: requireSupported,
                  checkingAlternatives: checkingAlternatives, eventBudget: eventBudget)
    }

    /// Reads scenario text into its YAML tree, once, for loading it many times (the points of a
    /// sweep): reading the text again for each point made a grid of n values written in the
    /// file take n^2 steps.
    public static func readTree(text: String, file: String) throws(ScenarioError) -> ScenarioTree {
        guard text.utf8.count <= maximumFileSize else {
            throw ScenarioError(Diagnostic(at: .start(of: file), path: "",
                "the text is \(text.utf8.count) bytes; a scenario may be at most \(maximumFileSize) bytes"))
        }
        guard let root = try YAMLReader(file: file).read(text) else {
            throw ScenarioError(Diagnostic(at: .start(of: file), path: "",
                "the file is empty; expected a mapping with name, description, duration, clients and services"))
        }
        return ScenarioTree(root: root, file: file)
    }

    /// Overlays, decodes and validates a tree made by ``readTree(text:file:)``.
    /// - Parameter checkingAlternatives: false skips checking each of the file's variants and
    ///   `sweep` values, and leaves the `sweep` block out (`spec.sweep` is nil), for the points of
    ///   a sweep whose file was loaded (and so checked) once already: checking every value again
    ///   for every point made a sweep of n values take n^2 decodes (300 values: 20 s in a debug
    ///   build). Timeline `set` events are checked either way.
    public static func parse(
        tree: ScenarioTree, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true,
        checkingAlternatives: Bool = true, eventBudget: Int? = nil
    ) throws(ScenarioError) -> ScenarioSpec {
        let file = tree.file
        var original = tree.root
        if !checkingAlternatives, let entries = original.entries {
            // A sweep's point runs; it does not sweep. Decoding the grid again for each of its
            // points held n values n times (5,000 values: 668 MB, 53 s).
            original.content = .mapping(entries.filter { $0.key != "sweep" })
        }
        var root = original
        var problems: [Diagnostic] = []
        if let variant {
            problems += applyVariant(named: variant, to: &root)
        }
        for (index, override) in overrides.enumerated() {
            let overlay = Overlay(
                path: override.path,
                value: override.node(at: SourcePosition(file: "--set", line: index + 1, column: override.path.count + 2)),
                pathPosition: SourcePosition(file: "--set", line: index + 1, column: 1))
            if let problem = overlay.apply(to: &root) { problems.append(problem) }
        }
        guard problems.isEmpty else { throw ScenarioError(diagnostics: problems) }

        let (decoded, positions) = try decodeAndValidate(root, file: file)
        var diagnostics: [Diagnostic] = []
        if let tooMuch = checkBudget(decoded, original: original, positions: positions, skipping: variant,
                                     alternatives: checkingAlternatives) {
            // Each check decodes the whole file: past the budget, refuse before doing any.
            throw ScenarioError(tooMuch)
        }
        diagnostics += checkOverlays(in: decoded, original: original, positions: positions, file: file,
                                     skipping: variant, requireSupported: requireSupported, alternatives: checkingAlternatives)
        var spec = decoded
        if diagnostics.isEmpty {
            let (resolved, problems) = resolveSettings(decoded, root: root, positions: positions, file: file)
            spec = resolved
            diagnostics += problems
        }
        if diagnostics.isEmpty {
            let (resolved, problems) = resolveChaosSettings(spec, root: root, positions: positions, file: file)
            spec = resolved
            diagnostics += problems
        }
        if requireSupported {
            for feature in ModelSupport.unsupportedFeatures(in: spec) {
                diagnostics.append(Diagnostic(
                    at: positions.key(feature.path), path: feature.path,
                    "not supported yet: this version does not simulate \(feature.feature)"))
            }
        }
        if diagnostics.isEmpty, let eventBudget,
           let tooMany = checkEventBudget(spec, budget: eventBudget, positions: positions,
                                          duration: durationOrigin(overrides: overrides, variant: variant, spec: spec, original: original)) {
            diagnostics.append(tooMany)
        }
        guard diagnostics.isEmpty else { throw ScenarioError(diagnostics: sorted(diagnostics)) }
        return spec
    }

    // MARK: - Steps

    /// Reads the scenario file at `file`, refusing at once anything that is not a regular file.
    ///
    /// A FIFO, a character device (a terminal, `/dev/zero`), a socket or a directory is refused
    /// with a diagnostic before anything blocks on it: the path is checked with `stat(2)`, then
    /// opened with `O_NONBLOCK` (so that a FIFO swapped in after the check cannot make `open`
    /// wait for a writer) and checked again with `fstat(2)` on the descriptor actually read.
    /// `/dev/stdin` follows the same rule: it is read when standard input is redirected from a
    /// regular file (`satsim validate /dev/stdin < scenario.yaml`), and refused when it is a pipe
    /// or a terminal, since a scenario is read whole and named in messages by its path.
    static func readText(_ file: String) throws(ScenarioError) -> String {
        let start = SourcePosition.start(of: file)
        func refuse(_ message: String, suggestion: String? = nil) -> ScenarioError {
            ScenarioError(Diagnostic(at: start, path: "", message, suggestion: suggestion))
        }
        let standardInput = ["/dev/stdin", "/dev/fd/0", "/proc/self/fd/0"].contains(file)
        func refuseKind(_ kind: String) -> ScenarioError {
            refuse(standardInput ? kind + " (standard input: redirect it from a file, < FILE, or give the file's path)" : kind)
        }
        guard !file.isEmpty else { throw refuse("no such file (the path is empty)") }
        var info = stat()
        guard stat(file, &info) == 0 else {
            switch errno {
            case ENOENT: throw refuse("no such file", suggestion: similarFile(to: file))
            case ENOTDIR: throw refuse("no such file (a part of the path is not a directory)", suggestion: similarFile(to: file))
            case EACCES: throw refuse("cannot be read: permission denied")
            default: throw refuse("cannot be read: \(String(cString: strerror(errno)))")
            }
        }
        if let kind = nonRegularKind(info.st_mode) { throw refuseKind(kind) }
        if Int(info.st_size) > maximumFileSize {
            throw refuse("the file is \(info.st_size) bytes; a scenario may be at most \(maximumFileSize) bytes")
        }
        let descriptor = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw refuse(errno == EACCES ? "cannot be read: permission denied"
                : "cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        guard fstat(descriptor, &info) == 0 else { throw refuse("cannot be read: \(String(cString: strerror(errno)))") }
        if let kind = nonRegularKind(info.st_mode) { throw refuseKind(kind) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while bytes.count <= maximumFileSize {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw refuse("cannot be read: \(String(cString: strerror(errno)))")
            }
            bytes += buffer[0..<count]
        }
        guard bytes.count <= maximumFileSize else {
            throw refuse("the file is larger than \(maximumFileSize) bytes")
        }
        return try decodeUTF8(bytes, file: file)
    }

    /// Why a file of mode `mode` cannot be a scenario; nil for a regular file.
    static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "is a directory, expected a scenario file"
        case S_IFIFO: return "is a FIFO (named pipe), expected a regular scenario file; satsim does not wait on pipes"
        case S_IFCHR: return "is a character device (such as a terminal), expected a regular scenario file"
        case S_IFBLK: return "is a block device, expected a regular scenario file"
        case S_IFSOCK: return "is a socket, expected a regular scenario file"
        default: return "is not a regular file, expected a scenario file"
        }
    }

    /// The text of `bytes`, or a diagnostic at the first byte that is not UTF-8.
    static func decodeUTF8(_ bytes: [UInt8], file: String) throws(ScenarioError) -> String {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0, line = 1, column = 1
        loop: while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                if encoded.count == 1 && encoded.first == UInt8(ascii: "\n") {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            case .emptyInput:
                break loop
            case .error:
                break loop
            }
        }
        let byte = offset < bytes.count ? bytes[offset] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        throw ScenarioError(Diagnostic(
            file: file, line: line, column: column, path: "",
            message: "the file is not UTF-8 text (byte 0x\(hex.count == 1 ? "0" + hex : hex) at offset \(offset))"))
    }

    static func applyVariant(named name: String, to root: inout YAMLNode) -> [Diagnostic] {
        let cli = SourcePosition(file: "--variant", line: 1, column: 1)
        let variants = root["variants"]?.entries ?? []
        guard let variant = variants.first(where: { $0.key == name }) else {
            let known = variants.map(\.key)
            let shown = Diagnostic.shown(name)
            let message = known.isEmpty ? "no variant named '\(shown)': the file defines no variants"
                : "no variant named '\(shown)' (the file defines " + Diagnostic.listed(known) + ")"
            return [Diagnostic(at: cli, path: "", message, suggestion: Suggestion.closest(to: name, in: known))]
        }
        guard let pairs = variant.value.entries else {
            return [Diagnostic(at: variant.value.position, path: "variants.\(name)",
                "found \(variant.value.foundDescription), expected a mapping of KEY.PATH to a value")]
        }
        var problems: [Diagnostic] = []
        for pair in pairs {
            // Anything but a scalar or a list of scalars is reported by the decoder.
            guard pair.value.scalar != nil || pair.value.items?.allSatisfy({ $0.scalar != nil && !$0.isNull }) == true else { continue }
            let overlay = Overlay(path: pair.key, value: pair.value, pathPosition: pair.keyPosition)
            if var problem = overlay.apply(to: &root) {
                problem.message += " (with variant '\(name)')"
                problems.append(problem)
            }
        }
        return problems
    }

    static func decodeAndValidate(_ root: YAMLNode, file: String) throws(ScenarioError) -> (ScenarioSpec, PositionIndex) {
        var decoder = SpecDecoder(file: file)
        let decoded = decoder.scenario(root)
        let references = ReferenceCheck(root: root).diagnostics()
        guard let spec = decoded, decoder.diagnostics.isEmpty else {
            throw ScenarioError(diagnostics: sorted(decoder.diagnostics + references))
        }
        var validator = ScenarioValidator(spec: spec, positions: decoder.positions)
        let problems = references + validator.validate()
        guard problems.isEmpty else { throw ScenarioError(diagnostics: sorted(problems)) }
        return (spec, decoder.positions)
    }

    /// Applies each variant, sweep value and timeline `set` to the file on its own and checks that
    /// the result decodes and validates, so a misspelt path or a mistyped value in them is caught
    /// by `validate`, not halfway through a sweep.
    static func checkOverlays(
        in spec: ScenarioSpec, original: YAMLNode, positions: PositionIndex, file: String, skipping selected: String?,
        requireSupported: Bool, alternatives: Bool = true
    ) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func check(_ overlays: [Overlay], context: String, in base: YAMLNode? = nil) {
            var root = base ?? original
            for overlay in overlays {
                if var problem = overlay.apply(to: &root) {
                    problem.message += " (\(context))"
                    problems.append(problem)
                    return
                }
            }
            do throws(ScenarioError) {
                let (changed, _) = try decodeAndValidate(root, file: file)
                if requireSupported {
                    let before = Set(ModelSupport.unsupportedFeatures(in: spec).map(\.path))
                    for feature in ModelSupport.unsupportedFeatures(in: changed) where !before.contains(feature.path) {
                        let at = overlays.first?.value.position ?? .start(of: file)
                        problems.append(Diagnostic(at: at, path: feature.path,
                            "not supported yet: this version does not simulate \(feature.feature) (\(context))"))
                    }
                }
            } catch {
                for var diagnostic in error.diagnostics {
                    diagnostic.message += " (\(context))"
                    problems.append(diagnostic)
                }
            }
        }
        for variant in spec.variants where alternatives && variant.name != selected {
            let base = "variants.\(variant.name)"
            let overlays = variant.overrides.map { override in
                let path = "\(base).\(override.path)"
                return Overlay(path: override.path, value: valueNode(original, path: path, text: override.value, positions),
                               pathPosition: positions.key(path))
            }
            check(overlays, context: "with variant '\(variant.name)'")
        }
        // A sweep value is checked against the file without its `sweep` block: the block does not
        // change with the value, and decoding all its values for each value made validation
        // quadratic in their number.
        var withoutSweep = original
        if let entries = original.entries { withoutSweep.content = .mapping(entries.filter { $0.key != "sweep" }) }
        for (path, values) in alternatives ? spec.sweep?.vary ?? [] : [] {
            let start = problems.count
            for (index, value) in values.enumerated() {
                let at = positions.value("sweep.vary.\(path).\(index)")
                let overlay = Overlay(path: path, value: YAMLNode(content: .scalar(value, quoted: false), position: at),
                                      pathPosition: positions.key("sweep.vary.\(path)"))
                check([overlay], context: "with sweep value \(value)", in: withoutSweep)
            }
            // A problem of the path itself (a misspelt key) is the same for every value: said
            // once, naming the values, not once per value.
            var merged: [(diagnostic: Diagnostic, values: [String])] = []
            for problem in problems[start...] {
                guard let value = values.first(where: { problem.message.hasSuffix(" (with sweep value \($0))") }) else {
                    merged.append((problem, []))
                    continue
                }
                var bare = problem
                bare.message = String(problem.message.dropLast(" (with sweep value \(value))".count))
                if let k = merged.firstIndex(where: { !$0.values.isEmpty && $0.diagnostic == bare }) {
                    merged[k].values.append(value)
                } else {
                    merged.append((bare, [value]))
                }
            }
            problems.removeSubrange(start...)
            for (diagnostic, with) in merged {
                var told = diagnostic
                if !with.isEmpty { told.message += " (with sweep value\(with.count == 1 ? "" : "s") \(with.joined(separator: ", ")))" }
                problems.append(told)
            }
        }
        // Timeline `set` events, then chaos `set` faults, each on its own.
        let sets: [(base: String, override: ScalarOverride)] =
            spec.timeline.enumerated().compactMap { index, event in
                guard case .set(let override) = event.action else { return nil }
                return ("timeline.\(index)", override)
            }
            + (spec.chaos?.faults ?? []).enumerated().compactMap { index, fault in
                guard case .set(let override) = fault.event.action else { return nil }
                return ("chaos.faults.\(index)", override)
            }
        for (base, override) in sets {
            let overlay = Overlay(path: override.path, value: valueNode(original, path: "\(base).value", text: override.value, positions),
                                  pathPosition: positions.value("\(base).path"))
            // A path that names a setting fixed for the run is refused by name, whatever its value
            // and whether or not the event is enabled (a variant or a sweep may enable it).
            // A top-level key of the format other than clients and services (`variants`, `expect`)
            // is refused by name too, though a path into it may not apply to this file ("variants:
            // is not in the file" said where, not why).
            var probe = original
            let top = override.path.split(separator: ".").first.map(String.init) ?? ""
            let fixedBlock = top != "clients" && top != "services" && ScenarioSchema.standard.root.keys.contains { $0.name == top }
            if fixedBlock || overlay.apply(to: &probe) == nil, case .refused(let why) = MidRunRule.rule(for: override.path) {
                problems.append(Diagnostic(at: positions.value("\(base).path"), path: "\(base).path",
                                           fixedForTheRun(override.path, why: why)))
                continue
            }
            if let refusal = Self.loopSwitch(override, in: spec) {
                problems.append(Diagnostic(at: positions.value("\(base).value"), path: "\(base).value", refusal))
                continue
            }
            check([overlay], context: "set by \(base)")
        }
        return problems
    }

    /// Why a `set` of `clients.NAME.arrival.process` cannot take effect mid-run: it would turn
    /// an open loop into a closed one or back (the users of a closed loop, and the rate of an
    /// open one, exist for the whole run), or nil when it swaps poisson and constant, or is no
    /// such path.
    static func loopSwitch(_ override: ScalarOverride, in spec: ScenarioSpec) -> String? {
        let parts = override.path.split(separator: ".").map(String.init)
        guard parts.count == 4, parts[0] == "clients", parts[2] == "arrival", parts[3] == "process",
              let client = spec.clients.first(where: { $0.name == parts[1] })
        else { return nil }
        let value = override.value.trimmingCharacters(in: .whitespaces)
        let toClosed = value == ArrivalProcess.closed.rawValue
        guard toClosed != client.arrival.isClosed, ArrivalProcess(rawValue: value) != nil else { return nil }
        return client.arrival.isClosed
            ? "found \(value), expected closed: \(client.name) is a closed loop for the whole run, and a `set` cannot make it "
                + "open; change clients.\(client.name).arrival.users or its think time instead"
            : "found closed, expected poisson or constant: \(client.name) is an open loop for the whole run, and a `set` "
                + "cannot make it closed; change clients.\(client.name).arrival.rate, or swap poisson and constant"
    }

    /// The scalar node written at `path` of the original tree (to keep its quoting and position).
    private static func valueNode(_ root: YAMLNode, path: String, text: String, _ positions: PositionIndex) -> YAMLNode {
        YAMLNode(content: .scalar(text, quoted: false), position: positions.value(path))
    }

    /// Unique diagnostics, grouped by file in order of first appearance, then by position.
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        var fileRank: [String: Int] = [:]
        for d in diagnostics where fileRank[d.file] == nil { fileRank[d.file] = fileRank.count }
        let unique = diagnostics.filter { seen.insert($0).inserted }
        let ordered = unique.enumerated().sorted { a, b in
            let x = a.element, y = b.element
            let keyA = (fileRank[x.file] ?? 0, x.line, x.column, a.offset)
            let keyB = (fileRank[y.file] ?? 0, y.line, y.column, b.offset)
            return keyA < keyB
        }.map(\.element)
        guard ordered.count > maximumDiagnostics, let last = ordered.last else { return ordered }
        var shown = Array(ordered.prefix(maximumDiagnostics))
        shown.append(Diagnostic(file: last.file, line: last.line, column: last.column, path: "",
                                message: "and at least \(ordered.count - maximumDiagnostics) more problems, not shown"))
        return shown
    }

    /// More than this many diagnostics are summarized in one last line.
    static let maximumDiagnostics = 100
}
