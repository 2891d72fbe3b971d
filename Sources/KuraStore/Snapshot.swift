import KuraIndex
import KuraText

/// A sealed segment as a collection sees it: the mapped file plus the rows deleted since it was sealed.
/// Immutable: a delete makes a new one with a larger tombstone set.
final class LiveSegment: Sendable {
    let id: Int64
    let segment: Segment
    let tombstones: Bitset
    /// Its lexical index; nil only for a segment without postings, or with postings that do not name
    /// their rows' documents (format version 1), until the collection first searches or writes (which
    /// builds them in memory from the chunk text, and compaction then writes them).
    let text: LexicalIndex?

    init(id: Int64, segment: Segment, tombstones: Bitset, text: LexicalIndex?) {
        self.id = id
        self.segment = segment
        self.tombstones = tombstones
        self.text = text
    }

    func deleting(rows: [Int]) -> LiveSegment {
        var t = tombstones
        for r in rows where r < t.capacity { t.insert(r) }
        return LiveSegment(id: id, segment: segment, tombstones: t, text: text)
    }

    func with(text: LexicalIndex) -> LiveSegment { LiveSegment(id: id, segment: segment, tombstones: tombstones, text: text) }

    var liveRows: Int { segment.count - tombstones.count }

    /// Whether its file lacks the postings its lexical index needs: compaction rewrites it.
    var postingsOutdated: Bool {
        if case .section = text { return false }
        return true
    }
}

/// An in-memory graph and the lexical index of the same rows.
struct MemoryPart: Sendable {
    var graph: HNSWIndex
    var text: InvertedIndex
}

/// What one query searches: the sealed segments, the graphs being sealed and the growing graph at one
/// instant. Readers take a snapshot and never wait for writers; a writer publishes a new snapshot when it
/// has changed something.
struct Snapshot: Sendable {
    var segments: [LiveSegment]
    /// Full graphs frozen behind a fresh growing graph while their segment files are written.
    var sealing: [MemoryPart] = []
    var growing: HNSWIndex
    /// The growing graph's lexical index as of the last batch absorbed: its rows are the graph's first
    /// rows (the graph may already hold a few more, whose text arrives with the next publish).
    var growingText = InvertedIndex()
    /// Rows deleted from a segment whose seal committed but which is not in `segments` yet: the seal
    /// applies them when it publishes the segment. Not for readers.
    var earlyTombstones: [Int64: [Int]] = [:]

    /// Every in-memory graph, oldest first.
    var graphs: [HNSWIndex] { sealing.map(\.graph) + [growing] }

    /// Every in-memory graph with its lexical index, oldest first.
    var memoryParts: [MemoryPart] { sealing + [MemoryPart(graph: growing, text: growingText)] }
}
