import Foundation
import KuraCore
import KuraIndex
import Testing

@testable import KuraStore

/// The growing graph is built light and sealed as it is; compaction, by hand or when the server finds a
/// collection idle, rebuilds it with the collection's full construction effort.
struct LightGraphTests {
    @Test func sealedSegmentsAreLightUntilCompacted() throws {
        let dir = StoreFixtures.tempDir("light")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 10)
        #expect(c.info.parameters.efConstruction == 64)
        #expect(c.info.growingParameters.efConstruction == CollectionInfo.growingEfConstruction)
        #expect(!c.needsCompaction, "an empty collection has nothing to compact")

        let recs = StoreFixtures.records(0..<25, dimension: 8)
        _ = try c.upsert(recs)
        #expect(c.snapshot.segments.count == 2)
        #expect(c.snapshot.segments.allSatisfy { $0.segment.parameters.efConstruction == CollectionInfo.growingEfConstruction })
        #expect(c.needsCompaction)

        // Just written: an idle threshold of an hour leaves it alone; zero compacts it.
        #expect(try store.compactIdle(idle: 3600).isEmpty)
        #expect(try store.compactIdle(idle: 0) == ["c"])
        let after = c.snapshot.segments
        #expect(after.count == 1 && after[0].segment.parameters.efConstruction == 64 && after[0].segment.count == 25)
        #expect(!c.needsCompaction)
        #expect(try store.compactIdle(idle: 0).isEmpty, "nothing left to do")
        for r in recs { #expect(try StoreFixtures.topDocument(c, r.vector) == r.id) }
        let problems = try store.verify()
        #expect(problems.isEmpty, "\(problems)")
    }

    @Test func oneFullSegmentNeedsNoCompaction() throws {
        let dir = StoreFixtures.tempDir("full")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 8, sealThreshold: 1000)
        _ = try c.upsert(StoreFixtures.records(0..<30, dimension: 8))
        try c.compact()
        #expect(c.snapshot.segments.count == 1 && !c.needsCompaction)
        _ = try c.delete(ids: ["doc3"])
        #expect(c.needsCompaction, "a tombstone is something to compact")
    }
}
