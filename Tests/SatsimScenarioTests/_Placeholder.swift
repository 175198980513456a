import Foundation
import Testing
import SatsimModel
@testable import SatsimScenario

@Suite struct Smoke {
    @Test func smoke() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/Fixtures")
        let file = dir.appendingPathComponent("minimal.yaml").path
        do {
            let spec = try ScenarioLoader.load(file: file)
            print(spec)
        } catch {
            print(error)
        }
        let texts = ["", "- a\n- b", "a: &x 1\nb: *x", "name: x\nname: y", "\u{0}\u{1}garbage", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
          "name: Bad\nduration: 5\nclients: {u: {target: apii, arrival: {process: poisson, rate: 5}, retyr: 1}}\nservices: {api: {workers: 0, service_time: {dist: exponential, mean: 1e400}}}"]
        for t in texts {
            do { _ = try ScenarioLoader.parse(text: t, file: "t.yaml") } catch { print(error); print("--") }
        }
        for o in ["clients.users.timeout=2s", "clients.users.retyr.max_attempts=2", "clients.user.timeout=1s", "services.api.queue.timeout=3", "timeline.0.factor=3", "timeline.3.factor=3", "services.api.calls.0.timeout=1s", "clients.users.circuit_breaker.window=1s"] {
            do { _ = try ScenarioLoader.load(file: file, overrides: [ScalarOverride.parse(o)]); print("OK", o) } catch { print(error); print("--") }
        }
    }
}
