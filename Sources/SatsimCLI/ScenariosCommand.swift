import ArgumentParser
import Foundation
import SatsimScenario

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
            Console.error("error: no scenario folder at \(folder); pass --directory")
            throw ExitCode(2)
        }
        var bad = false
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let path = (folder as NSString).appendingPathComponent(name)
            do {
                let spec = try ScenarioLoader.load(file: path, requireSupported: false)
                Console.out("\(path)\n  \(spec.description)\n")
            } catch {
                bad = true
                Console.out("\(path)\n  (does not parse: \(error.diagnostics.count) error(s); run satsim validate \(path))\n")
            }
        }
        if bad { throw ExitCode(2) }
    }
}
