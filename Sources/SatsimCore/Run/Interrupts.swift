import CSatsimKernels

/// Ctrl-C (SIGINT), a hang-up (SIGHUP, unless ignored from the start, as under nohup) and
/// SIGTERM as a limit of a run: once ``watch()`` is called, the first such
/// signal is only recorded, and a run whose ``RunLimits`` ask for it stops at its next check
/// (at most about a million events later) with its partial results, as at any other limit. The
/// handler removes itself as it fires (SA_RESETHAND), so a second signal ends the process at once.
public enum Interrupts {
    /// Installs the handler, for the rest of the process.
    public static func watch() { satsim_watch_interrupts() }

    /// The signal received since ``watch()`` (SIGHUP 1, SIGINT 2, SIGTERM 15), or nil.
    @inline(__always)
    public static var received: Int32? {
        let signal = satsim_interrupt_signal()
        return signal == 0 ? nil : signal
    }
}
