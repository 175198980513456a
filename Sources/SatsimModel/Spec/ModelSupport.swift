/// A key of the scenario format that parses but whose behaviour the model does not simulate yet.
public struct UnsupportedFeature: Sendable, Hashable {
    /// The key path in the scenario, e.g. `clients.users.circuit_breaker` or `timeline.2.kind`.
    public var path: String
    /// What is not simulated, for the message ("circuit breakers").
    public var feature: String
    public init(path: String, feature: String) {
        self.path = path
        self.feature = feature
    }
}

/// Which parts of a scenario the model can simulate.
///
/// The scenario layer parses the whole format; before a run it asks this list and refuses any key
/// whose behaviour is missing, naming it with its file position, so that nothing is ever silently
/// ignored. Each entry disappears when its behaviour lands.
public enum ModelSupport {
    /// Every key of `spec` whose behaviour the model cannot simulate yet, in file order.
    public static func unsupportedFeatures(in spec: ScenarioSpec) -> [UnsupportedFeature] {
        // Every client and service key and every timeline kind is simulated; which paths a
        // `set` may change mid-run is ``midRunRule(for:)``'s to say.
        []
    }
}
