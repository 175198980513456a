import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory of run outputs. Every file is written to a temporary name beside its target and
/// renamed into place, so a killed run never leaves a half-written file that looks whole.
struct OutputDirectory {
    let url: URL

    /// Creates the directory (and its parents) when missing.
    init(path: String) throws(CLIError) {
        url = URL(fileURLWithPath: path, isDirectory: true)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw CLIError.badInput("--out \(path): exists and is not a directory")
            }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        } catch {
            throw CLIError.badInput("--out \(path): cannot create the directory (\(error))")
        }
    }

    /// Writes `text` to `name` atomically; returns the file's path.
    @discardableResult
    func write(_ text: String, to name: String) throws(CLIError) -> String {
        let target = url.appendingPathComponent(name)
        let temporary = url.appendingPathComponent(".\(name).partial-\(ProcessInfo.processInfo.processIdentifier)")
        do {
            try Data(text.utf8).write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.io("cannot write \(target.path): \(error)")
        }
        // rename(2) replaces the target atomically: a reader sees the old file or the new one.
        guard rename(temporary.path, target.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CLIError.io("cannot write \(target.path): \(reason)")
        }
        return target.path
    }
}

/// Failures of the command line itself (not of a scenario).
enum CLIError: Error, CustomStringConvertible {
    case badInput(String)
    case io(String)

    var description: String {
        switch self {
        case .badInput(let message): return "error: \(message)"
        case .io(let message): return "error: \(message)"
        }
    }
}
