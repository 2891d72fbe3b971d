import Foundation
import KuraCore
import KuraIndex
import Testing

@testable import KuraStore

/// Background seals keep at most `segmentBound` segments by merging them into the largest one's graph;
/// deletes made before and during those merges stay deleted; compaction then drops the deleted rows.
struct SegmentBoundTests {
    @Test func searchesWalkABoundedNumberOfSegments() throws {
        let dir = StoreFixtures.tempDir("bound")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store = try Store(directory: dir)
        var c = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 10)
        let recs = StoreFixtures.records(0..<600, dimension: 8)
        var deleted = Set<String>()
        var mostSegments = 0
        for start in stride(from: 0, to: recs.count, by: 20) {
            _ = try c.upsert(Array(recs[start..<(start + 20)]))
            if start >= 100 && start % 40 == 0 {
                let victim = "doc\(start - 97)"
                #expect(try c.delete(ids: [victim]) == [victim])
                deleted.insert(victim)
            }
            mostSegments = max(mostSegments, c.snapshot.segments.count)
            try c.flush()
            #expect(c.snapshot.segments.count <= DocumentCollection.segmentBound)
        }
        #expect(mostSegments > 1, "the test seals")
        let big = try #require(c.snapshot.segments.max { $0.segment.count < $1.segment.count })
        #expect(big.segment.parameters.efConstruction == c.info.parameters.efConstruction, "merges build with full effort")

        func check(_ c: DocumentCollection) throws {
            for r in recs {
                let top = try StoreFixtures.topDocument(c, r.vector)
                if deleted.contains(r.id) { #expect(top != r.id, "\(r.id) was deleted") } else { #expect(top == r.id) }
            }
            #expect(try c.stats().vectors == recs.count - deleted.count)
        }
        try check(c)
        #expect(try store.verify().isEmpty)
        store = try Store(directory: dir)
        c = try store.collection("c")
        try check(c)
        try c.compact()
        #expect(c.snapshot.segments.count == 1 && c.snapshot.segments[0].segment.count == recs.count - deleted.count)
        try check(c)
        let problems = try store.verify()
        #expect(problems.isEmpty, "\(problems)")
    }

    /// A compacted segment with a few deleted rows is the start of the next merge: its rows, deleted ones
    /// included, come first in the merged segment, the rows of the light segments after them.
    @Test func mergesAdoptTheLargestGraph() throws {
        let dir = StoreFixtures.tempDir("adopt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 10)
        let recs = StoreFixtures.records(0..<190, dimension: 8)
        _ = try c.upsert(Array(recs[0..<100]))
        try c.compact()
        #expect(try c.delete(ids: ["doc3", "doc50"]) == ["doc3", "doc50"])
        for start in stride(from: 100, to: 190, by: 10) { _ = try c.upsert(Array(recs[start..<(start + 10)])) }
        try c.flush()
        let segments = c.snapshot.segments.sorted { $0.segment.count > $1.segment.count }
        #expect(segments.map(\.segment.count) == [180, 10], "one compacted segment and 8 light ones merged, 1 light one left")
        #expect(segments[0].liveRows == 178 && segments[0].tombstones.contains(3) && segments[0].tombstones.contains(50))
        #expect(segments[0].segment.id(ofRow: 99) == segments[0].segment.id(ofRow: 98) + 1, "the adopted rows keep their order")
        for r in recs where r.id != "doc3" && r.id != "doc50" {
            #expect(try StoreFixtures.topDocument(c, r.vector) == r.id)
        }
        let problems = try store.verify()
        #expect(problems.isEmpty, "\(problems)")
    }

    /// Recovery that finds more pending rows than the seal threshold freezes a full graph and seals it in
    /// the background; a compaction right after must wait for that seal, not seal the same rows again.
    @Test func recoveryPastTheThresholdSealsEachRowOnce() throws {
        let dir = StoreFixtures.tempDir("recover-seal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store = try Store(directory: dir)
        let recs = StoreFixtures.records(0..<25, dimension: 8)
        _ = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 100).upsert(recs)
        try store.write { db in try db.execute(sql: "UPDATE collection SET seal_threshold = 10") }
        store = try Store(directory: dir)
        let c = try store.collection("c")
        try c.compact()
        #expect(c.snapshot.segments.map(\.segment.count) == [25])
        let rows = try store.db.read { db in try Int.fetchOne(db, sql: "SELECT sum(rows) FROM segment") }
        #expect(rows == 25, "every row sealed once")
        for r in recs { #expect(try StoreFixtures.topDocument(c, r.vector) == r.id) }
        #expect(try store.verify().isEmpty)
    }

    /// `verify` counts each segment's live rows against the chunks pointing at them: rows left behind
    /// without a chunk (as the double seal above did) are reported.
    @Test func verifyFindsRowsNoChunkPointsTo() throws {
        let dir = StoreFixtures.tempDir("unclaimed")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 10)
        _ = try c.upsert(StoreFixtures.records(0..<25, dimension: 8))
        try c.flush()
        #expect(try store.verify().isEmpty)
        try store.write { db in
            try db.execute(sql: "DROP TRIGGER chunk_tombstone")
            try db.execute(sql: "DELETE FROM chunk WHERE id = (SELECT min(id) FROM chunk WHERE segment_id IS NOT NULL)")
        }
        let problems = try store.verify()
        #expect(problems.contains { $0.contains("10 live row(s), 9 of them a chunk's") }, "\(problems)")
    }
}
