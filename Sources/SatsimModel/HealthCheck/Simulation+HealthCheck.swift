import SatsimCore

/// Health checks (DESIGN.md, "Health checks"): each serving instance is probed on its own
/// schedule. A probe waits in the instance's queue like any request and needs a free worker,
/// though no work, to be answered. No answer within `timeout` (or a full queue, or a kill) is a
/// failure. After `unhealthy_after` consecutive failures the instance is ejected from the
/// balancer, or restarted; after `healthy_after` consecutive successes an ejected instance is
/// readmitted. An overloaded instance fails its probes while working flat out, so ejecting it
/// moves its load onto its peers: below the `panic_threshold` healthy share the balancer uses
/// every instance. With `eject` the probe is a readiness probe, whose state starts as failure
/// (the kubelet's readiness worker starts at results.Failure, pkg/kubelet/prober/worker.go): an
/// instance that boots during the run joins the balancer only after `healthy_after` passing
/// probes (`setLifecycle` marks it, ``recordProbe(service:instance:success:)`` admits it). With
/// `restart` it is a liveness probe, which starts at success: nothing waits.
///
/// One probe at a time: a tick of the schedule that comes while the instance's last probe is
/// still out (a `timeout` longer than the `interval`, or a jittered tick) sends nothing then; the
/// probe it would have sent goes out the moment the one out ends, by its answer or its timeout,
/// and further ticks in between are dropped. So the kubelet's prober does it: its worker runs
/// `doProbe`, which waits for the probe's answer up to timeoutSeconds, then waits on a
/// `time.Ticker` of periodSeconds, which holds one tick for a slow receiver and drops the rest
/// (pkg/kubelet/prober/worker.go, `run`; Go's time.NewTicker). Envoy's checker, which re-arms its
/// timer only when a check ends, never has two out either.
///
/// The schedule, as Envoy's active health checker keeps one per host (one
/// `ActiveHealthCheckSession` with its own interval timer, source/common/upstream/
/// health_checker_impl.cc; `initial_jitter`, `interval_jitter_percent` in the HealthCheck API,
/// envoyproxy.io/docs/envoy/latest/api-v3/config/core/v3/health_check.proto): an instance's first
/// probe comes at a random phase U(0, interval) after it starts serving (Envoy's initial jitter,
/// here always one interval wide), and each later one `interval x (1 + jitter x U(0, 1))` after
/// the one before (Envoy adds `random % (interval x percent / 100)`). Instances that started
/// together therefore drift apart instead of failing their probes in the same instant. The
/// interval runs from one probe's sending to the next, as the kubelet's prober ticks every
/// `periodSeconds`; Envoy's code instead re-arms its interval timer when a check ends (answer or
/// timeout), so there a failing host is probed every interval + timeout. Every failure, a
/// timeout or a refusal alike, counts towards `unhealthy_after` (Kubernetes' failureThreshold;
/// Envoy marks a host unhealthy at once on a non-200 answer, and counts only network failures
/// and timeouts towards unhealthy_threshold). The draws
/// come from the service's own stream `services.NAME.health`, so no other stream changes (common
/// random numbers, DESIGN.md "Randomness").
extension Simulation {
    /// Starts instance `instance`'s own probe schedule: called whenever it starts serving (at the
    /// start of the run, after booting, when a draining instance is kept). Bumping its probe epoch
    /// makes any event left from an earlier schedule stale, so an instance never has two.
    ///
    /// `immediately`: an instance that has just booted is probed at once, as the kubelet probes a
    /// container that has just started (its prober worker runs a probe when it starts, and a
    /// readiness probe is also triggered on the pod's first status update:
    /// pkg/kubelet/prober/worker.go, prober_manager.go `UpdatePodStatus`) and as Envoy checks a
    /// new host at once (`initial_jitter` defaults to 0). A booted instance behind an `eject`
    /// check with `healthy_after: 1` therefore joins the balancer the instant it serves; before,
    /// its first probe came at a random phase within an interval, up to an interval late. The
    /// instances of the start, and those of a check added mid-run, keep a random phase: a fleet
    /// already running, each on its own schedule.
    func startProbing(service s: Int, instance: Int, immediately: Bool = false) {
        guard let check = services[s].healthCheck, let stream = services[s].healthStream else { return }
        instances[instance].probeEpoch &+= 1
        // A probe of an earlier life still out no longer holds this schedule back.
        instances[instance].probeOut = .max
        instances[instance].probeTickMissed = false
        let phase = immediately ? SimTime.zero : SimTime(nanoseconds: Int64(Double(check.interval.nanoseconds) * stream.uniform()))
        calendar.schedule(
            at: now + phase, kind: EventKind.probe.rawValue, target: UInt32(s), slot: UInt32(instance),
            generation: instances[instance].probeEpoch)
    }

