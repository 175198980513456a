import SatsimCore
@testable import SatsimModel
import SatsimTestSupport
import Testing

/// The probability of waiting in M/M/c against Erlang's C formula (Erlang 1917; e.g. Kleinrock,
/// "Queueing Systems" vol. 1, 1975, chapter 3 (M/M/m)): an arrival waits exactly when it finds all c
/// servers busy, and with Poisson arrivals (PASTA) that happens with probability
/// C(c, a) = B(c, a) / (1 - (a / c)(1 - B(c, a))), a = lambda / mu, B Erlang's loss formula.
///
/// summary.json carries the mean wait (QueueingTheoryTests checks Wq = C / (c mu - lambda)), which
/// depends on C only through a product; here C itself is read off the run: at each client
/// arrival after warmup, before the simulation handles it, the recorder notes whether every
/// worker of the one instance is busy. With no network delay the attempt reaches the service at
/// that very instant, so that is whether it waits.
@Suite("Erlang C: the probability of waiting")
struct ErlangCWaitingTests {
    @Test("M/M/c: the share of arrivals that find every worker busy is Erlang C", arguments: [(4, 0.5), (4, 0.9), (1, 0.7)])
    func waitingProbability(c: Int, rho: Double) {
        let lambda = rho * Double(c)
        let customers = 60_000.0
        let shares = (1...10).map { seed -> Double in
            let spec = QueueingTheoryTests.station(
                lambda: lambda, servers: c, service: .exponential(mean: 1), customers: customers, seed: UInt64(seed))
            let recorder = BusyAtArrivalRecorder(Simulation(spec: spec), after: spec.warmup)
            recorder.simulation.prepare()
            _ = RunLoop.run(recorder, until: spec.duration)
            return Double(recorder.foundAllBusy) / Double(recorder.arrivals)
        }
        // For c = 1, C = rho (the server is busy a share rho of the time).
        let theory = QueueingTheoryTests.erlangC(servers: c, offered: lambda)
        if c == 1 { #expect(abs(theory - rho) < 1e-12) }
        QueueingTheoryTests.expectWithin(theory, shares, relativeWidth: 0.05, "M/M/\(c) P(wait) at rho \(rho)")
    }
}

/// Forwards every event to the simulation and, at each client arrival from `after` on, notes
/// whether the first instance of the first service has every worker busy.
final class BusyAtArrivalRecorder: SimulationObserver {
    let simulation: Simulation
    let after: SimTime
    private(set) var arrivals = 0
    private(set) var foundAllBusy = 0

    init(_ simulation: Simulation, after: SimTime) {
        self.simulation = simulation
        self.after = after
    }

    func process(_ event: ScheduledEvent) -> Bool {
        if EventKind(rawValue: event.kind) == .arrival && event.time >= after {
            arrivals += 1
            if simulation.instances[0].busy >= simulation.services[0].workers { foundAllBusy += 1 }
        }
        return simulation.process(event)
    }
}
