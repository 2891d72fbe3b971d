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

/// What one query searches: the sealed segments and the growing graph at one instant. Readers take a
/// snapshot and never wait for writers; a writer publishes a new snapshot when it has changed something.
struct Snapshot: Sendable {
    var segments: [LiveSegment]
    var growing: HNSWIndex
}
