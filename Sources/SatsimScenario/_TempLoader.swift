// TEMPORARY (not committed): lets the CLI build until the parser branch lands.
import SatsimModel
public struct ScenarioError: Error, CustomStringConvertible { public var diagnostics: [String] = []; public var description: String { "" } }
public enum ScenarioLoader {
    public static func load(file: String, overrides: [ScalarOverride] = [], variant: String? = nil, requireSupported: Bool = true) throws(ScenarioError) -> ScenarioSpec { throw ScenarioError() }
}
extension ScalarOverride { public static func parse(_ s: String) throws(ScenarioError) -> ScalarOverride { throw ScenarioError() } }
