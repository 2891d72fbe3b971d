import Dispatch
import Foundation
import GRDB
import KuraCore
import KuraIndex
import Testing

@testable import KuraStore

/// The durable edges of the store: directory syncs, orphan sweeps, collection ids, deletes racing a
/// seal, and collections replaced in one step.
@Suite(.serialized) struct DurabilityTests {
    let d = 8

    /// A collection's segment folder is a new name in `segments/`: it survives power loss only once
    /// `segments/` is synced, which the first seal does before it records the segment.
    @Test func theFirstSealSyncsTheFolderItCreates() throws {
        let dir = StoreFixtures.tempDir("dirsync")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 4)
        _ = try c.upsert(StoreFixtures.records(0..<4, dimension: d))
        try c.flush()
        let synced = Durable.recentlySynced
        #expect(synced.contains(dir + "/segments"), "\(synced)")
        #expect(synced.contains(store.segmentDirectory(c.info.id)), "the segment file's own folder: \(synced)")
    }

    /// A second store opened on the directory in this process (the server's and a command's, say) sweeps
    /// crash leftovers, but never what the first one is writing and has not recorded yet.
    @Test func aSecondStoreSweepsNothingInFlight() throws {
        let dir = StoreFixtures.tempDir("twostores")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let first = try Store(directory: dir)
        let c = try StoreFixtures.collection(first, dimension: d)
        try Durable.createDirectory(first.segmentDirectory(c.info.id))
        let sealing = "segments/\(c.info.id)/being-sealed.kseg.tmp", leftover = "segments/\(c.info.id)/left.kseg"
        for file in [sealing, leftover] { #expect(FileManager.default.createFile(atPath: dir + "/" + file, contents: Data([1, 2, 3]))) }
        let writing = InFlight.begin(dir, sealing)
        _ = try Store(directory: dir)
        #expect(FileManager.default.fileExists(atPath: dir + "/" + sealing), "the second store swept the first one's segment")
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + leftover), "a crash's leftover stays")
        writing.end()
        _ = try Store(directory: dir)
        #expect(!FileManager.default.fileExists(atPath: dir + "/" + sealing))
    }

    /// The same with real seals: stores opened again and again while segments are written and recorded.
    @Test func storesOpenedDuringSealsLeaveThemWhole() throws {
        let dir = StoreFixtures.tempDir("sealopen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 64, sealThreshold: 2000)
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            for batch in 0..<4 { _ = try? c.upsert(StoreFixtures.records((batch * 2000)..<((batch + 1) * 2000), dimension: 64), wait: false) }
            try? c.flush()
            done.signal()
        }
        var opens = 0
        while done.wait(timeout: .now()) == .timedOut {
            _ = try Store(directory: dir)
            opens += 1
        }
        try c.flush()
        let problems = try store.verify()
        #expect(problems.isEmpty && opens > 0, "\(problems)")
        #expect(try c.stats().segments == 4)
    }

    @Test func collectionIDsAreNeverReused() throws {
        let dir = StoreFixtures.tempDir("ids")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let a = try StoreFixtures.collection(store, name: "a", dimension: d).info.id
        let b = try StoreFixtures.collection(store, name: "b", dimension: d).info.id
        try store.deleteCollection("b")
        let c = try StoreFixtures.collection(store, name: "c", dimension: d).info.id
        #expect(a < b && b < c, "ids \(a), \(b), \(c)")
    }

    /// The table rebuild of migration v7 keeps every collection, document and chunk, and the foreign keys;
    /// v8 then drops the FTS5 tables and their triggers.
    @Test func theAutoincrementMigrationKeepsEverything() throws {
        let dir = StoreFixtures.tempDir("v7")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/catalog.sqlite"
        do {
            let old = try DatabaseQueue(path: path)
            try Catalog.migrator.migrate(old, upTo: "v6-chunk-segment-partial")
            try old.write { db in
                for (id, name) in [(3, "a"), (5, "b")] {
                    try db.execute(
                        sql: """
                            INSERT INTO collection (id, name, dimension, metric, embedder, m, ef_construction, ef_search, encoding, seal_threshold, created_at)
                            VALUES (?, ?, 8, 'cosine', '', 16, 200, 64, 'f32', 5, 0)
                            """, arguments: [id, name])
                }
                try db.execute(sql: "INSERT INTO document (collection_id, external_id, content_hash, created_at, updated_at) VALUES (5, 'x', 'h', 0, 0)")
            }
        }
        let store = try Store(directory: dir)
        #expect(try store.listCollections().map(\.name) == ["a", "b"])
        #expect(try store.collection("b").stats().documents == 1)
        #expect(try store.listCollections().allSatisfy { $0.analyzer == .auto }, "v8 gives older collections the default analyzer")
        #expect(try store.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name LIKE '%fts%'") } == 0, "v8 drops FTS5")
        #expect(try StoreFixtures.collection(store, name: "c", dimension: d).info.id == 6)
        try store.deleteCollection("b")
        #expect(try store.db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM document") } == 0, "the cascade still holds")
    }

    /// Deleting a collection while its seal is being written waits for the seal, so no file is written
    /// into the folder after it is removed.
    @Test func deletingACollectionWaitsForItsSealer() throws {
        let dir = StoreFixtures.tempDir("deleteseal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 4)
        c.sealer.suspend()
        _ = try c.upsert(StoreFixtures.records(0..<4, dimension: d), wait: false)
        c.indexer.sync {}  // the full graph is frozen and its seal queued behind the suspended sealer
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            try? store.deleteCollection("c")
            done.signal()
        }
        #expect(done.wait(timeout: .now() + 0.3) == .timedOut, "the delete returned while a seal was still to be written")
        c.sealer.resume()
        done.wait()
        #expect(!FileManager.default.fileExists(atPath: store.segmentDirectory(c.info.id)))
        #expect(try store.listCollections().isEmpty && store.orphanFiles().isEmpty)
        #expect(throws: KuraError.self) { try c.upsert(StoreFixtures.records(4..<5, dimension: d)) }
    }

    /// A staging collection is hidden, takes the name in one transaction, and is removed when a crash
    /// leaves it behind.
    @Test func aStagedCollectionReplacesAnotherInOneStep() throws {
        let dir = StoreFixtures.tempDir("replace")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store: Store? = try Store(directory: dir)
        let old = try StoreFixtures.collection(store!, name: "kb", dimension: d)
        _ = try old.upsert(StoreFixtures.records(0..<3, dimension: d))
        let staged = try store!.createStagingCollection(CollectionInfo(name: "kb", dimension: d, metric: .cosine, sealThreshold: 5))
        #expect(try store!.listCollections().map(\.name) == ["kb"])
        _ = try store!.collection(staged.name).upsert(StoreFixtures.records(10..<17, dimension: d, prefix: "new"))
        #expect(throws: KuraError.conflict("collection 'kb' already exists")) { try store!.replaceCollection("kb", with: staged.name, overwrite: false) }
        try store!.replaceCollection("kb", with: staged.name, overwrite: true)
        let now = try store!.collection("kb")
        #expect(try StoreFixtures.exportedIDs(now).sorted() == (10..<17).map { "new\($0)" }.sorted())
        #expect(throws: KuraError.self) { try old.upsert(StoreFixtures.records(3..<4, dimension: d)) }
        #expect(!FileManager.default.fileExists(atPath: store!.segmentDirectory(old.info.id)))
        #expect(try store!.verify().isEmpty)

        let left = try store!.createStagingCollection(CollectionInfo(name: "x", dimension: d, metric: .cosine))
        let loading = try store!.createStagingCollection(CollectionInfo(name: "y", dimension: d, metric: .cosine))
        let loader = store!
        loader.endStaging(left.name)  // as if its load died with the process; `loading` is still in progress
        store = try Store(directory: dir)
        #expect(throws: KuraError.self) { try store!.collection(left.name) }
        #expect(try store!.collection(loading.name).info.id == loading.id)
        loader.endStaging(loading.name)
        store = try Store(directory: dir)
        #expect(throws: KuraError.self) { try store!.collection(loading.name) }
        #expect(try store!.collection("kb").stats().documents == 7)
    }
}
