import KuraIndex

/// A sealed segment as a collection sees it: the mapped file plus the rows deleted since it was sealed.
/// Immutable: a delete makes a new one with a larger tombstone set.
final class LiveSegment: Sendable {
    let id: Int64
    let segment: Segment
    let tombstones: Bitset

    init(id: Int64, segment: Segment, tombstones: Bitset) {
        self.id = id
        self.segment = segment
        self.tombstones = tombstones
    }

    func deleting(rows: [Int]) -> LiveSegment {
        var t = tombstones
        for r in rows where r < t.capacity { t.insert(r) }
        return LiveSegment(id: id, segment: segment, tombstones: t)
    }

    var liveRows: Int { segment.count - tombstones.count }
}

/// What one query searches: the sealed segments, the graphs being sealed and the growing graph at one
/// instant. Readers take a snapshot and never wait for writers; a writer publishes a new snapshot when it
/// has changed something.
struct Snapshot: Sendable {
    var segments: [LiveSegment]
    /// Full graphs frozen behind a fresh growing graph while their segment files are written.
    var sealing: [HNSWIndex] = []
    var growing: HNSWIndex
    /// Rows deleted from a segment whose seal committed but which is not in `segments` yet: the seal
    /// applies them when it publishes the segment. Not for readers.
    var earlyTombstones: [Int64: [Int]] = [:]

    /// Every in-memory graph, oldest first.
    var graphs: [HNSWIndex] { sealing + [growing] }
}
