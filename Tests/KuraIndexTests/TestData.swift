import Foundation
import KuraBench
import KuraCore
import KuraIndex
import KuraTesting

/// Shared test data: seeded random vectors, and the real MiniLM vectors of shared/datasets/docs384.
enum TestData {
    /// `n` random vectors of dimension `d`, row-major.
    static func random(_ n: Int, _ d: Int, seed: UInt64) -> [Float] { SeededRandom.vectors(n, d, seed: seed) }

    static func row(_ data: [Float], _ i: Int, _ d: Int) -> [Float] { Array(data[(i * d)..<((i + 1) * d)]) }

    /// The repository's shared data folder (`../shared` beside the checkout).
    static var shared: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The first `rows` docs384 base vectors and `queries` dev queries, loaded once.
    static func docs384(rows: Int, queries: Int) throws -> (base: VectorSet, queries: VectorSet) {
        let dir = shared.appendingPathComponent("datasets/docs384")
        let base = try VectorFiles.loadVectors(dir.appendingPathComponent("base.f16.npy").path).prefix(rows)
        let q = try VectorFiles.loadVectors(dir.appendingPathComponent("dev.queries.fvecs").path).prefix(queries)
        return (base, q)
    }

    /// Builds an index over row-major `data`.
    static func index(
        _ data: [Float], dimension d: Int, metric: Metric = .cosine, parameters: HNSWParameters = HNSWParameters(m: 12, efConstruction: 100), threads: Int = 1,
        extra: Int = 0
    ) throws -> HNSWIndex {
        let n = data.count / d
        let index = try HNSWIndex(dimension: d, metric: metric, parameters: parameters, capacity: n + extra)
        try data.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0, ids: (0..<n).map { UInt64($0) }, threads: threads) }
        return index
    }

    /// Mean recall@k of `found` against `truth`, by row.
    static func recall(_ found: [[Neighbor]], _ truth: [[Neighbor]], k: Int) -> Double {
        var hits = 0
        for (f, t) in zip(found, truth) {
            let want = Set(t.prefix(k).map(\.row))
            hits += f.prefix(k).filter { want.contains($0.row) }.count
        }
        return Double(hits) / Double(truth.count * k)
    }
}
