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

    @Option(help: """
        The folder to list (default: SATSIM_SCENARIOS when set, else ./Scenarios, else the Scenarios \
        folder shipped with this executable: the checkout it was built in, or PREFIX/share/satsim/Scenarios \
        for PREFIX/bin/satsim).
        """)
    var directory: String?

    public init() {}

    public func run() throws {
        let folder: String
        if let given = directory ?? ProcessInfo.processInfo.environment["SATSIM_SCENARIOS"] {
            folder = given
        } else {
            let found = Self.shippedFolder()
            guard let path = found.folder else {
                // Said where it looked, so that a user outside the checkout knows what to pass.
                Console.error("error: no Scenarios folder found; looked in " + found.looked.map(TerminalText.inline).joined(separator: ", ")
                              + "; pass --directory DIR (or set SATSIM_SCENARIOS) to list another folder")
                throw ExitCode(2)
            }
            folder = path
        }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            let origin = directory != nil ? "--directory" : "SATSIM_SCENARIOS"
            Console.error("error: no scenario folder at \(TerminalText.inline(folder)) (from \(origin)); pass --directory DIR")
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

    /// The shipped library when no folder is given: ./Scenarios (the working directory is the
    /// checkout), else beside the executable, so that `satsim scenarios` works from anywhere:
    /// PREFIX/share/satsim/Scenarios for an installed PREFIX/bin/satsim, and the Scenarios folder
    /// of the checkout the executable was built in (.build/release/satsim, or the real path
    /// .build/x86_64-unknown-linux-gnu/release/satsim), a folder up to four levels above it that
    /// holds Package.swift, so that an unrelated Scenarios folder higher up is not taken. The
    /// executable is located both as invoked (argv[0], a symlink kept) and as resolved
    /// (/proc/self/exe). Returns the folder, or nil and every place looked at.
    static func shippedFolder(
        workingDirectory: String = FileManager.default.currentDirectoryPath,
        executables: [String] = ScenariosCommand.executablePaths()
    ) -> (folder: String?, looked: [String]) {
        let manager = FileManager.default
        func isFolder(_ path: String) -> Bool {
            var directory: ObjCBool = false
            return manager.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
        }
        var looked = ["./Scenarios (in \(workingDirectory))"]
        if isFolder((workingDirectory as NSString).appendingPathComponent("Scenarios")) { return ("Scenarios", looked) }
        for executable in executables {
            let bin = URL(fileURLWithPath: executable).deletingLastPathComponent().standardized
            let installed = bin.deletingLastPathComponent().appendingPathComponent("share/satsim/Scenarios").path
            if !looked.contains(installed) { looked.append(installed) }
            if isFolder(installed) { return (installed, looked) }
            var ancestor = bin
            for _ in 0..<4 {
                ancestor = ancestor.deletingLastPathComponent()
                let candidate = ancestor.appendingPathComponent("Scenarios").path
                let checkout = manager.fileExists(atPath: ancestor.appendingPathComponent("Package.swift").path)
                if checkout && isFolder(candidate) { return (candidate, looked) }
            }
            let checkout = "Scenarios beside Package.swift up to 4 folders above \(bin.path)"
            if !looked.contains(checkout) { looked.append(checkout) }
        }
        return (nil, looked)
    }

    /// This executable's path as invoked (when argv[0] names a path, not a bare name looked up
    /// in PATH) and as the kernel resolved it.
    static func executablePaths() -> [String] {
        var paths: [String] = []
        if let invoked = CommandLine.arguments.first, invoked.contains("/") {
            paths.append(URL(fileURLWithPath: invoked, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).path)
        }
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), !paths.contains(resolved) {
            paths.append(resolved)
        }
        return paths
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
