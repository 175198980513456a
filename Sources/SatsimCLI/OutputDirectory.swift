import Foundation
import SatsimMetrics
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A folder (`--out DIR`) that holds one set of outputs of a command, replaced as a whole.
///
/// The promise: at every instant the folder holds a subset of the files of one run (never old
/// files beside new ones), and the set's *seal* (summary.json for `run`, comparison.json for
/// `compare`) is present only when every file of its set is. A reader that finds the seal may
/// read the rest. How, in order (each step a single `rename(2)` or `unlink(2)`, atomic on its own):
/// 1. every new file is written in full under a temporary name, `.satsim-partial-PID.NAME`;
/// 2. the manifest (`.satsim-run-outputs` or `.satsim-compare-outputs`, one name a line, the seal
///    first) is replaced by one that lists the old set and the new one together, so that a run
///    killed from here on leaves only files the next run knows to be satsim's;
/// 3. the old set is removed, its seal first (and any file of the new set's names);
/// 4. the new files are renamed into place, the seal last;
/// 5. the manifest is replaced by the new set's names.
/// A run killed at any point leaves either the old set whole, a part of one set without its seal,
/// or the new set whole. The next run into the folder removes what the manifest lists and the
/// partial files of processes that no longer exist; it never removes a file satsim did not write
/// (a manifest only lists satsim's outputs), so `--out .` is safe.
/// Two commands never write into one folder at the same time: the first holds an advisory lock
/// on the folder itself (`flock(2)` on its descriptor, released when its process ends, however
/// it ends; no file is added), and the
/// second is refused before it runs. Two `run`s racing into one `--out` had left one run's
/// summary.json beside the other's report and time series, both exiting 0.
/// A file of an output's name that satsim did not write (the manifest does not list it) is
/// never replaced: `satsim run summary.json --out .` overwrote the scenario it was running.
struct OutputDirectory {
    /// The folder's path as given.
    let path: String

    /// What kind of output set the folder holds: each kind has its own manifest. A folder holds
    /// the set of one kind: every kind writes a report.html, so a `compare` into a `run`'s
    /// folder replaced the run's report while its summary.json, the seal that says the set is
    /// whole, stayed (and the next `run` there removed the comparison's report). The second
    /// kind is refused before it runs.
    enum Kind: String, CaseIterable {
        case run, compare, explain, sweep, chaos
    }

    let kind: Kind

    /// Names of temporary files start with this; the process id follows, then `.` and the name.
    static let partialPrefix = ".satsim-partial-"

    /// Test-only: when set to k > 0, the process kills itself with SIGKILL right after the k-th
    /// change to the folder (a write of a temporary file, a manifest update, a removal or a
    /// rename), so that tests can check the folder at every point a `kill -9` could stop it.
    static let killAfterStepVariable = "SATSIM_TEST_KILL_AFTER_STEP"

    /// The manifest's file name.
    var manifestName: String { ".satsim-\(kind.rawValue)-outputs" }

    /// Checks `path` (creating the folder and its parents when missing) and that a file can be
    /// created in it, so that a folder that cannot be written is reported before a long run.
    init(path: String, kind: Kind) throws(CLIError) {
        guard !path.isEmpty else {
            throw CLIError.badInput("--out needs a folder path, found an empty one")
        }
        self.path = path
        self.kind = kind
        try Self.makeFolder(path, given: path)
        for other in Kind.allCases where other != kind {
            let manifest = OutputDirectory(unchecked: path, kind: other)
            let present = manifest.readManifest().filter { FileManager.default.fileExists(atPath: manifest.file($0)) }
            guard let first = present.first else { continue }
            throw CLIError.badInput(
                "--out \(TerminalText.inline(path)): holds the outputs of `satsim \(other.rawValue)` (\(first) and \(present.count - 1) more, listed in "
                    + "\(manifest.manifestName)), and the outputs of `satsim \(kind.rawValue)` would replace some of them; "
                    + "write to another folder, or remove those files first")
        }
        try lock()
        // The files every set of this kind writes: one of the user's own under such a name is
        // refused before the run, not after it (an SVG's name depends on the scenario, and is
        // checked when the set is written, ``replaceSet(with:)``).
        try refuseForeignFiles(named: Self.fixedNames[kind] ?? [])
        let probe = file(Self.partialPrefix + "\(getpid()).probe")
        let descriptor = open(probe, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw CLIError.badInput("--out \(TerminalText.inline(path)): cannot write to this folder (\(Self.reason(errno)))")
        }
        close(descriptor)
        unlink(probe)
    }

