/// "Did you mean" hints: the closest candidate by optimal-string-alignment distance (Levenshtein
/// plus adjacent transpositions, so `retyr` finds `retry`).
public enum Suggestion {
    /// The candidate closest to `word`, when it is close enough to be a plausible misspelling:
    /// at most 1 edit for words of up to 4 characters, 2 up to 8, 3 beyond.
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        let a = Array(word.lowercased().unicodeScalars)
        guard a.count <= 64 else { return nil }
        let limit = a.count <= 4 ? 1 : (a.count <= 8 ? 2 : 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates where candidate != word {
            let b = Array(candidate.lowercased().unicodeScalars)
            guard abs(b.count - a.count) <= limit else { continue }
            let d = distance(a, b)
            if d <= limit, d < (best?.distance ?? .max) { best = (candidate, d) }
        }
        return best?.name
    }

    /// Optimal string alignment distance between two scalar arrays. O(|a| x |b|).
    static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        let width = b.count + 1
        var d = [Int](repeating: 0, count: (a.count + 1) * width)
        for i in 0...a.count { d[i * width] = i }
        for j in 0...b.count { d[j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var v = min(d[(i - 1) * width + j] + 1, d[i * width + j - 1] + 1, d[(i - 1) * width + j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    v = min(v, d[(i - 2) * width + j - 2] + 1)
                }
                d[i * width + j] = v
            }
        }
        return d[a.count * width + b.count]
    }
}
