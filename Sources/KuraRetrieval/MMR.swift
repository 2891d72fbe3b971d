import KuraCore

/// Maximal marginal relevance: picks results one at a time, each maximising
/// `lambda * relevance - (1 - lambda) * (highest cosine to a result already picked)`, so near-duplicate
/// chunks give way to ones that add something. `lambda` 1 keeps the relevance order; 0 only diversifies.
public enum MMR {
    /// Indices into `relevance` (any scale; min-max normalised here) in picked order, at most `k`.
    /// `vectors[i]` is candidate i's vector, or nil when it has none (it then counts as unlike the rest).
    public static func select(relevance: [Double], vectors: [[Float]?], k: Int, lambda: Double) -> [Int] {
        precondition(relevance.count == vectors.count)
        let lo = relevance.min() ?? 0
        let span = (relevance.max() ?? 0) - lo
        let rel = relevance.map { span > 0 ? ($0 - lo) / span : 1 }
        let unit = vectors.map { $0.map(Vectors.normalized) }
        var maxSimilarity = [Double](repeating: 0, count: relevance.count)
        var remaining = Array(relevance.indices)
        var picked: [Int] = []
        while picked.count < k, !remaining.isEmpty {
            // Ties go to the earlier candidate, so equal scores keep the input order.
            var best = 0
            var bestValue = -Double.infinity
            for (slot, i) in remaining.enumerated() {
                let value = lambda * rel[i] - (1 - lambda) * maxSimilarity[i]
                if value > bestValue {
                    best = slot
                    bestValue = value
                }
            }
            let chosen = remaining.remove(at: best)
            picked.append(chosen)
            guard let v = unit[chosen] else { continue }
            for i in remaining { if let u = unit[i] { maxSimilarity[i] = max(maxSimilarity[i], dot(u, v)) } }
        }
        return picked
    }

    static func dot(_ a: [Float], _ b: [Float]) -> Double {
        var s: Float = 0
        for i in 0..<min(a.count, b.count) { s += a[i] * b[i] }
        return Double(s)
    }
}
