import SatsimCore

extension Simulation {
    /// Starts or ends timeline event `index`. Only the kinds ``ModelSupport`` accepts reach here.
    func applyTimeline(_ index: Int, starting: Bool) {
        let event = spec.timeline[index]
        switch event.action {
        case .loadSpike(let name, let factor):
            guard let c = clients.firstIndex(where: { $0.spec.name == name }) else { return }
            setLoadFactor(client: c, starting ? clients[c].loadFactor * factor : clients[c].loadFactor / factor)
        default:
            break
        }
    }

    /// Changes a client's offered load: the open-loop rate, or the closed-loop population.
    func setLoadFactor(client c: Int, _ factor: Double) {
        clients[c].loadFactor = factor
        if clients[c].isClosed {
            guard case .closed(let users, _) = clients[c].spec.arrival else { return }
            let wanted = Int((Double(users) * factor).rounded())
            clients[c].usersWanted = wanted
            // New users join at once; surplus users leave when they next finish a request.
            while clients[c].usersActive < wanted { startUser(c) }
        } else {
            // Poisson arrivals are memoryless, so redrawing the next gap at the new rate is exact.
            clients[c].arrivalEpoch &+= 1
            scheduleNextArrival(c)
        }
    }
}
