import SatsimCore

/// Passive outlier detection as Envoy does it (`outlier_detection`): the balancer watches each
/// instance's answers and ejects one that fails `consecutive_errors` times in a row.
///
/// The rules, after Envoy's architecture overview ("Outlier detection", ejection algorithm), the
/// OutlierDetection API reference and `source/common/upstream/outlier_detection_impl.cc`:
/// - an error or a timeout of an attempt the instance held counts, and so does a fault's
///   failure (errors, outage) of an attempt the balancer sent it (``attributeFault(_:service:)``);
///   a success resets the count;
///   the count also restarts when it triggers an ejection (Envoy resets it to allow re-ejection);
/// - consecutive-error ejection runs inline, at the failure that reaches the count;
/// - it happens only while 100 x (ejected + 1) / instances <= max_ejection_percent, or when no
///   instance is ejected (`ejectHost`; "will eject at least one host regardless of the value",
///   Envoy's `always_eject_one_host`): never more than that share, except the one that may
///   always go;
/// - an ejected instance is out of the balancer (unless it panics, as for health checks);
/// - every `interval` from the start a review returns each ejected instance whose ejection has
///   lasted min(base_ejection_time x m, max_ejection_time) (`checkHostForUneject`), where the
///   multiplier m (`ejectTimeBackoff`) grows by one at each ejection while m x base <
///   max_ejection_time + base, and shrinks by one at each review (after the returns) that finds
///   the instance back in service for at least an interval, so an instance that keeps failing
///   stays out longer and longer, one that recovered soon starts again from base. Without a
///   `max_ejection_time` Envoy's default holds, max(300 s, base_ejection_time);
/// - the number of ejections and the multiplier belong to the instance's life: a restarted
///   instance starts at 0;
/// - a health check that passes while the checker deems the instance healthy returns it at
///   once (`successful_active_health_check_uneject_host`, true by default);
/// - a returned instance's count of errors in a row starts afresh (`unejectHost` resets it), so
///   the timeouts of attempts it held while ejected do not eject it again the moment it returns.
extension Simulation {
    func scheduleOutlierReview(service s: Int) {
        guard let spec = services[s].spec.outlierDetection else { return }
        calendar.schedule(at: now + spec.interval, kind: EventKind.outlierReview.rawValue, target: UInt32(s),
                          generation: chaos.reviewGeneration[s])
    }

    /// A fault (injected errors, a refusing or blackholing outage) fails attempt `a` at service
    /// `s`. Faults act on the whole service, before any instance is picked; but the balancer
    /// that watches for outliers picked a host for the request before the failure came back
    /// (Envoy's router chooses the upstream host, then reports the 5xx, the refused connection
    /// or the timeout to that host's outlier monitor, `putResult`/`putHttpResponseCode`). So
    /// when the service has outlier detection the balancer picks an instance for the attempt,
    /// as for any other, and the failure counts against it; without outlier detection nothing
    /// can tell, and nothing is picked (the balancer's state and draws stay as they were).
    @inline(__always)
    func attributeFault(_ a: UInt32, service s: Int) {
        guard services[s].spec.outlierDetection != nil, let instance = chooseInstance(service: s) else { return }
        attempts.rows[Int(a)].instance = Int32(instance)
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
        guard Self.mayEject(ejected: ejected, of: hosts, maxPercent: spec.maxEjectionPercent) else {
            // At most one entry per review interval, counting the refusals since the last: under
            // overload every consecutive_errors more errors of any instance are refused again,
            // and an entry each filled the event log's bound, stopping an hour's run at 45
            // minutes (99,863 of its 100,000 entries).
            services[s].outlierRefusals += 1
            let last = services[s].outlierRefusalLoggedAt
            guard last == Int64.min || now.nanoseconds &- last >= spec.interval.nanoseconds else { return }
            let refusals = services[s].outlierRefusals
            services[s].outlierRefusals = 0
            services[s].outlierRefusalLoggedAt = now.nanoseconds
            let others = refusals > 1 ? "; \(refusals - 1) more refused since the last entry (at most one entry per interval of \(spec.interval.description))" : ""
            recordEvent(.outlierNotEjected, subject: services[s].spec.name,
                        detail: "instance \(local) failed \(spec.consecutiveErrors) times in a row but stays: \(ejected) of \(hosts) instances \(ejected == 1 ? "is" : "are") already ejected (max_ejection_percent \(spec.maxEjectionPercent))\(others)")
            return
        }
        instances[instance].outlierEjected = true
        services[s].outlierWatch.append(instance)
        instances[instance].outlierEjections += 1
        instances[instance].outlierEjectedAt = now.nanoseconds
        if Self.backoffMayGrow(instances[instance].outlierBackoff, spec) { instances[instance].outlierBackoff += 1 }
        refreshRouting(service: s)
        let n = instances[instance].outlierEjections
        let lasts = SimTime(nanoseconds: Self.ejectionTime(backoff: instances[instance].outlierBackoff, spec))
        recordEvent(.instanceEjected, subject: services[s].spec.name,
                    detail: "instance \(local) failed \(spec.consecutiveErrors) times in a row and was ejected by outlier detection for \(lasts.description) (ejection \(n))")
    }

