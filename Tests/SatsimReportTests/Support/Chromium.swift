import Foundation

/// Headless Chromium, when installed: renders a page to a PNG or to its DOM.
enum Chromium {
    /// The first Chromium-like browser on PATH, or nil.
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for directory in path.split(separator: ":") {
                let candidate = "\(directory)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }()

    /// Runs the browser headless with `arguments` then `url`; its standard output, or nil when it
    /// failed or took longer than `timeout` seconds.
    /// With `withStandardError`, what the browser writes to standard error comes in the same text
    /// (where `--enable-logging=stderr` puts the page's console messages).
    static func run(_ arguments: [String], url: URL, timeout: Double = 90, withStandardError: Bool = false) throws -> String? {
        guard let executable else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"] + arguments + [url.absoluteString]
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("satsim-chromium-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? FileManager.default.removeItem(at: output) }
        process.standardOutput = handle
        process.standardError = withStandardError ? handle : FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            return nil
        }
        try handle.close()
        guard process.terminationStatus == 0 else { return nil }
        return try String(contentsOf: output, encoding: .utf8)
    }
}

extension Chromium {
    /// The console messages and uncaught errors of the page at `url`, one per line: the lines of
    /// Chromium's log (`--enable-logging=stderr`) that carry `CONSOLE`; nil when it failed.
    static func consoleMessages(url: URL) throws -> [String]? {
        guard let log = try run(["--enable-logging=stderr", "--v=0", "--dump-dom"], url: url, withStandardError: true) else {
            return nil
        }
        return log.split(separator: "\n").map(String.init).filter { $0.contains(":CONSOLE") }
    }
}
