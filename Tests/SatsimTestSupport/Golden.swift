import Foundation
import Testing

/// Golden files: text outputs (diagnostics, summaries, charts) compared byte for byte.
public enum Golden {
    /// Whether this run re-records golden files (`RECORD_SNAPSHOTS=1`).
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil }

    /// Compares `actual` with `directory/name`; with `RECORD_SNAPSHOTS` set, writes it and fails so
    /// that a recording is never mistaken for a pass. A missing golden file fails.
    public static func expect(
        _ actual: String, named name: String, in directory: URL, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let url = directory.appendingPathComponent(name)
        let text = actual.hasSuffix("\n") ? actual : actual + "\n"
        if isRecording {
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                try text.write(to: url, atomically: true, encoding: .utf8)
                Issue.record("Recorded new baseline \(name)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("Could not record \(name): \(error)", sourceLocation: sourceLocation)
            }
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("Missing golden file \(name); run with RECORD_SNAPSHOTS=1 to create it", sourceLocation: sourceLocation)
            return
        }
        #expect(text == expected, "differs from golden file \(name)", sourceLocation: sourceLocation)
    }
}