    /// The periodic review: returns the instances whose ejection time is up.
    func outlierReview(service s: Int, generation: UInt32) {
        guard generation == chaos.reviewGeneration[s], let spec = services[s].spec.outlierDetection else { return }
        var returned = false
        // The watched instances once each, in slot order, as a walk of every slot would meet
        // them; an instance outside the list is neither ejected nor has a multiplier to lower.
        // Nothing here ejects, so the list does not change under the walks.
        let watch = Array(Set(services[s].outlierWatch)).sorted()
        for instance in watch where instances[instance].outlierEjected {
            let lasts = Self.ejectionTime(backoff: instances[instance].outlierBackoff, spec)
            guard lasts <= now.nanoseconds - instances[instance].outlierEjectedAt else { continue }
            instances[instance].outlierEjected = false
            instances[instance].outlierReturnedAt = now.nanoseconds
            // Failures of attempts it held while ejected do not count against its return.
            instances[instance].outlierConsecutive = 0
            returned = true
            recordEvent(.instanceReadmitted, subject: services[s].spec.name,
                        detail: "instance \(instance - services[s].firstInstance) returned by outlier detection, its \(SimTime(nanoseconds: lasts).description) ejection over")
        }
        // Envoy's onIntervalTimer, after the returns: each instance in service again for at
        // least an interval since its last return has its multiplier lowered by one.
        for instance in watch
        where !instances[instance].outlierEjected && instances[instance].outlierBackoff > 0
            && instances[instance].outlierReturnedAt >= 0
            && now.nanoseconds - instances[instance].outlierReturnedAt >= spec.interval.nanoseconds
        {
            instances[instance].outlierBackoff -= 1
        }
        services[s].outlierWatch = watch.filter { instances[$0].outlierEjected || instances[$0].outlierBackoff > 0 }
        if returned { refreshRouting(service: s) }
        scheduleOutlierReview(service: s)
    }

    /// An active health check of `instance` passed. Envoy returns an instance that outlier
    /// detection ejected when a health check passes while the checker deems it healthy
    /// (`successful_active_health_check_uneject_host`, default true: `DetectorImpl::initialize`
    /// registers the callback), as `unejectHost` does at a review: the errors in a row start
    /// afresh and the multiplier starts decaying from now.
    func outlierProbePassed(service s: Int, instance: Int) {
        guard instances[instance].outlierEjected, !instances[instance].ejected else { return }
        instances[instance].outlierEjected = false
        instances[instance].outlierReturnedAt = now.nanoseconds
        instances[instance].outlierConsecutive = 0
        recordEvent(.instanceReadmitted, subject: services[s].spec.name,
                    detail: "instance \(instance - services[s].firstInstance) returned from its outlier ejection by a passing health check")
        refreshRouting(service: s)
    }

    /// Envoy's default max_ejection_time when none is given: 300 s, or base_ejection_time when
    /// that is longer [ns].
    static let defaultMaxEjectionTime: Int64 = 300_000_000_000

    /// The longest an ejection lasts [ns]: `max_ejection_time`, or when the file has none
    /// Envoy's default, max(300 s, base_ejection_time) (`DetectorConfig`). The loader refuses a
    /// max_ejection_time below base_ejection_time, as Envoy does (`DetectorImpl::create`); the
    /// max here keeps the rule whole for a spec built in code.
    static func maxEjectionTime(_ spec: OutlierDetectionSpec) -> Int64 {
        max(spec.maxEjectionTime?.nanoseconds ?? defaultMaxEjectionTime, spec.baseEjectionTime.nanoseconds)
    }

    /// How long an ejection with multiplier `backoff` lasts: min(base x backoff, max) [ns]
    /// (`checkHostForUneject`), without overflow for any duration a scenario can write.
    static func ejectionTime(backoff: Int32, _ spec: OutlierDetectionSpec) -> Int64 {
        let (product, overflow) = spec.baseEjectionTime.nanoseconds.multipliedReportingOverflow(by: Int64(backoff))
        return overflow ? maxEjectionTime(spec) : min(product, maxEjectionTime(spec))
    }

    /// Whether an ejection raises the multiplier: while backoff x base < max + base (`ejectHost`),
    /// so it stops one step past the cap, where min(base x backoff, max) no longer grows.
    static func backoffMayGrow(_ backoff: Int32, _ spec: OutlierDetectionSpec) -> Bool {
        let base = spec.baseEjectionTime.nanoseconds
        let (product, overflow) = base.multipliedReportingOverflow(by: Int64(backoff))
        let (limit, limitOverflow) = maxEjectionTime(spec).addingReportingOverflow(base)
        if overflow { return false }
        return limitOverflow || product < limit
    }

    /// Whether one more instance may be ejected when `ejected` of `hosts` are: while the share
    /// after it stays within `maxPercent` (100 x (ejected + 1) / hosts <= maxPercent, exact in
    /// integers), and always when none is ejected (`ejectHost` with `always_eject_one_host`;
    /// the API reference: "will eject at least one host regardless of the value").
    static func mayEject(ejected: Int, of hosts: Int, maxPercent: Int) -> Bool {
        ejected == 0 || 100 * (ejected + 1) <= maxPercent * hosts
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
                instances[instance].outlierBackoff = 0
                instances[instance].outlierReturnedAt = -1
            }
            refreshRouting(service: s)
        }
        if new?.interval != old?.interval || old == nil {
            chaos.reviewGeneration[s] &+= 1
            scheduleOutlierReview(service: s)
        }
    }
}
