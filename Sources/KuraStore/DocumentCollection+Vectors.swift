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
        for graph in snap.graphs {
            for row in 0..<UInt32(graph.count) where chunkIDs.contains(Int64(graph.id(ofRow: row))) {
                out[Int64(graph.id(ofRow: row))] = graph.vector(ofRow: row)
            }
        }
        return out
    }

    /// A document's vector as stored: the mean of its chunk vectors, normalised for cosine, so that one
    /// vector speaks for the whole document. A document of one chunk stores none (NULL): its chunk's
    /// vector is the same, and not writing it again halves the bytes a bulk load of small records writes.
    func documentVector(_ r: Record) -> Data? {
        guard r.chunks.count > 1 else { return nil }
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
    /// `query` under the collection's metric (a one-chunk document's is its chunk's vector); documents
    /// without one (several chunks written before document vectors existed) are left out.
    public func rankDocuments(_ ids: [String], query: [Float]) throws -> [(id: String, score: Double)] {
        guard !ids.isEmpty, query.count == info.dimension else { return [] }
        let q = info.metric == .cosine ? Vectors.normalized(query) : query
        let snap = snapshot
        let vectors = try store.db.read { db -> [(String, [Float])] in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.external_id, d.vector, c.segment_id, c.segment_row, p.vector
                    FROM document d
                    LEFT JOIN chunk c ON d.vector IS NULL AND c.document_id = d.id
                      AND (SELECT count(*) FROM chunk o WHERE o.document_id = d.id) = 1
                    LEFT JOIN pending_vector p ON p.chunk_id = c.id
                    WHERE d.collection_id = ? AND d.external_id IN (SELECT value FROM json_each(?))
                    """,
                arguments: [info.id, String(decoding: try JSONEncoder().encode(ids), as: UTF8.self)])
            return rows.compactMap { row in
                let id: String = row[0]
                if let own = row[1] as Data? { return Self.floats(own, info.dimension).map { (id, $0) } }
                if let pending = row[4] as Data?, var v = Self.floats(pending, info.dimension) {
                    if info.metric == .cosine { v = Vectors.normalized(v) }
                    return (id, v)
                }
                // Sealed: the segment keeps the row as searched (normalised for cosine). A segment just
                // swapped out by compaction is not in this snapshot; the document is then left out.
                guard let segmentID = row[2] as Int64?, let segmentRow = row[3] as Int?,
                    let live = snap.segments.first(where: { $0.id == segmentID }), segmentRow < live.segment.count
                else { return nil }
                return (id, Array(live.segment.vector(ofRow: UInt32(segmentRow))))
            }
        }
        return vectors.map { id, v -> (String, Double) in
            var dot: Float = 0, dist: Float = 0
            for i in 0..<q.count {
                dot += q[i] * v[i]
                dist += (q[i] - v[i]) * (q[i] - v[i])
            }
            return (id, Double(info.metric == .l2 ? -dist : dot))
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { (id: $0.0, score: $0.1) }
    }

    private static func floats(_ data: Data, _ dimension: Int) -> [Float]? {
        guard data.count == dimension * 4 else { return nil }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}
