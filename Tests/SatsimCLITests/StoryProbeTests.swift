import Foundation
import Testing

/// Sentences a review of the story found misleading, each on the smallest scenario that told it,
/// with what the story says now.
@Suite("Stories told truly on probed scenarios")
struct StoryProbeTests {
    /// The story of `yaml` (`satsim run`, with `flags`, exiting with `status`), its line breaks
    /// folded to spaces.
    static func story(_ yaml: String, flags: [String] = [], status: Int32 = 0) throws -> String {
        let file = try CLIHarness.scenarioFile(yaml)
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        let text = try CLIHarness.run(["run", file.path, "--out", out.path] + flags, timeout: 120)
        #expect(text.status == status, "\(text.stderr)")
        return text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Runs shipped scenario `name` (with `flags`) into a new folder called `folder`, expecting
    /// exit 0: the folder and the story, its line breaks folded to spaces.
    static func shipped(_ name: String, _ flags: [String] = [], folder: String) throws -> (out: URL, flat: String) {
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent(folder)
        let run = try CLIHarness.run(["run", "Scenarios/\(name).yaml", "--out", out.path] + flags, currentDirectory: CLIHarness.root, timeout: 300)
        #expect(run.status == 0, "\(run.stderr)")
        return (out, run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " "))
    }

