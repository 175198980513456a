/// The families of ``Distribution``, by the name a scenario's `dist:` key gives them.
///
/// The scenario schema takes its list of `dist` values from `allCases`, so a family exists in
/// the format exactly when it exists here.
public enum DistributionFamily: String, Sendable, Hashable, CaseIterable {
    case exponential, constant, lognormal, gamma, uniform, pareto, empirical
}

extension Distribution {
    /// This distribution's family.
    public var family: DistributionFamily {
        switch self {
        case .exponential: return .exponential
        case .constant: return .constant
        case .lognormal: return .lognormal
        case .gamma: return .gamma
        case .uniform: return .uniform
        case .pareto: return .pareto
        case .empirical: return .empirical
        }
    }
}
