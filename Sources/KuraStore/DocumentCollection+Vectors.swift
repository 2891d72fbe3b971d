import Foundation
import GRDB
import KuraCore
import KuraIndex
import Synchronization

extension DocumentCollection {
    /// The stored vectors (normalised, for cosine) of the given chunks that are indexed, by chunk id.
    /// A scan of the row ids: meant for reranking a few candidates, not for the search path.
    public func vectors(of chunkIDs: Set<Int64>) throws -> [Int64: [Float]] {
        guard !chunkIDs.isEmpty else { return [:] }
        if !recovered.load(ordering: .acquiring) { try indexer.sync { try ensureRecovered() } }
        let snap = snapshot
        var out: [Int64: [Float]] = [:]
        for live in snap.segments {
            for row in 0..<UInt32(live.segment.count) where chunkIDs.contains(Int64(live.segment.id(ofRow: row))) {
                out[Int64(live.segment.id(ofRow: row))] = Array(live.segment.vector(ofRow: row))
            }
        }
        for row in 0..<UInt32(snap.growing.count) where chunkIDs.contains(Int64(snap.growing.id(ofRow: row))) {
            out[Int64(snap.growing.id(ofRow: row))] = snap.growing.vector(ofRow: row)
        }
        return out
    }

    /// A document's vector as stored: the mean of its chunk vectors, normalised for cosine, so that one
    /// vector speaks for the whole document.
    func documentVector(_ r: Record) -> Data {
        var mean = [Float](repeating: 0, count: info.dimension)
        for c in r.chunks {
            let v = info.metric == .cosine ? Vectors.normalized(c.vector) : c.vector
            for i in mean.indices { mean[i] += v[i] }
        }
        let scale = 1 / Float(r.chunks.count)
        mean = mean.map { $0 * scale }
        if info.metric == .cosine { mean = Vectors.normalized(mean) }
        return mean.withUnsafeBytes { Data($0) }
    }

    /// The given documents (external ids) ranked, best first, by how close their document vector is to
    /// `query` under the collection's metric; documents without a vector are left out.
    public func rankDocuments(_ ids: [String], query: [Float]) throws -> [(id: String, score: Double)] {
        guard !ids.isEmpty, query.count == info.dimension else { return [] }
        let q = info.metric == .cosine ? Vectors.normalized(query) : query
        let rows = try store.db.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT external_id, vector FROM document
                    WHERE collection_id = ? AND vector IS NOT NULL AND external_id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [info.id, String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)])
        }
        return rows.compactMap { row -> (String, Double)? in
            let data: Data = row["vector"]
            guard data.count == info.dimension * 4 else { return nil }
            let score = data.withUnsafeBytes { raw -> Double in
                let v = raw.bindMemory(to: Float.self)
                var dot: Float = 0, dist: Float = 0
                for i in 0..<q.count {
                    dot += q[i] * v[i]
                    dist += (q[i] - v[i]) * (q[i] - v[i])
                }
                return Double(info.metric == .l2 ? -dist : dot)
            }
            return (row["external_id"], score)
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { (id: $0.0, score: $0.1) }
    }
}
