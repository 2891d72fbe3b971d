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
}
