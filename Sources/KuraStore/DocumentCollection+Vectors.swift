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

    /// Documents ranked, best first, by how close their document vector is to `query` under the
    /// collection's metric, from their vectors as ``documents(ofChunks:)`` read them (a one-chunk document's
    /// is its chunk's vector); documents without one are left out, and a document given through several
    /// chunks counts once (by the first).
    public func rankDocuments(of docs: [ChunkDocument], query: [Float]) -> [(id: String, score: Double)] {
        guard query.count == info.dimension else { return [] }
        let q = info.metric == .cosine ? Vectors.normalized(query) : query
        var seen = Set<String>()
        return docs.compactMap { d -> (String, Double)? in
            guard let v = d.vector, v.count == q.count, seen.insert(d.id).inserted else { return nil }
            var dot: Float = 0, dist: Float = 0
            for i in 0..<q.count {
                dot += q[i] * v[i]
                dist += (q[i] - v[i]) * (q[i] - v[i])
            }
            return (d.id, Double(info.metric == .l2 ? -dist : dot))
        }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.map { (id: $0.0, score: $0.1) }
    }

    /// Each given chunk's document (external id) and that document's vector, in one read: what hybrid
    /// search needs of its ~100 candidates, without their text. The vector is the stored document vector,
    /// else the chunk's own (pending or sealed, normalised for cosine): a one-chunk document stores none,
    /// and a document of several chunks written before document vectors existed is best spoken for by the
    /// chunk that made it a candidate. Nil when the chunk's segment a compaction has just swapped out of
    /// this snapshot. (Telling those two kinds apart by counting chunks cost a third of this read.)
    public func documents(ofChunks ids: [Int64]) throws -> [Int64: ChunkDocument] {
        guard !ids.isEmpty else { return [:] }
        if !recovered.load(ordering: .acquiring) { try indexer.sync { try ensureRecovered() } }
        let snap = snapshot
        var out: [Int64: ChunkDocument] = [:]
        out.reserveCapacity(ids.count)
        // Only a chunk not yet sealed, of a document without a vector, pays for looking up its pending vector.
        let select = """
            SELECT c.id, d.external_id, d.vector, c.segment_id, c.segment_row,
              CASE WHEN c.segment_id IS NULL AND d.vector IS NULL THEN (SELECT p.vector FROM pending_vector p WHERE p.chunk_id = c.id) END
            FROM chunk c JOIN document d ON d.id = c.document_id
            """
        try readChunks(ids, select) { row in out[row[0]] = ChunkDocument(id: row[1], vector: documentVector(row, snap)) }
        return out
    }

    /// The vector of a row of ``documents(ofChunks:)``.
    private func documentVector(_ row: Row, _ snap: Snapshot) -> [Float]? {
        if let own = row[2] as Data? { return Self.floats(own, info.dimension) }
        if let pending = row[5] as Data?, var v = Self.floats(pending, info.dimension) {
            if info.metric == .cosine { v = Vectors.normalized(v) }
            return v
        }
        // Sealed: the segment keeps the row as searched (normalised for cosine).
        guard let segmentID = row[3] as Int64?, let segmentRow = row[4] as Int?,
            let live = snap.segments.first(where: { $0.id == segmentID }), segmentRow < live.segment.count
        else { return nil }
        return Array(live.segment.vector(ofRow: UInt32(segmentRow)))
    }

    private static func floats(_ data: Data, _ dimension: Int) -> [Float]? {
        guard data.count == dimension * 4 else { return nil }
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }
}

/// A chunk's document and the vector that ranks it among documents (see `documents(ofChunks:)`).
public struct ChunkDocument: Sendable, Equatable {
    public var id: String
    public var vector: [Float]?
}