    /// The rows of `out`'s timeseries.csv, header first, each split at its commas.
    static func timeseries(_ out: URL) throws -> [[String]] {
        try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8).split(separator: "\n")
            .map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
    }

    static func scenario(clients: String, services: String, timeline: String, duration: String = "4m", warmup: String = "30s") -> String {
        """
        name: probe
        description: A scenario a review of the story probed.
        duration: \(duration)
        warmup: \(warmup)
        seed: 3
        clients:
        \(clients)
        services:
        \(services)
        timeline:
        \(timeline)
        """
    }

    /// Attempts turned away at once are failures as much as timeouts are. The story told only
    /// the first timeouts: "19% ... got no answer in time" of a second in which the other 81%
    /// were refused and none succeeded, and scale-the-wrong-tier's fast failures from 2m03s not
    /// at all, so that its first failure read as coming after the operator's scaling at 2m30s.
    @Test("Fast failures are told: on their own when they come first, beside the timeouts in the same second")
    func fastFailuresAreTold() throws {
        // A full queue turns requests away long before the 10 s timeout could fire.
        let full = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 40/s }, timeout: 10s }",
                services: "  api: { instances: 1, workers: 4, queue: { capacity: 5 }, service_time: { dist: exponential, mean: 30ms } }",
                timeline: "  - { at: 2m, for: 30s, kind: load_spike, client: users, factor: 8 }"))
        let began = try #require(full.firstMatch(of: /At (2m0\ds), attempts began to fail fast: ([0-9.]+)% of the attempts that ended from 2m0\ds to 2m0\ds were answered with an error or turned away at once\./), "\(full)")
        #expect((Double(began.2) ?? 0) >= 1, "\(began.0)")
        #expect(!full.contains("time out"), "no attempt timed out: \(full)")
        // Timeouts and refusals in the same second: one sentence with both shares.
        let both = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 300ms, retry: { max_attempts: 3 } }",
                services: "  api: { instances: 2, workers: 4, queue: { capacity: 50 }, service_time: { dist: exponential, mean: 15ms } }",
                timeline: "  - { at: 2m, for: 30s, kind: load_spike, client: users, factor: 4 }"))
        #expect(both.firstMatch(of: /got no answer in time, and [0-9.]+% failed fast \(answered with an error or turned away at once\)/) != nil
                || both.contains("attempts began to fail fast"), "\(both)")
        // An errors fault says so in its own sentence: no second one.
        let injected = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 1s }",
                services: "  api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms } }",
                timeline: "  - { at: 2m, for: 30s, kind: errors, service: api, ratio: 0.5 }"))
        #expect(injected.contains("At 2m00s, api started failing 50% of the attempts that reached it"), "\(injected)")
        #expect(!injected.contains("fail fast") && !injected.contains("fast failures"), "\(injected)")
    }

    /// health-check-cascade's ejections left api no instance to serve, and its balancer turned
    /// every attempt away: the defining moment of the cascade, which the story counted as
    /// "70 ejections in all" without saying the balancer had emptied.
    @Test("A balancer left with no serving instance is told, with the attempts it turned away")
    func emptyBalancerIsTold() throws {
        let (out, flat) = try Self.shipped("health-check-cascade", folder: "cascade")
        let told = try #require(flat.firstMatch(of: /From (\d+)m(\d\d)s to (\d+)m(\d\d)s, 0 instances of api were serving: its balancer turned away the (\d+) attempts that reached it, with nowhere to send them/), "\(flat)")
        let from = Double(Int(told.1)! * 60 + Int(told.2)!), to = Double(Int(told.3)! * 60 + Int(told.4)!)
        // The count is the time series' unrouted attempts over that window, where api's serving
        // instances read 0.
        let csv = try Self.timeseries(out)
        let header = csv[0]
        let time = try #require(header.firstIndex(of: "time")), unrouted = try #require(header.firstIndex(of: "services.api.unrouted"))
        let instances = try #require(header.firstIndex(of: "services.api.instances"))
        let rows = csv.dropFirst().filter { Double($0[time]).map { $0 > from && $0 <= to } ?? false }
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { Double($0[instances]) == 0 }, "\(rows)")
        #expect(rows.reduce(0) { $0 + (Int($1[unrouted]) ?? 0) } == Int(told.5)!)
    }

    /// A fault during warmup leaves no baseline to compare with, and an operator's change that
    /// came after goodput had fallen to zero was told "goodput averaged 0.00/s" with nothing
    /// beside it, as if the change had done it. Without a baseline, each event's goodput is set
    /// against the same span just before it, named.
    @Test("Without a baseline, an event's goodput is compared with the span just before it")
    func noBaselineComparesWithTheSpanBefore() throws {
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("no-baseline")
        let file = try CLIHarness.scenarioFile("""
            name: set-for-retries
            description: A fault from inside warmup, then an operator's change that comes too late.
            duration: 5m
            warmup: 1m
            seed: 3
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 300/s }
                timeout: 1s
                retry: { max_attempts: 2, on: [timeout, error] }
            services:
              api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 40ms }, queue: { capacity: 500 } }
            timeline:
              - { at: 40s, for: 40s, kind: latency, service: api, add: { dist: constant, value: 30ms } }
              - { at: 2m, for: 1m, kind: set, path: clients.users.retry.max_attempts, value: 5 }

            """)
        let run = try CLIHarness.run(["run", file.path, "--out", out.path], timeout: 120)
        let flat = run.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let told = try #require(flat.firstMatch(of: /At 2m00s, an operator set clients\.users\.retry\.max_attempts to 5 for 1m00s, then back: from 2m00s to 3m00s, goodput averaged ([0-9.]+)\/s against ([0-9.]+)\/s from 1m00s to 2m00s, just before it/), "\(flat)")
        // Both figures are the time series' successes per second over their windows.
        let csv = try String(contentsOf: out.appendingPathComponent("timeseries.csv"), encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        let time = try #require(csv[0].firstIndex(of: "time")), successes = try #require(csv[0].firstIndex(of: "clients.users.successes"))
        func rate(_ from: Double, _ to: Double) -> Double {
            let rows = csv.dropFirst().filter { Double($0[time]).map { $0 > from && $0 <= to } ?? false }
            return rows.reduce(0) { $0 + (Double($1[successes]) ?? 0) } / (to - from)
        }
        #expect(abs((Double(told.1) ?? -1) - rate(120, 180)) < 0.01 + 0.01 * rate(120, 180), "\(told.0)")
        #expect(abs((Double(told.2) ?? -1) - rate(60, 120)) < 0.01 + 0.01 * rate(60, 120), "\(told.0)")
    }

    @Test("A kill of more instances than run says how many it found")
    func killMoreThanRun() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 1s }",
                services: "  api: { instances: 2, workers: 8, boot_time: 20s, service_time: { dist: exponential, mean: 20ms } }",
                timeline: "  - { at: 2m, kind: kill, service: api, count: 3 }"))
        #expect(flat.contains("At 2m00s, a kill of 3 instances of api found 2 instances to kill"), "\(flat)")
        #expect(!flat.contains("3 instances of api were killed"), "\(flat)")
    }

    @Test("Two autoscalers are told one sentence each, each with its own last decision")
    func twoAutoscalers() throws {
        let scaler = "policy: target_tracking, metric: utilization, target: 0.5, interval: 15s, scale_in_cooldown: 30s, scale_out_cooldown: 15s"
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 2s }",
                services: """
                      api: { instances: 2, workers: 8, boot_time: 10s, service_time: { dist: exponential, mean: 25ms }, calls: [ { service: db } ], autoscaler: { \(scaler), min: 2, max: 30 } }
                      db: { instances: 2, workers: 4, boot_time: 10s, service_time: { dist: exponential, mean: 5ms }, autoscaler: { \(scaler), min: 1, max: 3 } }
                    """,
                timeline: "  - { at: 2m, for: 60s, kind: load_spike, client: users, factor: 3 }", duration: "6m"))
        #expect(!flat.contains("The autoscaler of api, db"), "\(flat)")
        #expect(flat.contains("The autoscaler of api made"), "\(flat)")
        #expect(flat.contains("The autoscaler of db made"), "\(flat)")
    }

    @Test("A fault over a window with no request sent or answered does not print a goodput")
    func noTrafficInTheWindow() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 0.2/s }, timeout: 1s }",
                services: """
                      api: { instances: 1, workers: 4, service_time: { dist: exponential, mean: 20ms }, calls: [ { service: db, timeout: 300ms } ] }
                      db: { instances: 1, workers: 4, service_time: { dist: exponential, mean: 10ms } }
                    """,
                timeline: "  - { at: 5m, for: 6s, kind: outage, service: db, mode: refuse }", duration: "10m", warmup: "1m")
                .replacingOccurrences(of: "seed: 3", with: "seed: 7"))
        #expect(flat.contains("At 5m00s, db went down for 6s, refusing every new attempt: from 5m00s to 5m06s, no request was sent or answered."), "\(flat)")
    }

    /// Two clients on services of their own: a spike on the small one and an outage of the big
    /// one's service at the same second. The spike's goodput is the small client's; the two
    /// ends are told once as the last.
    @Test("A spike is measured on the clients that share a service with the spiked one; faults ending together are told once")
    func spikeBesideAnOutage() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: """
                      users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s }
                      admin: { target: console, arrival: { process: poisson, rate: 2/s }, timeout: 1s }
                    """,
                services: """
                      api: { instances: 4, workers: 8, service_time: { dist: exponential, mean: 20ms } }
                      console: { instances: 1, workers: 4, service_time: { dist: exponential, mean: 20ms } }
                    """,
                timeline: """
                      - { at: 2m, for: 30s, kind: load_spike, client: admin, factor: 2 }
                      - { at: 2m, for: 30s, kind: outage, service: api, mode: refuse }
                    """, duration: "5m"))
        #expect(flat.contains("a load spike multiplied the load of admin by 2 for 30s: from 2m00s to 2m30s, admin offered"), "\(flat)")
        #expect(flat.contains("and admin's goodput averaged"), "\(flat)")
        #expect(flat.contains("At 2m30s, the outage of api ended; with it, every fault had ended."), "\(flat)")
        #expect(!flat.contains("it was the last fault to end"), "\(flat)")
    }

    /// Stopped at an event budget at 3m10s, long after a spike that ended at 2m20s and before
    /// a kill at 8m: the kill was never simulated and is not "the last fault".
    @Test("A fault after a limit's stop is not the last fault")
    func unreachedFault() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s, retry: { max_attempts: 4 } }",
                services: "  api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms } }",
                timeline: """
                      - { at: 2m, for: 20s, kind: load_spike, client: users, factor: 4 }
                      - { at: 8m, kind: kill, service: api, count: 1 }
                    """, duration: "10m"),
            flags: ["--max-events", "100000"], status: 1)
        #expect(!flat.contains("before the last fault ended"), "\(flat)")
        #expect(flat.contains("it recovered."), "\(flat)")
        #expect(flat.contains("1 later timeline event was never simulated"), "\(flat)")
    }

    /// db, which every request needs, refuses everything for 30 s; clients retry. Health is back
    /// the moment the outage ends: the outage held it down, and switching retries off changes
    /// nothing (explain). "What held it down most: retries were 66.6% of the attempts" was told.
    @Test("Healthy again when the fault ended: the fault is what held it down, the mechanisms only beside it")
    func theFaultItself() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: """
                      users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s, retry: { max_attempts: 3, backoff: { base: 50ms, multiplier: 2, cap: 1s, jitter: full } } }
                    """,
                services: """
                      api: { instances: 4, workers: 8, service_time: { dist: exponential, mean: 20ms }, calls: [ { service: db, timeout: 300ms } ] }
                      db: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 10ms } }
                    """,
                timeline: "  - { at: 2m, for: 30s, kind: outage, service: db, mode: refuse }", duration: "5m"))
        #expect(flat.contains("outcome: recovered"), "\(flat)")
        #expect(
            flat.contains("From 2m00s to 2m30s, the system was unhealthy, and healthy again by the time the fault ended: the fault itself held it down; beside it, retries were"),
            "\(flat)")
        #expect(!flat.contains("what held it down most"), "\(flat)")
    }

    /// The arrival rate set for good to three times its baseline: the load never came back, so
    /// the run is degraded, not a metastable failure "with the offered load back to its baseline".
    @Test("A load raised for good is not a trigger gone")
    func loadRaisedForGood() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s }",
                services: "  api: { instances: 2, workers: 4, service_time: { dist: exponential, mean: 20ms } }",
                timeline: "  - { at: 2m, kind: set, path: clients.users.arrival.rate, value: 600/s }", duration: "6m"))
        #expect(flat.contains("outcome: degraded"), "\(flat)")
        #expect(!flat.contains("back to its baseline"), "\(flat)")
        #expect(!flat.contains("metastable"), "\(flat)")
    }

    /// A 100 ms timeout over a 25 ms mean service time: some attempts time out from the start
    /// (1.8% before the spike). They did not "begin to time out" at the spike; the story says when
    /// the share rose to twice that, against its level before.
    @Test("Timeouts already there before the fault are told as a rise, not a beginning")
    func timeoutsRose() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 100ms }",
                services: "  api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 25ms } }",
                timeline: "  - { at: 2m, for: 20s, kind: load_spike, client: users, factor: 1.1 }"))
        #expect(!flat.contains("began to time out"), "\(flat)")
        #expect(flat.contains("timeouts rose:"), "\(flat)")
        #expect(flat.contains("before the first fault"), "\(flat)")
    }

    /// A 15 ms client timeout on 20 ms of work at 20 requests/s over 32 workers: most attempts
    /// time out while api is about 1% busy. "The design cannot carry its baseline load" was told.
    @Test("Overloaded while idle: the ending says what failed the requests, not that the load was too much")
    func overloadedWhileIdle() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 20/s }, timeout: 15ms }",
                services: "  api: { instances: 4, workers: 8, service_time: { dist: exponential, mean: 20ms } }",
                timeline: "  - { at: 2m, for: 20s, kind: load_spike, client: users, factor: 2 }"))
        #expect(flat.contains("outcome: overloaded"), "\(flat)")
        #expect(!flat.contains("cannot carry its baseline load"), "\(flat)")
        #expect(flat.contains("Even before any fault, fewer than 90% of requests succeeded, though api was"), "\(flat)")
        #expect(flat.contains("of the attempts that ended timed out, so what failed them was not a lack of capacity."), "\(flat)")
    }

    /// Two paused instances fail their health checks and are restarted (boot 15 s) before the
    /// 10 s pause ends: they lost the pause with their process. "At 2m10s, the paused instances
    /// of api resumed" was told, and events.jsonl logged them resumed while booting.
    @Test("Paused instances restarted meanwhile do not resume")
    func pausedThenRestarted() throws {
        let file = try CLIHarness.scenarioFile(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 300/s }, timeout: 1s, retry: { max_attempts: 2 } }",
                services: """
                      api: { instances: 4, workers: 8, boot_time: 15s, service_time: { dist: exponential, mean: 20ms }, health_check: { interval: 2s, timeout: 500ms, unhealthy_after: 2, healthy_after: 2, action: restart } }
                    """,
                timeline: "  - { at: 2m, for: 10s, kind: pause, service: api, count: 2 }", duration: "6m"))
        let out = file.deletingLastPathComponent().appendingPathComponent("out")
        let text = try CLIHarness.run(["run", file.path, "--out", out.path], timeout: 120)
        #expect(text.status == 0, "\(text.stderr)")
        let flat = text.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let events = try String(contentsOf: out.appendingPathComponent("events.jsonl"), encoding: .utf8)
        let restarted = events.split(separator: "\n").filter { $0.contains("\"instance_killed\"") && $0.contains("health checks") }.count
        let resumed = events.split(separator: "\n").filter { $0.contains("\"instance_resumed\"") }.count
        #expect(restarted == 2, "\(events)")
        #expect(resumed == 0, "\(events)")
        #expect(flat.contains("At 2m10s, the pause of api ended, but every paused instance had been restarted meanwhile: none resumed."), "\(flat)")
    }

    /// At 2 requests/s with 1 s intervals, an interval holds one lookup: a single miss after a
    /// fault that never touches the cache (the same single misses came before it) was told "the
    /// cache of api went cold: its hit ratio fell from 90.6% ... to 0%". Judged over stretches
    /// of at least 100 lookups, it is not cold; a flush still is.
    @Test("A cache is judged cold over enough lookups, not from one miss", arguments: [false, true])
    func coldCacheAtALowRate(flush: Bool) throws {
        let event = flush ? "  - { at: 5m, kind: cache_flush, service: api }" : "  - { at: 5m, for: 5s, kind: latency, service: db, add: { dist: constant, value: 50ms } }"
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: \(flush ? "50/s" : "2/s") }, timeout: 1s }",
                services: """
                      api: { instances: 2, workers: 4, service_time: { dist: exponential, mean: 20ms }, cache: { keys: 50, zipf: 1.0, capacity: 50, ttl: 1h }, calls: [ { service: db } ] }
                      db: { instances: 1, workers: 4, service_time: { dist: exponential, mean: 10ms } }
                    """,
                timeline: event, duration: "10m", warmup: "1m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 5"))
        #expect(flat.contains("the cache of api went cold") == flush, "\(flat)")
    }

    /// Two faults on the path of the same requests at once: each event's goodput is shared with
    /// the other, and the sentence says so rather than credit it alone.
    @Test("An event's goodput names the other events acting on the same requests in its window")
    func sharedWindow() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 1s }",
                services: """
                      api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms }, calls: [ { service: db } ] }
                      db: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 10ms } }
                    """,
                timeline: """
                      - { at: 2m, for: 30s, kind: errors, service: db, ratio: 0.6 }
                      - { at: 130s, for: 10s, kind: latency, service: api, add: { dist: constant, value: 10ms } }
                    """, duration: "5m"))
        #expect(flat.contains("before the first fault, with the latency added to api acting in that time too."), "\(flat)")
        // The latency fault starts while db's errors act: it is also set against the span just
        // before it, since the errors began.
        #expect(flat.contains("before the first fault and "), "\(flat)")
        #expect(flat.contains("from 2m00s to 2m10s, just before it, with the errors of db acting in that time too."), "\(flat)")
    }

    /// Fifty pauses of 1,000 instances each, at one instant, on a service of four: each is told
    /// with the four it found, and names the others acting with it once, not fifty times (a
    /// timeline of 12,000 such pauses printed 3.5 MB and took ten minutes to tell).
    @Test("Many simultaneous pauses: counted as found, the others named once")
    func manyPauses() throws {
        let timeline = Array(repeating: "  - { at: 3s, for: 1ms, kind: pause, service: api, count: 1000 }", count: 50).joined(separator: "\n")
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s }",
                services: "  api: { instances: 4, workers: 4, service_time: { dist: exponential, mean: 5ms } }",
                timeline: timeline, duration: "10s", warmup: "0s"))
        #expect(flat.contains("At 3s, a pause of 1000 instances of api found 4 instances to pause for 1ms"), "\(flat.prefix(2000))")
        #expect(!flat.contains("1000 instances of api paused"), "\(flat.prefix(2000))")
        #expect(flat.contains("with the pause of api acting in that time too."), "\(flat.prefix(2000))")
        #expect(!flat.contains("the pause of api, the pause of api"), "\(flat.prefix(2000))")
    }

    /// The shipped autoscaler-lag scenario: a ten-minute spike that the autoscaler catches up
    /// with after a minute or two. Healthy again at 4m50s, eight minutes before the spike ended:
    /// "By the time the last fault ended, at 13m00s, the system was healthy again" hid that, and
    /// "the fault itself held it down" was told of a lag the autoscaler ended.
    @Test("A return well before the last fault ended is told at its time, and the lag as what held it down")
    func returnDuringTheFault() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Scenarios/autoscaler-lag.yaml")
        let flat = try Self.story(try String(contentsOf: url, encoding: .utf8))
        #expect(flat.contains("outcome: recovered"), "\(flat)")
        #expect(flat.contains(", before the last fault ended at 13m00s, the system was healthy again"), "\(flat)")
        #expect(!flat.contains("By the time the last fault ended"), "\(flat)")
        #expect(!flat.contains("the fault itself held it down"), "\(flat)")
        #expect(flat.contains("(autoscaler lag)"), "\(flat)")
    }

    /// A spike fills an unbounded queue; no retries; the load comes back. The backlog drains at
    /// about 180/s and is not empty when the run ends: "a feedback loop held the overload" was
    /// told of it. A closed loop whose population was tripled for good keeps a queue of the same
    /// length: "a backlog draining" was told of it.
    @Test("A backlog still draining at the end is no feedback loop; a standing one is not draining")
    func drainingAndStanding() throws {
        let draining = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 300/s }, timeout: 1s }",
                services: "  api: { instances: 3, workers: 8, service_time: { dist: exponential, mean: 50ms } }",
                timeline: "  - { at: 3m, for: 3m, kind: load_spike, client: users, factor: 2.5 }", duration: "10m", warmup: "1m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 7"))
        #expect(draining.contains("outcome: metastable"), "\(draining)")
        #expect(!draining.contains("a feedback loop held the overload"), "\(draining)")
        #expect(draining.contains("but the backlog it left was still draining when the run ended"), "\(draining)")
        let standing = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: closed, users: 100, think: { dist: exponential, mean: 200ms } }, timeout: 1s, retry: { max_attempts: 3 } }",
                services: "  api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms } }",
                timeline: "  - { at: 2m, kind: set, path: clients.users.arrival.users, value: 300 }", duration: "5m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 8"))
        #expect(standing.contains("(a standing backlog, not draining)"), "\(standing)")
        #expect(!standing.contains("(a backlog draining)"), "\(standing)")
    }

    /// A deploy in batches of 5 on a service of 3 restarts all three at once, and none serves
    /// while they boot: "5 at a time every 30s ... at times no instance of api was serving" was
    /// told.
    @Test("A deploy batch larger than the fleet restarts it all at once, and no instance serves")
    func deployBatchLargerThanFleet() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 300/s }, timeout: 1s }",
                services: "  api: { instances: 3, workers: 16, service_time: { dist: exponential, mean: 10ms }, boot_time: 20s }",
                timeline: "  - { at: 1m, kind: deploy, service: api, batch: 5, every: 30s }", duration: "3m"))
        #expect(flat.contains("At 1m00s, a rolling deploy of api in batches of 5 found 3 instances and restarted them all at once: from 1m00s to 1m20s, no instance of api was serving"), "\(flat)")
    }

    /// A lull (load x 0.1 for 3 minutes) lets a target-tracking autoscaler cut api to one
    /// instance; when the load returns it climbs back one boot time per step. The sentence about
    /// its decisions names the scale-in, the start of the trouble.
    @Test("An autoscaler's scale-in on the way is told")
    func scaleInTold() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 400/s }, timeout: 1s, retry: { max_attempts: 3 } }",
                services: "  api: { instances: 6, workers: 8, service_time: { dist: exponential, mean: 50ms }, boot_time: 60s, autoscaler: { policy: target_tracking, metric: utilization, target: 0.6, interval: 15s, min: 1, max: 12, scale_in_cooldown: 30s, scale_out_cooldown: 15s } }",
                timeline: "  - { at: 2m, for: 3m, kind: load_spike, client: users, factor: 0.1 }", duration: "10m", warmup: "1m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 8"))
        #expect(flat.contains("having scaled in to as few as 1 on the way."), "\(flat)")
    }

    /// A retry storm after a spike holds api down; at 5m of a 6m run an operator sets the queue
    /// capacity to the value it already has. Counted as a fault, that `set` moved the last
    /// fault's end to 5m and the run read "whether the system would have come back ... was not
    /// seen", with the set credited with "goodput averaged 0.00/s".
    @Test("A set of the value a key already has changes nothing and is no fault")
    func noOpSet() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 600/s }, timeout: 1s, retry: { max_attempts: 4, on: [timeout, error] } }",
                services: "  api: { instances: 4, workers: 8, service_time: { dist: lognormal, mean: 40ms, cv: 1.0 }, queue: { capacity: 1000 } }",
                timeline: """
                      - { at: 2m, for: 10s, kind: load_spike, client: users, factor: 2 }
                      - { at: 5m, kind: set, path: services.api.queue.capacity, value: 1000 }
                    """, duration: "6m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 42"))
        #expect(flat.contains("outcome: metastable"), "\(flat)")
        #expect(flat.contains("to 1000, the value it already had: nothing changed, and the verdict does not count it as a fault"), "\(flat)")
        #expect(!flat.contains("was not seen"), "\(flat)")
    }

    /// Health probes every microsecond restart every instance before it finishes any work; the
    /// event budget stops the run at 10 ms of an hour. The header said "1h simulated", the verdict
    /// "the design cannot carry its baseline load" of a service 0.3% busy, and the stop "at 0s".
    @Test("A run stopped at 10 ms by a limit says so, and blames no lack of capacity")
    func subSecondStop() throws {
        let flat = try Self.story(
            """
            name: probe
            description: Probes every microsecond, each restarting its instance.
            duration: 1h
            clients:
              web: { target: api, arrival: { process: poisson, rate: 10/s } }
            services:
              api:
                instances: 50
                workers: 4
                service_time: { dist: exponential, mean: 50ms }
                boot_time: 1us
                health_check: { interval: 1us, timeout: 1us, unhealthy_after: 1, healthy_after: 1, action: restart }
            """, flags: ["--max-events", "1000000"], status: 1)
        #expect(flat.contains("probe (seed 1): 0.009999996s of 1h simulated (a limit stopped it)"), "\(flat)")
        #expect(!flat.contains("cannot carry its baseline load"), "\(flat)")
        #expect(flat.contains("not one attempt ended there, so what held the requests was not a lack of capacity"), "\(flat)")
        #expect(flat.contains("The run stopped at 0.009s, at a limit"), "\(flat)")
    }

    /// An operator scales api from 2 to 6 instances, then a rolling deploy restarts them two at
    /// a time every 30 s: three batches, the last booted at 3m10s. The deploy's end was worked
    /// out from the scenario's starting 2 instances ("By 2m10s ... the deploy was over"), which
    /// also moved the verdict's last fault and its recovery time.
    @Test("A deploy after a scale ends when the last batch it restarted has booted")
    func deployAfterScale() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 200/s }, timeout: 1s }",
                services: "  api: { instances: 2, workers: 8, service_time: { dist: exponential, mean: 20ms }, boot_time: 10s }",
                timeline: """
                      - { at: 1m, kind: scale, service: api, to: 6 }
                      - { at: 2m, kind: deploy, service: api, batch: 2, every: 30s }
                    """, duration: "5m"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 1"))
        #expect(flat.contains("from 2m00s to 3m10s, api had"), "\(flat)")
        #expect(flat.contains("By 3m10s, the last batch of the rolling deploy of api had booted: the deploy was over"), "\(flat)")
        #expect(!flat.contains("By 2m10s"), "\(flat)")
    }

    /// A 25 ms timeout on 20 ms of work: retries make up about a quarter of the attempts from
    /// the start. A harmless kill at 1m was followed by "retries made up 26.3% of the attempts
    /// sent", as if it had set them off; they had been 26.6% since warmup.
    @Test("Retries at their level before the fault are not told as the fault's doing")
    func retriesBeforeFault() throws {
        let flat = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 25ms, retry: { max_attempts: 3, on: [timeout] } }",
                services: "  api: { instances: 4, workers: 8, service_time: { dist: exponential, mean: 20ms }, boot_time: 10s }",
                timeline: "  - { at: 1m, kind: kill, service: api, count: 1 }", duration: "3m", warmup: "20s"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 5"))
        #expect(!flat.contains("retries made up"), "\(flat)")
        // A fault that doubles them is told, with the level before it.
        let doubled = try Self.story(
            Self.scenario(
                clients: "  users: { target: api, arrival: { process: poisson, rate: 100/s }, timeout: 25ms, retry: { max_attempts: 4, on: [timeout] } }",
                services: "  api: { instances: 4, workers: 8, service_time: { dist: exponential, mean: 20ms }, boot_time: 10s }",
                timeline: "  - { at: 1m, for: 30s, kind: latency, service: api, add: { dist: constant, value: 30ms } }", duration: "3m", warmup: "20s"
            ).replacingOccurrences(of: "seed: 3", with: "seed: 5"))
        #expect(doubled.contains("From 1m00s to 1m01s, retries rose to 74.4% of the attempts sent: 340 attempts/s for 87.0 new requests/s, against 27.9% before the first fault."), "\(doubled)")
    }

    /// Two services with health checks that eject, each overloaded by its own client's spike,
    /// two minutes apart. One sentence said "health checks began ejecting instances of finder,
    /// front" at front's first ejection, with front's busy share for both, and only front's
    /// panic was told.
    @Test("Ejections and panics are told per service, each at its own first")
    func ejectionsPerService() throws {
        let flat = try Self.story(
            """
            name: probe
            description: two independent services with eject health checks; a spike on each client.
            duration: 5m
            warmup: 30s
            seed: 17
            clients:
              shop:
                target: front
                arrival: { process: poisson, rate: 300/s }
                timeout: 1s
              search:
                target: finder
                arrival: { process: poisson, rate: 200/s }
                timeout: 1s
            services:
              front:
                instances: 4
                workers: 4
                service_time: { dist: exponential, mean: 40ms }
                queue: { capacity: 100 }
                health_check: { interval: 2s, timeout: 300ms, unhealthy_after: 2, healthy_after: 2, action: eject, panic_threshold: 0.5 }
              finder:
                instances: 4
                workers: 4
                service_time: { dist: exponential, mean: 40ms }
                queue: { capacity: 100 }
                health_check: { interval: 2s, timeout: 300ms, unhealthy_after: 2, healthy_after: 2, action: eject, panic_threshold: 0.5 }
            timeline:
              - { at: 1m, for: 30s, kind: load_spike, client: shop, factor: 1.6 }
              - { at: 3m, for: 30s, kind: load_spike, client: search, factor: 2.5 }
            """)
        #expect(flat.contains("At 1m03s, health checks began ejecting instances of front that were too busy to answer their probes in time (front was 100% busy from 1m03s to 1m04s): 4 ejections in all."), "\(flat)")
        #expect(flat.contains("At 3m03s, health checks began ejecting instances of finder that were too busy to answer their probes in time (finder was 100% busy from 3m03s to 3m04s): 5 ejections in all."), "\(flat)")
        #expect(flat.contains("At 1m04s, front fell below its panic threshold"), "\(flat)")
        #expect(flat.contains("At 3m05s, finder fell below its panic threshold"), "\(flat)")
        #expect(!flat.contains("finder, front"), "\(flat)")
    }

    /// Health checks that restart: a latency fault makes api fail its probes, and one of its
    /// four instances is restarted twice (its second restart after the kubelet's 10 s back-off;
    /// two were, before the back-off). "Health checks restarted 6 instances" was told of a
    /// service of 4.
    @Test("Restarts and the instances they hit are counted apart")
    func restartsCountedApart() throws {
        let flat = try Self.story(
            """
            name: probe
            description: a latency fault makes api fail health probes; action restart.
            duration: 6m
            warmup: 30s
            seed: 21
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 350/s }
                timeout: 1s
                retry: { max_attempts: 2, on: [timeout, error] }
            services:
              api:
                instances: 4
                workers: 8
                service_time: { dist: exponential, mean: 20ms }
                queue: { capacity: 300 }
                boot_time: 15s
                health_check: { interval: 3s, timeout: 500ms, unhealthy_after: 2, healthy_after: 1, action: restart, panic_threshold: 0.5 }
            timeline:
              - { at: 2m, for: 30s, kind: latency, service: api, add: { dist: constant, value: 80ms } }
            """)
        #expect(flat.contains("From 2m09s, health checks restarted instances of api 5 times, 4 different instances in all"), "\(flat)")
    }

    /// The only fault, a 20 s outage, falls in the first minute, all warmup: the story told the
    /// outage, then "the system stayed stable", with nothing to say the verdict never judged it.
    @Test("A fault within warmup is said to be left out of the verdict")
    func faultWithinWarmup() throws {
        let flat = try Self.story(
            """
            name: probe
            description: an outage inside warmup, then a short spike after it.
            duration: 4m
            warmup: 1m
            seed: 6
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 300/s }
                timeout: 1s
                retry: { max_attempts: 3, on: [timeout, error] }
            services:
              api:
                instances: 3
                workers: 8
                service_time: { dist: exponential, mean: 40ms }
            timeline:
              - { at: 20s, for: 20s, kind: outage, service: api, mode: blackhole }
            """)
        #expect(flat.contains("the system stayed stable. But the fault at 20s began and ended within warmup, which lasted to 1m00s: the verdict leaves warmup out, so it was not judged."), "\(flat)")
    }

    /// A small client whose one-instance service fails every request from the start, beside a
    /// big one that recovers from a short spike: "batch's requests fared worse: ... 0%
    /// succeeded" read as the spike's aftermath, with nothing to say batch had failed all along.
    @Test("A client that fared worse is measured against its own share before the fault")
    func hiddenClientAgainstItsBaseline() throws {
        let flat = try Self.story(
            """
            name: probe
            description: a big healthy client on api; a small client on jobs falls into a retry storm after a short spike.
            duration: 6m
            warmup: 30s
            seed: 42
            clients:
              web:
                target: api
                arrival: { process: poisson, rate: 600/s }
                timeout: 1s
              batch:
                target: jobs
                arrival: { process: poisson, rate: 40/s }
                timeout: 150ms
                retry: { max_attempts: 4, on: [timeout, error] }
            services:
              api:
                instances: 4
                workers: 16
                service_time: { dist: exponential, mean: 20ms }
              jobs:
                instances: 1
                workers: 2
                service_time: { dist: lognormal, mean: 40ms, cv: 1.0 }
            timeline:
              - { at: 2m, for: 10s, kind: load_spike, client: batch, factor: 2 }
            """)
        #expect(flat.contains("of those that ended from 2m10s to 6m00s, 0% succeeded, against 0% before the first fault, and health is judged"), "\(flat)")
    }

    /// An autoscaled api at its max of 8 gets a rolling deploy during a spike: on average 7.6
    /// instances, 2.8 of them booting after the deploy's restarts. "What held it down most: api
    /// ran 7.6 instances on average, its autoscaler's max being 8" was named over the retries,
    /// pointing the room at the max with a count of instances that served nothing.
    @Test("An autoscaler at its max is weighed by the instances serving")
    func autoscalerAtMaxServing() throws {
        let flat = try Self.story(
            """
            name: probe
            description: an autoscaled api gets a rolling deploy during a traffic spike.
            duration: 8m
            warmup: 30s
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 400/s }
                timeout: 1s
                retry: { max_attempts: 3, on: [timeout, error], backoff: { base: 100ms, multiplier: 2, cap: 2s, jitter: full } }
            services:
              api:
                instances: 4
                workers: 8
                service_time: { dist: lognormal, mean: 50ms, cv: 1.0 }
                queue: { capacity: 200 }
                boot_time: 30s
                autoscaler: { policy: target_tracking, metric: utilization, target: 0.6, interval: 15s, min: 3, max: 8, scale_in_cooldown: 2m, scale_out_cooldown: 30s }
            timeline:
              - { at: 2m, for: 2m, kind: load_spike, client: users, factor: 1.5 }
              - { at: 150s, kind: deploy, service: api, batch: 2, every: 30s }
            """)
        #expect(!flat.contains("its autoscaler's max being 8, and"), "\(flat)")
        #expect(flat.contains("what held it down most: 82.1% of the work api finished went to callers who had already given up (wasted work), and retries were 62.2%"), "\(flat)")
    }

    /// Errors on api for 30 s, then a minute and a half later a brief pause: unhealthy only
    /// while each acted. Weighed over the whole span, healthy minute included, "what held it
    /// down most: outlier detection kept 32.9% of api's running instances ejected" was told,
    /// and explain, in the same output, found outlier detection protective; the faults were
    /// never named.
    @Test("Unhealthy only while the faults acted: the faults held it down")
    func unhealthyOnlyDuringFaults() throws {
        let flat = try Self.story(
            """
            name: probe
            description: api fails 60% of attempts for 30s; a minute later one instance pauses briefly.
            duration: 4m
            warmup: 20s
            seed: 11
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 300/s }
                timeout: 500ms
                retry: { max_attempts: 2, on: [error, timeout] }
            services:
              api:
                instances: 4
                workers: 8
                service_time: { dist: exponential, mean: 20ms }
                outlier_detection: { consecutive_errors: 5, interval: 5s, base_ejection_time: 20s, max_ejection_percent: 50 }
            timeline:
              - { at: 1m, for: 30s, kind: errors, service: api, ratio: 0.6 }
              - { at: 150s, for: 15s, kind: pause, service: api, count: 1 }
            """)
        #expect(flat.contains("From 1m00s to 2m32s, the system was unhealthy 34.8% of the time, only while the faults acted, and healthy again by the time the last ended: the faults themselves held it down; beside them,"), "\(flat)")
        #expect(!flat.contains("what held it down most"), "\(flat)")
    }

    /// A breaker on api's calls to db, open through the end of db's slowdown: api failed its
    /// calls fast while db saw none. The time series had no column for it, so the story named
    /// the client's retry budget, which explain found had no effect, "what slowed the recovery".
    @Test("An edge breaker refusing calls is weighed among the causes")
    func edgeBreakerCause() throws {
        let flat = try Self.story(
            """
            name: probe
            description: api calls db with call retries and a breaker on the edge; clients have a retry budget; db slows down.
            duration: 5m
            warmup: 30s
            seed: 9
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 300/s }
                timeout: 1s
                retry: { max_attempts: 3, on: [timeout, error], budget: { ratio: 0.1, min_per_second: 5 } }
            services:
              api:
                instances: 4
                workers: 16
                service_time: { dist: exponential, mean: 5ms }
                calls:
                  - service: db
                    timeout: 200ms
                    retry: { max_attempts: 3, backoff: { base: 20ms, multiplier: 2, cap: 200ms, jitter: full } }
                    circuit_breaker: { failure_ratio: 0.5, min_requests: 20, window: 10s, open_for: 5s, half_open_probes: 5 }
              db:
                instances: 2
                workers: 8
                service_time: { dist: exponential, mean: 15ms }
            timeline:
              - { at: 2m, for: 40s, kind: latency, service: db, add: { dist: constant, value: 250ms } }
            """)
        #expect(flat.contains("what slowed the recovery most: the circuit breaker on api's calls to db refused 88.2% of the calls that asked it."), "\(flat)")
    }

    /// A client at 5 requests/s and a 30 s outage: the health window that starts 2 s before the
    /// outage's end holds 102 successes after it and the outage's last 10 failures, so the
    /// verdict finds health from 3m28s. "At 3m28s, before the last fault ended at 3m30s, the
    /// system was healthy again" was told of two seconds in which every request failed.
    @Test("A return inside the fault is told at its time only when the requests then succeeded")
    func lowRateReturnNotDatedInsideTheFault() throws {
        let flat = try Self.story(
            """
            name: probe
            description: a client at 5/s; api refuses everything for 30s.
            duration: 6m
            warmup: 30s
            seed: 21
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 5/s }
                timeout: 1s
            services:
              api:
                instances: 2
                workers: 4
                service_time: { dist: exponential, mean: 20ms }
            timeline:
              - { at: 3m, for: 30s, kind: outage, service: api, mode: refuse }
            """)
        #expect(!flat.contains("before the last fault ended at 3m30s, the system was healthy again"), "\(flat)")
        #expect(flat.contains("By the time the last fault ended, at 3m30s, the system was healthy again"), "\(flat)")
    }

    /// A least_outstanding balancer and a paused instance, no health check: the balancer sent
    /// it 6 of 1,974 attempts as its requests piled up. "api's balancer kept sending work to
    /// the paused instance" was told, pointing the room at a health check it did not need.
    @Test("A load-aware balancer is not said to keep sending work to a paused instance")
    func pauseUnderLoadAwareBalancer() throws {
        let flat = try Self.story(
            """
            name: probe
            description: least-outstanding balancer; one api instance of four pauses for 5s twice.
            duration: 4m
            warmup: 30s
            seed: 11
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 400/s }
                timeout: 500ms
                retry: { max_attempts: 2 }
            services:
              api:
                instances: 4
                workers: 8
                balancer: least_outstanding
                service_time: { dist: exponential, mean: 15ms }
            timeline:
              - { at: 90s, for: 5s, kind: pause, service: api, count: 1 }
              - { at: 150s, for: 5s, kind: pause, service: api, count: 1 }
            """)
        #expect(!flat.contains("kept sending work to the paused instance"), "\(flat)")
        #expect(flat.contains("api's balancer (least_outstanding) kept the paused instance in rotation, with no health check or outlier detection to take it out, but sent it less work as its requests piled up"), "\(flat)")
    }

    /// A 20% cohort gets 400 ms more on api's calls to db for 1 minute of the 3m30s after
    /// warmup; about 1% of its requests succeed while it acts. "The experiment cohort
    /// succeeded 71.4%" (a whole-run figure, as summary.json's) read as the fault's toll.
    @Test("The cohort sentence says how long the experiment acted of the time it is counted over")
    func cohortDilutionSaid() throws {
        let flat = try Self.story(
            """
            name: probe
            description: a chaos experiment adds 400ms to api->db calls for 20% of requests; users time out at 300ms.
            duration: 4m
            warmup: 30s
            seed: 5
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 200/s }
                timeout: 300ms
            services:
              api:
                instances: 2
                workers: 16
                service_time: { dist: exponential, mean: 10ms }
                calls:
                  - { service: db }
              db:
                instances: 2
                workers: 16
                service_time: { dist: exponential, mean: 10ms }
            timeline:
              - { at: 2m, for: 1m, kind: latency, service: db, caller: api, share: 0.2, add: { dist: constant, value: 400ms } }
            """)
        #expect(flat.contains("Over the run after warmup (3m30s, the experiment's faults acting for 1m00s of it), of the requests of users created after warmup that ended, the experiment cohort"), "\(flat)")
    }

    /// api scaled from 4 to 1 at 2m (instances stop at once) and back to 4 at 3m (they boot
    /// for 20 s). "By 2m20s, the operator's scaling of api was over" gave the scale-down the
    /// boot time of instances it never started.
    @Test("A scale-down is over at once")
    func scaleDownOverAtOnce() throws {
        let flat = try Self.story(
            """
            name: probe
            description: an operator scales api from 4 to 1 instance and back to 4 a minute later under load.
            duration: 5m
            warmup: 30s
            seed: 14
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 400/s }
                timeout: 1s
                retry: { max_attempts: 2 }
            services:
              api:
                instances: 4
                workers: 8
                boot_time: 20s
                service_time: { dist: exponential, mean: 10ms }
            timeline:
              - { at: 2m, kind: scale, service: api, to: 1 }
              - { at: 3m, kind: scale, service: api, to: 4 }
            """)
        #expect(!flat.contains("By 2m20s"), "\(flat)")
        #expect(flat.contains("By 3m20s, the instances the operator added to api had booted."), "\(flat)")
    }

    /// A LIFO queue at a busy api times out a few attempts in its baseline (7 of 63,029); after
    /// an outage of a service nobody calls, an interval reaches 2.3%. "At 2m05s, attempts began
    /// to time out" was told, though they had timed out before.
    @Test("Timeouts present before the fault, however few, are told as a rise")
    func fewTimeoutsBeforeTheFault() throws {
        let flat = try Self.story(
            """
            name: probe
            description: a LIFO queue at a busy api; a service nobody calls goes down for 30s.
            duration: 4m
            warmup: 30s
            seed: 10
            clients:
              users:
                target: api
                arrival: { process: poisson, rate: 700/s }
                timeout: 1s
                retry: { max_attempts: 3 }
            services:
              api:
                instances: 2
                workers: 8
                service_time: { dist: exponential, mean: 20ms }
                queue: { capacity: 2000, discipline: lifo }
              spare:
                instances: 1
                workers: 1
                service_time: { dist: exponential, mean: 20ms }
            timeline:
              - { at: 2m, for: 30s, kind: outage, service: spare, mode: refuse }
            """)
        #expect(!flat.contains("attempts began to time out"), "\(flat)")
        #expect(flat.contains("At 2m05s, timeouts rose: 2.3% of the attempts that ended from 2m05s to 2m06s got no answer in time, against 0.011% before the first fault."), "\(flat)")
    }

    /// thundering-herd's recovery was told as averages over 93 s ("retries were 79.8% of the
    /// attempts"), hiding its synchronized retry waves, one per backoff step of a backoff with no
    /// jitter, and the 6,859 requests that failed together in the last wave: every request the
    /// run failed. Both are told now; every wave the sentence lists is an interval of
    /// timeseries.csv whose attempts are mostly retries and at least a quarter of the largest
    /// such interval, with no other such interval between, and the burst's count and share are
    /// the series' own. The full-jitter variant, whose retries spread out, tells no waves.
    @Test("Retry waves and a failure burst are told, with figures the time series gives")
    func retryWavesAndFailureBurst() throws {
        let (out, flat) = try Self.shipped("thundering-herd", folder: "herd")
        let waves = try #require(flat.firstMatch(of: /the retries of apps came back in (\d+) separate waves, at ([0-9ms, and]+), each within 1s: the largest, (\d+) attempts\/s from/), "\(flat)")
        #expect(flat.contains("apps' backoff has no jitter"), "\(flat)")
        let csv = try Self.timeseries(out)
        let header = csv[0]
        let time = try #require(header.firstIndex(of: "time")), attempts = try #require(header.firstIndex(of: "clients.apps.attempts"))
        let retries = try #require(header.firstIndex(of: "clients.apps.retries")), failures = try #require(header.firstIndex(of: "clients.apps.failures"))
        let rows = csv.dropFirst().compactMap { row -> (end: Double, attempts: Double, retries: Double, failures: Double)? in
            guard let t = Double(row[time]), let a = Double(row[attempts]), let r = Double(row[retries]), let f = Double(row[failures]) else { return nil }
            return (t, a, r, f)
        }
        func seconds(_ clock: Substring) -> Double {
            let parts = clock.split(separator: "m")
            return Double(parts[0])! * 60 + Double(parts[1].dropLast())!
        }
        let starts = waves.2.split(separator: ",").flatMap { $0.split(separator: " ") }.filter { $0.hasSuffix("s") && $0 != "and" }.map(seconds)
        #expect(starts.count == Int(waves.1)!, "\(waves.0)")
        // The intervals after the spike (1m31s) whose attempts are mostly retries; the waves
        // are those of them with at least a quarter of the largest (here, each stands alone).
        let after = rows.filter { $0.end > 91 && $0.retries >= 0.5 * $0.attempts && $0.attempts > 0 }
        let largest = after.map(\.attempts).max() ?? 0
        #expect(Double(waves.3)! == largest)
        let expected = after.filter { $0.attempts >= 0.25 * largest }.map { $0.end - 1 }
        #expect(starts == expected, "told \(starts), the series has \(expected)")
        // The burst: its count is the series' failures in its second, and its share of those after warmup.
        let burst = try #require(flat.firstMatch(of: /At (\d+m\d\ds), (\d+) of apps' requests failed within 1s, in its last retry wave: ([0-9.]+)% of its failed requests from 30s to the end of the run/), "\(flat)")
        let second = seconds(burst.1)
        let inBurst = try #require(rows.first { abs($0.end - second - 1) < 1e-9 })
        #expect(inBurst.failures == Double(burst.2)!)
        let total = rows.filter { $0.end > 30 }.reduce(0) { $0 + $1.failures }
        #expect(abs(Double(burst.3)! - 100 * inBurst.failures / total) < 0.05, "\(burst.0): \(inBurst.failures) of \(total)")
        #expect(second == starts.last)

        let jittered = try CLIHarness.run(["run", "Scenarios/thundering-herd.yaml", "--variant", "full-jitter", "--out", out.path + "-jitter"], currentDirectory: CLIHarness.root, timeout: 300)
        #expect(jittered.status == 0)
        #expect(!jittered.stdout.contains("separate waves"), "\(jittered.stdout)")
        // The same waves whatever the metrics interval: at 250 ms each 1 s wave spans four
        // intervals, and the burst is the whole last wave, not its largest quarter second.
        let fine = try CLIHarness.run(["run", "Scenarios/thundering-herd.yaml", "--set", "metrics.interval=250ms", "--out", out.path + "-fine"],
                                      currentDirectory: CLIHarness.root, timeout: 300)
        let fineFlat = fine.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(fineFlat.contains("came back in \(waves.1) separate waves, at \(waves.2), each within 1s"), "\(fineFlat)")
        #expect(fineFlat.contains("\(burst.2) of apps' requests failed within 1s, in its last retry wave: 100%"), "\(fineFlat)")
        // A circuit breaker that lets retries through in bursts as it half-opens is no backoff's
        // wave (breaker-retry-flap, whose jittered variant bursts the same way).
        for variant in [[], ["--variant", "jitter"]] {
            let flap = try CLIHarness.run(["run", "Scenarios/breaker-retry-flap.yaml", "--out", out.path + "-flap"] + variant,
                                          currentDirectory: CLIHarness.root, timeout: 300)
            #expect(!flap.stdout.contains("separate waves"), "\(variant): \(flap.stdout)")
        }
    }

    /// A service that stops answering: a latency of 1000 h for 5 s holds every worker for ever,
    /// and every request after it waits. Nothing ended after the fault, so the verdict's one
    /// health window, cut on ended requests, ran from before the fault to the end and held only
    /// the successes before it: `stable`, beside a story whose goodput read 0.00/s. Windows are
    /// cut on the requests offered too (DESIGN.md, "Outcomes": a window holds at least 100
    /// requests), so those after the fault hold requests of which none ended.
    @Test("A service that stops answering for good is not judged stable")
    func aServiceThatHangsIsNotStable() throws {
        let out = try CLIHarness.temporaryDirectory().appendingPathComponent("hang")
        let file = try CLIHarness.scenarioFile("""
            name: hang
            description: A latency that never ends holds every worker.
            duration: 4m
            seed: 1
            clients:
              u: { target: api, arrival: { process: poisson, rate: 100/s } }
            services:
              api: { instances: 2, workers: 4, service_time: { dist: constant, value: 1ms }, queue: { capacity: 100000 } }
            timeline:
              - { at: 10s, for: 5s, kind: latency, service: api, add: { dist: constant, value: 1000h } }

            """)
        let run = try CLIHarness.run(["run", file.path, "--out", out.path], timeout: 120)
        #expect(run.status == 0, "\(run.stderr)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("summary.json"))) as? [String: Any])
        #expect(summary["outcome"] as? String == "metastable", "\(run.stdout)")
    }

    /// operator-retries-off came back 19 s after its operator switched retries off, and a
    /// minute before that change ended; the story said only "By the time the operator's change
    /// ... ended, at 4m00s, the system was healthy again", hiding the scenario's lesson. The
    /// return is told at its time, with the time since the change began, which is the change's
    /// start (3m00s) subtracted from the return the sentence names.
    @Test("A return while an operator's change is in force is told at its time, and how long after the change")
    func returnDuringAnOperatorChange() throws {
        let flat = try Self.shipped("operator-retries-off", folder: "out").flat
        let told = try #require(flat.firstMatch(of: /At 3m(\d\d)s, before the operator's change to clients\.users\.retry\.max_attempts ended at 4m00s, (\d+)s after that change began, the system was healthy again/), "\(flat)")
        #expect(Int(told.1) == Int(told.2), "\(told.0)")
        #expect(!flat.contains("By the time the operator's change"), "\(flat)")
    }

    /// Work queued behind a paused instance is held, not draining: stop-the-world-pause's
    /// least-outstanding variant was told "(a backlog draining)" from 1m31s to 1m32s, while its
    /// pause lasted until 1m34s.
    @Test("A backlog behind a paused instance is not said to be draining")
    func backlogBehindAPause() throws {
        let flat = try Self.shipped("stop-the-world-pause", ["--variant", "least-outstanding"], folder: "out").flat
        #expect(flat.contains("(a backlog held behind a paused instance)"), "\(flat)")
        #expect(!flat.contains("a backlog draining"), "\(flat)")
    }

    /// cold-cache-deploy's database saturates because the deploy emptied the caches in front of
    /// it; the story named the saturated database alone. The caches are named beside it, their
    /// hit ratio over the same span against the baseline, both recomputed here from the series.
    @Test("A saturated dependency is told with the cold cache that feeds it")
    func coldCacheFeedsTheDependency() throws {
        let (out, flat) = try Self.shipped("cold-cache-deploy", folder: "ccd")
        let told = try #require(flat.firstMatch(of: /from (\d+)m(\d\d)s to (\d+)m(\d\d)s, what slowed the recovery most: db, which api calls, was [0-9.]+% busy \(a saturated dependency\), fed by api's cache hitting ([0-9.]+)% of its lookups against ([0-9.]+)% before the first fault/), "\(flat)")
        let from = Double(Int(told.1)! * 60 + Int(told.2)!), to = Double(Int(told.3)! * 60 + Int(told.4)!)
        let csv = try Self.timeseries(out)
        let time = try #require(csv[0].firstIndex(of: "time"))
        let hits = try #require(csv[0].firstIndex(of: "services.api.cache_hits")), misses = try #require(csv[0].firstIndex(of: "services.api.cache_misses"))
        func ratio(_ a: Double, _ b: Double) -> Double {
            let rows = csv.dropFirst().filter { Double($0[time]).map { $0 > a && $0 <= b } ?? false }
            let h = rows.reduce(0) { $0 + (Double($1[hits]) ?? 0) }, m = rows.reduce(0) { $0 + (Double($1[misses]) ?? 0) }
            return 100 * h / (h + m)
        }
        #expect(abs(Double(told.5)! - ratio(from, to)) < 0.05, "\(told.0)")
        // The baseline: after warmup, before the deploy.
        let yaml = try String(contentsOf: CLIHarness.root.appendingPathComponent("Scenarios/cold-cache-deploy.yaml"), encoding: .utf8)
        let warmup = try #require(yaml.firstMatch(of: /\nwarmup: (\d+)m/)).1, deploy = try #require(yaml.firstMatch(of: /at: (\d+)m, kind: deploy/)).1
        #expect(abs(Double(told.6)! - ratio(Double(warmup)! * 60, Double(deploy)! * 60)) < 0.05, "\(told.0)")
    }
}