    /// A probe of `instance` is due: sends it and schedules the next, unless the schedule is stale
    /// (the instance restarted, drained or stopped since: its new life has its own schedule).
    func probeDue(service s: Int, instance: Int, epoch: UInt32) {
        guard let check = services[s].healthCheck, let stream = services[s].healthStream,
              instances[instance].probeEpoch == epoch, instances[instance].lifecycle == .serving else { return }
        if instances[instance].probeOut != .max {
            // The last probe is still out: this tick waits for it (``probeEnded``).
            instances[instance].probeTickMissed = true
        } else {
            instances[instance].probesSent += 1
            sendProbe(service: s, instance: instance, timeout: check.timeout)
        }
        var next = check.interval.nanoseconds
        if check.jitter > 0 {
            next += Int64(Double(check.interval.nanoseconds) * check.jitter * stream.uniform())
        }
        // Probes are held like attempts (a slot, a timeout, a queue place): they count in flight,
        // so probes every microsecond stop at the memory budget instead of exhausting memory.
        checkInFlight()
        calendar.schedule(
            at: now + SimTime(nanoseconds: next), kind: EventKind.probe.rawValue, target: UInt32(s),
            slot: UInt32(instance), generation: epoch)
    }

    func sendProbe(service s: Int, instance: Int, timeout: SimTime) {
        let (a, generation) = attempts.acquire(request: AttemptSlab.probe, requestGeneration: 0, service: s)
        instances[instance].probeOut = a
        instances[instance].probeOutGeneration = generation
        attempts.rows[Int(a)].phase = .atServer
        calendar.schedule(at: now + timeout, kind: EventKind.probeTimeout.rawValue, slot: a, generation: generation)
        if !services[s].quiet, probeMeetsFault(a, service: s, instance: instance) { return }
        if !admit(a, service: s, instance: instance) {
            probeAnswered(a, success: false)
        }
    }

    /// The service's faults act on probe `a` as on any request that reaches it (a probe is a
    /// request like any other, DESIGN.md): a blackhole outage swallows it, so it fails at its
    /// timeout; a refusing outage fails it at once, as a refused connection fails a Kubernetes
    /// probe; an `errors` fault fails it with its ratio, as an HTTP probe fails on a 5xx
    /// ("Any code greater than or equal to 200 and less than 400 indicates success. Any other
    /// code indicates failure.", Kubernetes, "Configure Liveness, Readiness and Startup Probes").
    /// Faults with `caller` or `share` act only on their edge or cohort, never on a probe; added
    /// latency reaches a probe through the queue only, since a probe takes no work. Returns
    /// whether a fault ended the probe.
    func probeMeetsFault(_ a: UInt32, service s: Int, instance: Int) -> Bool {
        let i = Int(a)
        attempts.rows[i].instance = Int32(instance)
        if services[s].blackholing > 0 {
            attempts.rows[i].phase = .blackholed
            return true
        }
        if services[s].refusing > 0 {
            probeAnswered(a, success: false)
            return true
        }
        if let ratio = services[s].errorRatios.max(), services[s].faultStream.uniform() < ratio {
            probeAnswered(a, success: false)
            return true
        }
        return false
    }

    /// The prober stops waiting: a failure. The probe stays queued, like any abandoned request,
    /// and is discarded when a worker reaches it.
    func probeTimesOut(_ a: UInt32) {
        attempts.rows[Int(a)].abandoned = true
        let instance = Int(attempts.rows[Int(a)].instance)
        let s = Int(attempts.rows[Int(a)].service)
        let missed = probeEnded(a, generation: attempts.slots.generation(of: a), instance: instance)
        // A blackholed probe is held nowhere else: nothing will reach it to discard it.
        if attempts.rows[Int(a)].phase == .blackholed { attempts.slots.release(a) }
        recordProbe(service: s, instance: instance, success: false)
        if missed { sendMissedProbe(service: s, instance: instance) }
    }

    /// Probe `a` (of `generation`) of `instance` ended, by its answer or its timeout: if it is
    /// the instance's probe out, the instance has none out any more. Returns whether a tick of
    /// the schedule came meanwhile (its probe is then due now, ``sendMissedProbe``).
    func probeEnded(_ a: UInt32, generation: UInt32, instance: Int) -> Bool {
        guard instance >= 0, instances[instance].probeOut == a, instances[instance].probeOutGeneration == generation else { return false }
        instances[instance].probeOut = .max
        let missed = instances[instance].probeTickMissed
        instances[instance].probeTickMissed = false
        return missed
    }

