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
    /// collection's metric, from the vectors ``documents(of:)`` read; documents without one are left out,
    /// and a document given through several chunks with different vectors counts at its best.
    public func rankDocuments(of docs: [ChunkDocument], query: [Float]) -> [(document: Int64, score: Double)] {
        guard query.count == info.dimension else { return [] }
        let q = info.metric == .cosine ? Vectors.normalized(query) : query
        var best: [Int64: Double] = [:]
        for d in docs {
            guard let v = d.vector, v.count == q.count else { continue }
            var dot: Float = 0, dist: Float = 0
            for i in 0..<q.count {
                dot += q[i] * v[i]
                dist += (q[i] - v[i]) * (q[i] - v[i])
            }
            let score = Double(info.metric == .l2 ? -dist : dot)
            if score > best[d.document] ?? -.infinity { best[d.document] = score }
        }
        return best.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.map { (document: $0.key, score: $0.value) }
    }

    /// Each hit's document (catalog id) and that document's vector: what hybrid search needs of its ~100
    /// candidates, without their text. The vector is the stored document vector, else the chunk's own
    /// (normalised for cosine): a one-chunk document stores none, and a document of several chunks
    /// written before document vectors existed is best spoken for by the chunk that made it a candidate.
    ///
    /// A hit at a sealed segment's row is answered from the segment's file: its postings name the row's
    /// document, and a row that is its document's only one there (docs384's passages, most small records)
    /// has its vector in the row. Only documents with several rows are looked up in the catalog, by
    /// document; hits of the in-memory graphs, or of a segment a compaction has since swapped out, are
    /// read through their chunk. A document split across segments by a seal whose row here is its only
    /// one is spoken for by that row, like a document without a stored vector. Chunks the catalog no longer
    /// holds are left out.
    public func documents(of hits: [Hit]) throws -> [Int64: ChunkDocument] {
        guard !hits.isEmpty else { return [:] }
        if !recovered.load(ordering: .acquiring) { try indexer.sync { try ensureRecovered() } }
        let snap = snapshot
        var out: [Int64: ChunkDocument] = [:]
        out.reserveCapacity(hits.count)
        var throughChunk = Set<Int64>()
        var severalRows: [Int64: [Int64]] = [:]  // document → its candidate chunks
        for hit in hits where out[hit.chunkID] == nil {
            guard let at = hit.location, let live = snap.segments.first(where: { $0.id == at.segment }), let text = live.text,
                Int(at.row) < live.segment.count, live.segment.id(ofRow: at.row) == UInt64(bitPattern: hit.chunkID),
                let document = text.documentID(ofRow: at.row)
            else {
                throughChunk.insert(hit.chunkID)
                continue
            }
            let own = Array(live.segment.vector(ofRow: at.row))
            out[hit.chunkID] = ChunkDocument(document: document, vector: own)
            if !text.isOnlyRowOfItsDocument(at.row) { severalRows[document, default: []].append(hit.chunkID) }
        }
        try readChunks(Array(severalRows.keys), "SELECT d.id, d.vector FROM document d", column: "d.id") { row in
            guard let stored = row[1] as Data?, let v = Self.floats(stored, info.dimension) else { return }
            for chunk in severalRows[row[0]] ?? [] { out[chunk]?.vector = v }
        }
        try readThroughChunks(Array(throughChunk.subtracting(out.keys)), snap, into: &out)
        return out
    }

    /// ``documents(of:)`` for chunks read through the catalog. Only a chunk not yet sealed, of a document
    /// without a vector, pays for looking up its pending vector.
    private func readThroughChunks(_ ids: [Int64], _ snap: Snapshot, into out: inout [Int64: ChunkDocument]) throws {
        let select = """
            SELECT c.id, d.id, d.vector, c.segment_id, c.segment_row,
              CASE WHEN c.segment_id IS NULL AND d.vector IS NULL THEN (SELECT p.vector FROM pending_vector p WHERE p.chunk_id = c.id) END
            FROM chunk c JOIN document d ON d.id = c.document_id
            """
        try readChunks(ids, select) { row in out[row[0]] = ChunkDocument(document: row[1], vector: documentVector(row, snap)) }
    }

    /// The vector of a row of ``readThroughChunks(_:_:into:)``.
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
