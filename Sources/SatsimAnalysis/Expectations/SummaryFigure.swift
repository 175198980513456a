/// A figure of a run as summary.json holds it, looked up by its dotted path
/// (`clients.users.goodput_per_s`, `outcome`, `recovery_time`) for an `expect` entry to test.
///
/// The summary document itself is built by `SatsimReport`; this is the small vocabulary the
/// expectation checks need from it, so that they do not depend on how it is rendered.
public enum SummaryFigure: Sendable, Hashable {
    /// A number (`goodput_per_s`, `recovery_time` when the run recovered).
    case number(Double)
    /// A text (`outcome`).
    case text(String)
    /// A flag (`complete`).
    case flag(Bool)
    /// The figure exists but has no value in this run (`recovery_time` of a run that did not
    /// recover, a non-finite number).
    case none
}

extension SummaryFigure: CustomStringConvertible {
    /// How a check prints the value it found: numbers with a precision that suits their size.
    public var description: String {
        switch self {
        case .number(let x): return FigureText.number(x)
        case .text(let text): return text
        case .flag(let flag): return flag ? "true" : "false"
        case .none: return "none"
        }
    }
}