    /// The names each kind's set always holds.
    static let fixedNames: [Kind: [String]] = [
        .run: ["summary.json", "timeseries.csv", "events.jsonl", "report.html"],
        .compare: ["comparison.json", "comparison.csv", "report.html"],
        .explain: ["explain.json", "report.html"],
        .sweep: ["runs.csv", "points.csv", "report.html"],
        .chaos: ["chaos.json", "runs.csv", "points.csv", "report.html"],
    ]

    /// The folders this process holds the lock of (their real paths), with the descriptors that
    /// hold it: a command that opens its folder twice does not lock itself out.
    nonisolated(unsafe) private static var locked: [String: Int32] = [:]
    private static let lockGuard = NSLock()

    /// Takes the folder's lock, or refuses: another satsim process is writing into it.
    private func lock() throws(CLIError) {
        let real = URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
        Self.lockGuard.lock()
        defer { Self.lockGuard.unlock() }
        if Self.locked[real] != nil { return }
        var descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        // A folder that can be written but not read (mode -wx) cannot be opened: its lock is a
        // file inside, `.satsim-lock`, rather than none (two commands then raced in it).
        if descriptor < 0 { descriptor = open(file(".satsim-lock"), O_RDWR | O_CREAT | O_CLOEXEC, 0o644) }
        // A folder where neither can be made is reported by the write probe after this.
        guard descriptor >= 0 else { return }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            close(descriptor)
            if reason == EWOULDBLOCK {
                throw CLIError.badInput(
                    "--out \(TerminalText.inline(path)): another satsim command is writing into this folder now; "
                        + "wait for it to end, or write to another folder")
            }
            return
        }
        Self.locked[real] = descriptor
    }

    /// Refuses when a file of one of `names` exists and this kind's manifest does not list it:
    /// satsim did not write it, and never replaces it.
    func refuseForeignFiles(named names: [String]) throws(CLIError) {
        let ours = Set(readManifest())
        for name in names where !ours.contains(name) && FileManager.default.fileExists(atPath: file(name)) {
            throw CLIError.badInput(
                "--out \(TerminalText.inline(path)): holds a file \(TerminalText.inline(name)) that satsim did not write there, "
                    + "which the outputs of `satsim \(kind.rawValue)` would replace; write to another folder, or move that file")
        }
    }

    /// A folder's view as another kind, to read its manifest; nothing is checked or created.
    private init(unchecked path: String, kind: Kind) {
        self.path = path
        self.kind = kind
    }

    /// Replaces the folder's previous set of this kind with `files` (see the type's comment);
    /// `files[0]` is the seal. Returns the paths of the files written, in the order given.
    func replaceSet(with files: [(name: String, text: String)]) throws(CLIError) -> [String] {
        try replaceSet(with: files.map { OutputFile($0.name, text: $0.text) })
    }

    /// ``replaceSet(with:)`` of files each made as it is written (``OutputFile``): one file's
    /// text at a time, and a table a chunk at a time, is in memory.
    func replaceSet(with files: [OutputFile]) throws(CLIError) -> [String] {
        guard let seal = files.first?.name else { return [] }
        try refuseForeignFiles(named: files.map(\.name))
        var steps = StepCounter()
        removeStalePartials(outputNames: Set(files.map(\.name) + readManifest()))
        let pid = getpid()
        func temporary(_ name: String) -> String { file(Self.partialPrefix + "\(pid).\(name)") }

        // 1. Every new file in full under a temporary name; on failure the old set is untouched.
        var written: [String] = []
        for entry in files {
            do throws(CLIError) {
                try Self.writeFile(entry, to: temporary(entry.name))
                written.append(temporary(entry.name))
                steps.advance()
            } catch {
                for path in written { unlink(path) }
                unlink(temporary(entry.name))
                throw CLIError.io("--out \(TerminalText.inline(path)): cannot write \(entry.name) (\(error.reason))")
            }
        }
        // 2. The manifest lists both sets while they are swapped.
        let newNames = files.map(\.name)
        let old = readManifest()
        // Sets keep the merges linear: an edited manifest of 200,000 names took minutes.
        var union = [seal] + newNames.dropFirst()
        var inUnion = Set(union)
        for name in old where inUnion.insert(name).inserted { union.append(name) }
        try writeManifest(union, steps: &steps)
        // 3. The old set goes, its seal first, then the rest (and any file of a new name).
        var removals: [String] = []
        var removed: Set<String> = []
        for name in (old.first.map { [$0] } ?? []) + [seal] + union where removed.insert(name).inserted {
            removals.append(name)
        }
        for name in removals where unlink(file(name)) == 0 { steps.advance() }
        // 4. The new files come in, the seal last.
        for name in newNames.dropFirst() + [seal] {
            guard rename(temporary(name), file(name)) == 0 else {
                let reason = Self.reason(errno)
                for name in newNames { unlink(temporary(name)) }
                throw CLIError.io("--out \(TerminalText.inline(path)): cannot move \(name) into place (\(reason))")
            }
            steps.advance()
        }
        // 5. The manifest names the new set only.
        try writeManifest(newNames, steps: &steps)
        return newNames.map(file)
    }

    // MARK: - Steps

    /// The path of `name` inside the folder.
    func file(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    /// The names the manifest lists (seal first); names that could leave the folder or touch
    /// satsim's own bookkeeping are ignored, so an edited manifest cannot make satsim remove
    /// anything outside the folder.
    func readManifest() -> [String] {
        // A manifest satsim wrote lists one set's files, a few kB at most: a larger one (an
        // edited one of 200 MB aborted the run, out of memory) is not read, and so lists nothing
        // satsim would remove.
        var info = stat()
        guard stat(file(manifestName), &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= Self.maximumManifestBytes,
            let data = FileManager.default.contents(atPath: file(manifestName)),
            let text = String(data: data, encoding: .utf8)
        else { return [] }
        var seen: Set<String> = []
        return text.split(separator: "\n").map(String.init).filter { Self.isPlainName($0) && seen.insert($0).inserted }
    }

    /// The largest manifest read (``readManifest()``).
    static let maximumManifestBytes = 1 << 20

    func writeManifest(_ names: [String], steps: inout StepCounter) throws(CLIError) {
        let temporary = file(Self.partialPrefix + "\(getpid()).\(manifestName)")
        do throws(CLIError) {
            try Self.writeWhole(names.map { $0 + "\n" }.joined(), to: temporary)
        } catch {
            unlink(temporary)
            throw CLIError.io("--out \(TerminalText.inline(path)): cannot write its list of outputs (\(error.reason))")
        }
        guard rename(temporary, file(manifestName)) == 0 else {
            let reason = Self.reason(errno)
            unlink(temporary)
            throw CLIError.io("--out \(TerminalText.inline(path)): cannot write its list of outputs (\(reason))")
        }
        steps.advance()
    }

    /// Removes the temporary files of satsim processes that no longer run (a run killed while
    /// writing); those of a live process are left alone. Also those of earlier satsim versions,
    /// `.NAME.partial-PID`, for the output names given (the only names they could have).
    func removeStalePartials(outputNames: Set<String>) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        func isDead(_ pid: Int32) -> Bool { pid > 0 && pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH }
        for name in names {
            if name.hasPrefix(Self.partialPrefix) {
                let rest = name.dropFirst(Self.partialPrefix.count)
                if let pid = Int32(rest.prefix { $0 != "." }), isDead(pid) { unlink(file(name)) }
            } else if name.hasPrefix("."), let marker = name.range(of: ".partial-", options: .backwards),
                outputNames.contains(String(name[name.index(after: name.startIndex)..<marker.lowerBound])),
                let pid = Int32(name[marker.upperBound...]), isDead(pid)
            {
                unlink(file(name))
            }
        }
    }

    /// A name that stays inside the folder and is not satsim's bookkeeping.
    static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && !name.contains("/") && !name.contains("\0")
            && !name.hasPrefix(partialPrefix) && !name.hasPrefix(".satsim-")
    }

    /// Writes `file` to a new file at `path`, all of it, or throws with the system's reason.
    static func writeFile(_ file: OutputFile, to path: String) throws(CLIError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CLIError.io(reason(errno)) }
        defer { close(descriptor) }
        var sink = OutputSink(descriptor: descriptor)
        try file.make(&sink)
        try sink.flush()
    }

    /// Writes `text` to a new file at `path`, all of it, or throws with the system's reason.
    static func writeWhole(_ text: String, to path: String) throws(CLIError) {
        try writeFile(OutputFile("", text: text), to: path)
    }

    /// Writes all of `text` to `descriptor`, or throws with the system's reason.
    static func writeAll(_ text: String, to descriptor: Int32) throws(CLIError) {
        // The string's own UTF-8 bytes, not a copy: runs.csv of 1,000,000 runs is 224 MB.
        var text = text
        let failure: Int32? = text.withUTF8 { bytes in
            guard let base = bytes.baseAddress else { return nil }
            var offset = 0
            while offset < bytes.count {
                let count = write(descriptor, base + offset, bytes.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                offset += count
            }
            return nil
        }
        if let failure { throw CLIError.io(reason(failure)) }
    }

    /// `mkdir -p`, with one plain sentence when it fails.
    static func makeFolder(_ folder: String, given: String) throws(CLIError) {
        var info = stat()
        if stat(folder, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFDIR else {
                throw CLIError.badInput(folder == given ? "--out \(TerminalText.inline(given)): exists and is not a folder"
                    : "--out \(TerminalText.inline(given)): cannot create the folder, \(TerminalText.inline(folder)) is not a folder")
            }
            return
        }
        let parent = Self.parentPath(of: folder)
        if !parent.isEmpty, parent != folder, parent != "/" {
            try makeFolder(parent, given: given)
        }
        guard mkdir(folder, 0o777) == 0 || errno == EEXIST else {
            throw CLIError.badInput("--out \(TerminalText.inline(given)): cannot create the folder (\(reason(errno)))")
        }
    }

    /// The folder that holds `path` ("" for a name relative to the current folder, "/" for a
    /// child of the root). Written by hand: swift-corelibs-foundation's
    /// `NSString.deletingLastPathComponent` traps on a one-character relative path such as `o`.
    static func parentPath(of path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        if slash == trimmed.startIndex { return "/" }
        var parent = trimmed[..<slash]
        while parent.count > 1 && parent.hasSuffix("/") { parent = parent.dropLast() }
        return String(parent)
    }

    /// The system's reason for `code`, lowercased to sit inside a sentence.
    static func reason(_ code: Int32) -> String {
        let text = String(cString: strerror(code))
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Counts changes to the folder; see ``killAfterStepVariable``.
    struct StepCounter {
        private var count = 0
        private let killAfter = ProcessInfo.processInfo.environment[OutputDirectory.killAfterStepVariable]
            .flatMap(Int.init) ?? 0

        mutating func advance() {
            count += 1
            if killAfter > 0 && count == killAfter { kill(getpid(), SIGKILL) }
        }
    }
}

/// Failures of the command line itself (not of a scenario); both are bad input (exit code 2).
enum CLIError: Error, CustomStringConvertible {
    case badInput(String)
    case io(String)

    var description: String { "error: \(reason)" }

    /// The message without its `error:` prefix.
    var reason: String {
        switch self {
        case .badInput(let message), .io(let message): return message
        }
    }
}

/// One file of an output set, made as it is written: `make` hands its text to the sink, whole
/// or a piece at a time.
struct OutputFile {
    var name: String
    var make: (inout OutputSink) throws(CLIError) -> Void

    init(_ name: String, make: @escaping (inout OutputSink) throws(CLIError) -> Void) {
        self.name = name
        self.make = make
    }

    /// A file whose text is already made.
    init(_ name: String, text: String) {
        self.init(name) { sink throws(CLIError) in try sink.append(text) }
    }
}

/// Where an ``OutputFile`` writes: pieces gathered up to about a megabyte, then written to the
/// file's descriptor.
struct OutputSink {
    let descriptor: Int32
    private var buffer = ""
    static let chunk = 1 << 20

    init(descriptor: Int32) { self.descriptor = descriptor }

    mutating func append(_ piece: String) throws(CLIError) {
        // A piece as large as a chunk (a whole report) goes out as it is, not copied in.
        if buffer.isEmpty, piece.utf8.count >= Self.chunk {
            try OutputDirectory.writeAll(piece, to: descriptor)
            return
        }
        buffer += piece
        if buffer.utf8.count >= Self.chunk { try flush() }
    }

    mutating func flush() throws(CLIError) {
        guard !buffer.isEmpty else { return }
        try OutputDirectory.writeAll(buffer, to: descriptor)
        buffer = ""
    }
}
