import SatsimCore
import Testing

@testable import SatsimMetrics

/// Issue 10 records each success once, into its interval's histogram, and builds the run's
/// histogram from the intervals (`LatencyHistogram.addBuckets(of:except:)`), leaving out the
/// successes of requests created before warmup. The run's figures must be exactly those of a
/// histogram that recorded the counted successes directly, as the engine did before.
@Suite("Run latency folded from intervals")
struct LatencyFoldTests {
    /// `move`: fold with `moveBuckets(from:except:)`, which clears the interval in the same pass
    /// (the engine's way), instead of `addBuckets` and `reset`; the interval is then reused, so a
    /// bucket the move failed to clear would count twice.
    @Test("Folding intervals, less the excluded successes, equals recording the counted ones directly",
          arguments: [1 as UInt64, 2, 3], [false, true])
    func foldEqualsDirect(seed: UInt64, move: Bool) {
        let stream = RandomStream(seed: seed)
        var direct = LatencyHistogram()
        var interval = LatencyHistogram(), excluded = LatencyHistogram(), folded = LatencyHistogram()
        var sum = 0.0
        var maximum: Int64 = 0
        for k in 0..<20_000 {
            // Latencies over seven decades, so the fold spans many bucket magnitudes.
            let latency = SimTime(seconds: 1e-6 * pow(10, 7 * stream.uniform()))
            let counted = stream.uniform() < 0.8
            interval.record(latency)
            if counted {
                direct.record(latency)
                sum += Double(latency.nanoseconds) * 1e-9
                maximum = max(maximum, latency.nanoseconds)
            } else {
                excluded.record(latency)
            }
            // Intervals of uneven length, some holding only excluded successes.
            if k % 997 == 0 || stream.uniform() < 0.001 {
                if move {
                    folded.moveBuckets(from: &interval, except: excluded)
                    #expect(interval.count == 0 && interval.percentileSeconds(50) == 0)
                } else {
                    folded.addBuckets(of: interval, except: excluded)
                    interval.reset()
                }
                excluded.reset()
                // Every pass above walks the occupancy bitmaps: they must still say exactly which
                // buckets hold something.
                #expect(folded.occupancyIsConsistent && interval.occupancyIsConsistent && excluded.occupancyIsConsistent)
            }
        }
        folded.addBuckets(of: interval, except: excluded)
        folded.setMoments(sumSeconds: sum, maxNanoseconds: maximum)
        #expect(folded.count == direct.count)
        #expect(folded.sumSeconds == direct.sumSeconds)
        #expect(folded.maxNanoseconds == direct.maxNanoseconds)
        for p in [0.0, 1, 10, 25, 50, 75, 90, 99, 99.9, 99.99, 100] {
            #expect(folded.percentileSeconds(p) == direct.percentileSeconds(p), "p\(p)")
        }
        #expect(folded.summary == direct.summary)
    }

    @Test("An interval of excluded successes only adds nothing and widens no range")
    func excludedOnlyIntervalAddsNothing() {
        var interval = LatencyHistogram(), excluded = LatencyHistogram(), folded = LatencyHistogram()
        folded.record(SimTime(seconds: 0.010))
        for ms in [1.0, 500, 2_000] {
            interval.record(SimTime(seconds: ms / 1000))
            excluded.record(SimTime(seconds: ms / 1000))
        }
        folded.addBuckets(of: interval, except: excluded)
        #expect(folded.count == 1)
        // Only the 10 ms bucket is used: p0 and p100 both fall in it.
        #expect(folded.percentileSeconds(0) == folded.percentileSeconds(100))
    }
}

#if canImport(Glibc)
import Glibc
#endif
