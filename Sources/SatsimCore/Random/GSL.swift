import CGSL

/// Process-wide GSL set-up.
public enum GSL {
    /// Turns GSL's default error handler off: by default GSL calls `abort()` on a domain error,
    /// which would crash the CLI on bad input. Callers check results (NaN, return codes) instead.
    /// Idempotent and cheap; every entry point that uses GSL calls it.
    public static func prepare() {
        _ = handlerOff
    }

    private static let handlerOff: Bool = {
        gsl_set_error_handler_off()
        return true
    }()
}
