/// The seed of one run of a sweep, derived from the scenario's seed, the point and the
/// replication, and from nothing else: not the run's position in a shard, its thread or its time,
/// so a run gives the same result however the sweep is split.
///
/// The point enters through its key (its varied values as text), so adding a value to an axis
/// leaves every other point's seeds unchanged. The mixing is SplitMix64's finaliser (Steele,
/// Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014) over FNV-1a of
/// the key, so neighbouring replications get unrelated seeds.
public enum RunSeed {
    /// The seed of replication `replication` of the point whose key is `pointKey`.
    public static func derive(base: UInt64, pointKey: String, replication: Int) -> UInt64 {
        var h = mix(base ^ 0x5EED_5EED_5EED_5EED)
        h = mix(h ^ fnv1a(pointKey))
        h = mix(h ^ UInt64(truncatingIfNeeded: replication))
        return h
    }

    /// FNV-1a, 64 bits, of the UTF-8 bytes of `text`.
    public static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// SplitMix64's output function.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
