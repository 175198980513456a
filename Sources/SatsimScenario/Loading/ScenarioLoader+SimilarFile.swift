import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A did-you-mean for a scenario path that does not exist: `satsim run retry-strom.yaml` is
/// answered "no such file; did you mean 'retry-storm.yaml'?". Every command that reads a
/// scenario file (run, check, compare, explain, validate, sweep, chaos) reads it through
/// ``ScenarioLoader/readText(_:)``, so they all say the same thing.
extension ScenarioLoader {
    /// The folder of shipped scenarios, relative to the working directory.
    static let scenariosFolder = "Scenarios"
    /// How many entries of a folder are looked at, at most: a scenario path typed in a folder of
    /// a million files must not make the error slow.
    static let similarFileScanLimit = 10_000

    /// A scenario file with a name close to the missing `file`'s, as the user would type it: in
    /// the same folder first, then in `Scenarios/`. Names are compared without their `.yaml` or
    /// `.yml` extension, so `retry-storm` finds `retry-storm.yaml`; nil when none is close
    /// (``Suggestion/closest(to:in:)``'s limits).
    static func similarFile(to file: String) -> String? {
        let url = URL(fileURLWithPath: file)
        let name = url.lastPathComponent
        guard !name.isEmpty, !file.hasSuffix("/") else { return nil }
        // The folder as the user wrote it ("" for a bare name), so the suggestion is a path they
        // can paste into the same command.
        let slash = file.lastIndex(of: "/")
        let folder = slash.map { String(file[...$0]) } ?? ""
        if let match = closestScenario(to: name, inFolder: folder.isEmpty ? "." : folder) {
            return folder + match
        }
        let shipped = scenariosFolder + "/"
        guard folder != shipped, folder != "./" + shipped else { return nil }
        return closestScenario(to: name, inFolder: scenariosFolder).map { shipped + $0 }
    }

    /// The scenario file of `folder` whose name is closest to `name` (nil when the folder cannot
    /// be listed or none is close).
    static func closestScenario(to name: String, inFolder folder: String) -> String? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        var byStem: [String: String] = [:]
        for entry in entries.prefix(similarFileScanLimit) {
            guard let stem = scenarioStem(entry) else { continue }
            var info = stat()
            // Only regular files: a folder named like the scenario is not one.
            guard stat(folder + "/" + entry, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
            // "x.yaml" wins over "x.yml" for the same stem, whichever the folder lists first.
            if byStem[stem] == nil || entry.hasSuffix(".yaml") { byStem[stem] = entry }
        }
        let typed = scenarioStem(name) ?? name
        if let same = byStem[typed] { return same }
        return Suggestion.closest(to: typed, in: byStem.keys.sorted()).flatMap { byStem[$0] }
    }

    /// `retry-storm` for `retry-storm.yaml` or `retry-storm.yml`; nil for any other file.
    static func scenarioStem(_ name: String) -> String? {
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) && name.count > suffix.count {
            return String(name.dropLast(suffix.count))
        }
        return nil
    }
}