    /// Sends the probe of a tick that came while the last one was out, if the instance still
    /// serves (a restart or drain since starts a schedule of its own).
    func sendMissedProbe(service s: Int, instance: Int) {
        guard let check = services[s].healthCheck, instances[instance].lifecycle == .serving, instances[instance].probeOut == .max
        else { return }
        instances[instance].probesSent += 1
        sendProbe(service: s, instance: instance, timeout: check.timeout)
        checkInFlight()
    }

    /// A probe got its answer (or was turned away or lost); releases it.
    func probeAnswered(_ a: UInt32, success: Bool) {
        let i = Int(a)
        let abandoned = attempts.rows[i].abandoned
        let s = Int(attempts.rows[i].service)
        let instance = Int(attempts.rows[i].instance)
        let missed = probeEnded(a, generation: attempts.slots.generation(of: a), instance: instance)
        attempts.rows[i].phase = .toClient
        attempts.slots.release(a)
        if !abandoned { recordProbe(service: s, instance: instance, success: success) }
        if missed { sendMissedProbe(service: s, instance: instance) }
    }

    func recordProbe(service s: Int, instance: Int, success: Bool) {
        guard let check = services[s].healthCheck, instances[instance].lifecycle == .serving else { return }
        let local = instance - services[s].firstInstance
        if success {
            instances[instance].consecutiveProbeFailures = 0
            instances[instance].consecutiveProbeSuccesses += 1
            if instances[instance].ejected && instances[instance].consecutiveProbeSuccesses >= check.healthyAfter {
                instances[instance].ejected = false
                if instances[instance].awaitingReadiness {
                    instances[instance].awaitingReadiness = false
                    // Ready from now: the autoscaler's metric window must start after this.
                    instances[instance].readyAt = now.nanoseconds
                    recordEvent(.instanceReadmitted, subject: services[s].spec.name, detail: "instance \(local) passed its first \(check.healthyAfter) health checks and joins the balancer")
                } else {
                    recordEvent(.instanceReadmitted, subject: services[s].spec.name, detail: "instance \(local) passed \(check.healthyAfter) health checks and is back in the balancer")
                }
                refreshRouting(service: s)
            }
            if instances[instance].outlierEjected { outlierProbePassed(service: s, instance: instance) }
            return
        }
        instances[instance].consecutiveProbeSuccesses = 0
        instances[instance].consecutiveProbeFailures += 1
        guard instances[instance].consecutiveProbeFailures >= check.unhealthyAfter, !instances[instance].ejected else { return }
        switch check.action {
        case .eject:
            instances[instance].ejected = true
            recordEvent(.instanceEjected, subject: services[s].spec.name, detail: "instance \(local) failed \(check.unhealthyAfter) health checks in a row and was ejected")
            refreshRouting(service: s)
        case .restart:
            let delay = restartDelay(instance: instance)
            let wait = delay > 0 ? ", restarting after a back-off of \(SimTime(nanoseconds: delay).description) (CrashLoopBackOff)" : ""
            kill(service: s, instance: instance, reason: "restarted after failing \(check.unhealthyAfter) health checks in a row\(wait)", delay: delay)
        }
    }

    /// The kubelet's first restart back-off, its cap, and how long a container must run for its
    /// back-off to reset (twice the cap): 10 s, 300 s and 600 s (pkg/kubelet/kubelet.go
    /// `backOffPeriod`, pkg/kubelet/container `MaxContainerBackOff`; client-go's
    /// util/flowcontrol/backoff.go `hasExpired`: an entry expires 2 x maxDuration after its last
    /// update). Kubernetes, "Pod Lifecycle", Container restarts: "an exponential backoff delay
    /// (10s, 20s, 40s, ...), that is capped at 300 seconds ... Once a container has executed for
    /// 10 minutes without any problems, the kubelet resets the restart backoff timer".
    static let restartBackoffInitial: Int64 = 10_000_000_000
    static let restartBackoffCap: Int64 = 300_000_000_000
    static let restartBackoffExpiry: Int64 = 600_000_000_000

    /// How long the restart of `instance`'s container, killed now by its liveness probe, waits
    /// before it boots [ns], and the back-off state moved on, as the kubelet's `doBackOff` and
    /// client-go's `Backoff` do: the first restart (or the first after the container ran more
    /// than 600 s since its last restart) goes at once and sets the back-off to 10 s; each later
    /// one waits the back-off, which then doubles, up to 300 s. The kubelet restarts on its next
    /// pod sync after the back-off; here at once when it ends.
    func restartDelay(instance: Int) -> Int64 {
        let t = now.nanoseconds
        guard let entry = restartBackoffs[instance], t - entry.last <= Self.restartBackoffExpiry else {
            restartBackoffs[instance] = (Self.restartBackoffInitial, t)
            return 0
        }
        restartBackoffs[instance] = (min(entry.backoff &* 2, Self.restartBackoffCap), t + entry.backoff)
        return entry.backoff
    }
}
