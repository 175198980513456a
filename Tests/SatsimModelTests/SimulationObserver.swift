import SatsimCore
@testable import SatsimModel

/// A test's model for the run loop that watches a ``Simulation``'s events as they fire: it
/// shares the simulation's calendar and clock, and its `process` hands each event on.
protocol SimulationObserver: EventProcessor {
    var simulation: Simulation { get }
}

extension SimulationObserver {
    var calendar: EventCalendar {
        get { simulation.calendar }
        _modify { yield &simulation.calendar }
    }

    var now: SimTime {
        get { simulation.now }
        set { simulation.now = newValue }
    }
}
