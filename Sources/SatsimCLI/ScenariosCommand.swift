import ArgumentParser
import Foundation
import SatsimMetrics
import SatsimScenario
import SatsimSweep

/// `satsim scenarios`: the shipped teaching library, with descriptions.
public struct ScenariosCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "scenarios",
        abstract: "List the shipped scenarios with their descriptions."
    )

    @Option(help: "The folder to list (default: ./Scenarios, or SATSIM_SCENARIOS).")
    var directory: String?

    public init() {}

    public func run() throws {
        let folder = directory ?? ProcessInfo.processInfo.environment["SATSIM_SCENARIOS"] ?? "Scenarios"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            Console.error("error: no scenario folder at \(TerminalText.inline(folder)); pass --directory")
            throw ExitCode(2)
        }
        var bad = false
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let spec = try ScenarioLoader.load(file: path, requireSupported: false)
                Console.out("\(TerminalText.inline(path))\n  \(spec.description)\n")
            } catch {
                bad = true
                let count = error.diagnostics.count
                Console.out("\(TerminalText.inline(path))\n  (does not parse: \(count) error\(count == 1 ? "" : "s"); run satsim validate \(Self.shellWord(path)))\n")
            }
        }
        if bad { throw ExitCode(2) }
    }

    /// `path` as a shell word the user can paste: as it is when it holds only characters no
    /// shell treats specially, otherwise single-quoted (a space or a quote in a file name would
    /// split or break the suggested command).
    static func shellWord(_ path: String) -> String {
        let plain = !path.isEmpty && path.unicodeScalars.allSatisfy { c in
            c.isASCII && (c.properties.isAlphabetic || c.properties.numericType != nil || "_./+-,:@%".unicodeScalars.contains(c))
        }
        return plain ? path : SlurmScript.quoted(path)
    }
}
