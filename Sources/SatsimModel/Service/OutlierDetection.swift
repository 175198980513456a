import SatsimCore

/// Passive outlier detection as Envoy does it (`outlier_detection`): the balancer watches each
/// instance's answers and ejects one that fails `consecutive_errors` times in a row.
///
/// The rules, after Envoy's architecture overview ("Outlier detection", ejection algorithm) and
/// `source/common/upstream/outlier_detection_impl.cc`:
/// - an error or a timeout of an attempt the instance held counts; a success resets the count;
///   the count also restarts when it triggers an ejection (Envoy resets it to allow re-ejection);
/// - consecutive-error ejection runs inline, at the failure that reaches the count;
/// - it happens only while 100 x ejected / instances < max_ejection_percent (`ejectHost`), so
///   the first ejection always happens when max_ejection_percent > 0, and no more follow once
///   that share is reached;
/// - an ejected instance is out of the balancer (unless it panics, as for health checks);
/// - every `interval` from the start a review returns each ejected instance whose ejection has
///   lasted base_ejection_time x the number of times it was ejected (`checkHostForUneject`);
/// - the number of ejections belongs to the instance's life: a restarted instance starts at 0;
/// - (our choice) a returned instance's count of errors in a row starts afresh, so the timeouts
///   of attempts it held while ejected do not eject it again the moment it returns.
extension Simulation {
    func scheduleOutlierReview(service s: Int) {
        guard let spec = services[s].spec.outlierDetection else { return }
        calendar.schedule(at: now + spec.interval, kind: EventKind.outlierReview.rawValue, target: UInt32(s),
                          generation: chaos.reviewGeneration[s])
    }

    /// An instance answered attempt `a` (or the attempt timed out while the instance held it).
    func observeOutlier(_ a: UInt32, success: Bool) {
        let i = Int(a)
        let s = Int(attempts.rows[i].service)
        guard let spec = services[s].spec.outlierDetection else { return }
        let instance = Int(attempts.rows[i].instance)
        guard instances[instance].lifecycle == .serving else { return }
        if success {
            instances[instance].outlierConsecutive = 0
            return
        }
        instances[instance].outlierConsecutive += 1
        guard instances[instance].outlierConsecutive >= spec.consecutiveErrors, !instances[instance].outlierEjected else { return }
        instances[instance].outlierConsecutive = 0
        let range = services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        let hosts = range.filter { instances[$0].lifecycle == .serving }.count
        let ejected = range.filter { instances[$0].lifecycle == .serving && instances[$0].outlierEjected }.count
        let local = instance - services[s].firstInstance
        guard 100 * Double(ejected) < Double(spec.maxEjectionPercent) * Double(hosts) else {
            recordEvent(.outlierNotEjected, subject: services[s].spec.name,
                        detail: "instance \(local) failed \(spec.consecutiveErrors) times in a row but stays: \(ejected) of \(hosts) instances are already ejected (max_ejection_percent \(spec.maxEjectionPercent))")
            return
        }
        instances[instance].outlierEjected = true
        instances[instance].outlierEjections += 1
        instances[instance].outlierEjectedAt = now.nanoseconds
        refreshRouting(service: s)
        let n = instances[instance].outlierEjections
        let lasts = SimTime(nanoseconds: spec.baseEjectionTime.nanoseconds * Int64(n))
        recordEvent(.instanceEjected, subject: services[s].spec.name,
                    detail: "instance \(local) failed \(spec.consecutiveErrors) times in a row and was ejected by outlier detection for \(lasts.description) (ejection \(n))")
    }

    /// The periodic review: returns the instances whose ejection time is up.
    func outlierReview(service s: Int, generation: UInt32) {
        guard generation == chaos.reviewGeneration[s], let spec = services[s].spec.outlierDetection else { return }
        var returned = false
        for instance in services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount)
        where instances[instance].outlierEjected {
            let lasts = spec.baseEjectionTime.nanoseconds * Int64(instances[instance].outlierEjections)
            guard lasts <= now.nanoseconds - instances[instance].outlierEjectedAt else { continue }
            instances[instance].outlierEjected = false
            // Failures of attempts it held while ejected do not count against its return.
            instances[instance].outlierConsecutive = 0
            returned = true
            recordEvent(.instanceReadmitted, subject: services[s].spec.name,
                        detail: "instance \(instance - services[s].firstInstance) returned by outlier detection, its \(SimTime(nanoseconds: lasts).description) ejection over")
        }
        if returned { refreshRouting(service: s) }
        scheduleOutlierReview(service: s)
    }

    /// A mid-run `set` changed a service's outlier detection: a new review schedule from now
    /// (the old one lapses); switched off, every instance it ejected returns at once.
    func reconfigureOutlierDetection(service s: Int, from old: OutlierDetectionSpec?) {
        let new = services[s].spec.outlierDetection
        chaos.outliers = chaos.outliers || new != nil
        if new == nil {
            for instance in services[s].firstInstance..<(services[s].firstInstance + services[s].slotCount) {
                instances[instance].outlierEjected = false
                instances[instance].outlierConsecutive = 0
            }
            refreshRouting(service: s)
        }
        if new?.interval != old?.interval || old == nil {
            chaos.reviewGeneration[s] &+= 1
            scheduleOutlierReview(service: s)
        }
    }
}
