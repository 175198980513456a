import Foundation
import SatsimModel

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
public enum ScenarioLoader {
    /// Files larger than this are refused before they are read (a scenario is a few kilobytes).
    public static let maximumFileSize = 1 << 20

    /// Loads the scenario at `file`.
    /// - Parameters:
    ///   - overrides: `--set PATH=VALUE` assignments, applied after the variant, in order.
    ///   - variant: the name of an entry of `variants` to apply.
    ///   - requireSupported: refuse keys whose behaviour the model does not simulate yet.
    /// - Throws: ``ScenarioError`` with every problem found.
    public static func load(
        file: String, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true
    ) throws(ScenarioError) -> ScenarioSpec {
        let text = try readText(file)
        return try parse(text: text, file: file, overrides: overrides, variant: variant, requireSupported: requireSupported)
    }

    /// Parses scenario text; `file` names it in diagnostics. See ``load(file:overrides:variant:requireSupported:)``.
    public static func parse(
        text: String, file: String, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true
    ) throws(ScenarioError) -> ScenarioSpec {
        guard text.utf8.count <= maximumFileSize else {
            throw ScenarioError(Diagnostic(at: .start(of: file), path: "",
                "the text is \(text.utf8.count) bytes; a scenario may be at most \(maximumFileSize) bytes"))
        }
        guard let original = try YAMLReader(file: file).read(text) else {
            throw ScenarioError(Diagnostic(at: .start(of: file), path: "",
                "the file is empty; expected a mapping with name, description, duration, clients and services"))
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

        let (spec, positions) = try decodeAndValidate(root, file: file)
        var diagnostics: [Diagnostic] = []
        diagnostics += checkOverlays(in: spec, original: original, positions: positions, file: file,
                                     skipping: variant, requireSupported: requireSupported)
        if requireSupported {
            for feature in ModelSupport.unsupportedFeatures(in: spec) {
                diagnostics.append(Diagnostic(
                    at: positions.key(feature.path), path: feature.path,
                    "not supported yet: this version does not simulate \(feature.feature)"))
            }
        }
        guard diagnostics.isEmpty else { throw ScenarioError(diagnostics: sorted(diagnostics)) }
        return spec
    }

    // MARK: - Steps

    static func readText(_ file: String) throws(ScenarioError) -> String {
        let start = SourcePosition.start(of: file)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            throw ScenarioError(Diagnostic(at: start, path: "", "no such file"))
        }
        guard !isDirectory.boolValue else {
            throw ScenarioError(Diagnostic(at: start, path: "", "is a directory, expected a scenario file"))
        }
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? NSNumber,
            size.intValue > maximumFileSize
        {
            throw ScenarioError(Diagnostic(at: start, path: "",
                "the file is \(size.intValue) bytes; a scenario may be at most \(maximumFileSize) bytes"))
        }
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw ScenarioError(Diagnostic(at: start, path: "", "cannot be read (permission denied?)"))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maximumFileSize + 1)) ?? Data()
        guard data.count <= maximumFileSize else {
            throw ScenarioError(Diagnostic(at: start, path: "", "the file is larger than \(maximumFileSize) bytes"))
        }
        return try decodeUTF8(Array(data), file: file)
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
            let message = known.isEmpty ? "no variant named '\(name)': the file defines no variants"
                : "no variant named '\(name)' (the file defines " + known.joined(separator: ", ") + ")"
            return [Diagnostic(at: cli, path: "", message, suggestion: Suggestion.closest(to: name, in: known))]
        }
        guard let pairs = variant.value.entries else {
            return [Diagnostic(at: variant.value.position, path: "variants.\(name)",
                "found \(variant.value.foundDescription), expected a mapping of KEY.PATH to a value")]
        }
        var problems: [Diagnostic] = []
        for pair in pairs {
            guard pair.value.scalar != nil else { continue }  // reported by the decoder
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
        requireSupported: Bool
    ) -> [Diagnostic] {
        var problems: [Diagnostic] = []
        func check(_ overlays: [Overlay], context: String) {
            var root = original
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
        for variant in spec.variants where variant.name != selected {
            let base = "variants.\(variant.name)"
            let overlays = variant.overrides.map { override in
                let path = "\(base).\(override.path)"
                return Overlay(path: override.path, value: valueNode(original, path: path, text: override.value, positions),
                               pathPosition: positions.key(path))
            }
            check(overlays, context: "with variant '\(variant.name)'")
        }
        for (path, values) in spec.sweep?.vary ?? [] {
            for (index, value) in values.enumerated() {
                let at = positions.value("sweep.vary.\(path).\(index)")
                let overlay = Overlay(path: path, value: YAMLNode(content: .scalar(value, quoted: false), position: at),
                                      pathPosition: positions.key("sweep.vary.\(path)"))
                check([overlay], context: "with sweep value \(value)")
            }
        }
        for (index, event) in spec.timeline.enumerated() {
            guard case .set(let override) = event.action else { continue }
            let base = "timeline.\(index)"
            let overlay = Overlay(path: override.path, value: valueNode(original, path: "\(base).value", text: override.value, positions),
                                  pathPosition: positions.value("\(base).path"))
            check([overlay], context: "set by \(base)")
        }
        return problems
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
