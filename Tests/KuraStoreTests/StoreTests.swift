import Dispatch
import Foundation
import KuraCore
import KuraIndex
import KuraTesting
import Synchronization
import Testing

@testable import KuraStore

struct StoreTests {
    let d = 8

    /// The external id of the best hit for `vector`.
    func top(_ c: DocumentCollection, _ vector: [Float]) throws -> String? { try StoreFixtures.topDocument(c, vector) }

    @Test func upsertDeleteAndReopen() throws {
        let dir = StoreFixtures.tempDir("upsert")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store = try Store(directory: dir)
        var c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 5)
        let recs = StoreFixtures.records(0..<12, dimension: d)
        #expect(try c.upsert(recs).written.count == 12)
        var s = try c.stats()
        #expect(s.documents == 12 && s.chunks == 12 && s.vectors == 12 && s.segments == 2 && s.pendingVectors == 2)
        for r in recs { #expect(try top(c, r.vector) == r.id) }

        // Unchanged content is skipped; a changed document is replaced, sealed or pending.
        let again = try c.upsert([recs[0], recs[11]])
        #expect(again.unchanged == ["doc0", "doc11"] && again.written.isEmpty)
        let moved = Record(id: recs[0].id, text: "moved", metadata: recs[0].metadata, vector: recs[5].vector.map { -$0 })
        let movedPending = Record(id: recs[11].id, text: recs[11].text, metadata: recs[11].metadata, vector: recs[7].vector.map { -$0 })
        #expect(try c.upsert([moved, movedPending]).written == ["doc0", "doc11"])
        #expect(try top(c, moved.vector) == "doc0")
        #expect(try top(c, movedPending.vector) == "doc11")
        #expect(try c.search(recs[0].vector, k: 12).count == 12, "12 documents, 12 live vectors")
        s = try c.stats()
        #expect(s.documents == 12 && s.vectors == 12 && s.tombstones >= 1)

        // Deletes: gone from search and export.
        #expect(try c.delete(ids: ["doc3", "doc11", "nope"]) == ["doc3", "doc11"])
        for r in recs { #expect(try top(c, r.vector) != "doc3") }
        #expect(try c.search(recs[3].vector, k: 20).count == 10)
        let exported = try StoreFixtures.exportedIDs(c)
        #expect(Set(exported) == Set((0..<12).filter { $0 != 3 && $0 != 11 }.map { "doc\($0)" }))
        let problems = try store.verify()
        #expect(problems.isEmpty, "\(problems)")

        // Reopening rebuilds the same state from disk.
        let before = try c.search(recs[1].vector, k: 5).map(\.chunkID)
        store = try Store(directory: dir)
        c = try store.collection("c")
        #expect(try c.search(recs[1].vector, k: 5).map(\.chunkID) == before)
        #expect(try c.stats() == (try Store(directory: dir).collection("c").stats()))
        #expect(Set(try StoreFixtures.exportedIDs(c)) == Set(exported))

        // Compaction merges into one segment and keeps every live vector.
        try c.compact()
        s = try c.stats()
        #expect(s.segments == 1 && s.vectors == 10 && s.tombstones == 0 && s.pendingVectors == 0)
        #expect(try c.search(recs[1].vector, k: 5).map(\.chunkID) == before)
        let problemsAfter = try store.verify()
        #expect(problemsAfter.isEmpty, "\(problemsAfter)")
        var text = ""
        try c.export { if $0.id == "doc0" { text = $0.text } }
        #expect(text == "moved")
    }

    @Test func badInputWritesNothing() throws {
        let dir = StoreFixtures.tempDir("bad")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d)
        var recs = StoreFixtures.records(0..<4, dimension: d)
        recs[2] = Record(id: recs[2].id, text: recs[2].text, vector: [1, 2])
        #expect(throws: KuraError.self) { try c.upsert(recs) }
        recs[2] = Record(id: recs[2].id, text: recs[2].text, vector: recs[1].vector.map { _ in Float.nan })
        #expect(throws: KuraError.self) { try c.upsert(recs) }
        #expect(throws: KuraError.self) { try c.upsert([recs[0], recs[0]]) }
        #expect(try c.stats().documents == 0)
        #expect(throws: KuraError.self) { try store.collection("missing") }
        for bad in ["", "../x", ".hidden", "a/b", "white space"] {
            #expect(throws: KuraError.self) { try store.createCollection(CollectionInfo(name: bad, dimension: 4, metric: .l2)) }
        }
        #expect(throws: KuraError.self) { try store.createCollection(CollectionInfo(name: "c", dimension: 4, metric: .l2)) }
        #expect(throws: KuraError.self) { try c.search([1], k: 1) }
        #expect(throws: KuraError.self) { try Record(jsonLine: "{\"id\":\"x\",\"text\":\"t\",\"vector\":[1,\"a\"]}") }
        #expect(throws: KuraError.self) { try Record(jsonLine: "{\"id\":\"\",\"text\":\"t\",\"vector\":[1]}") }
        #expect(throws: KuraError.self) { try Record(jsonLine: "not json") }
        #expect(try Record(jsonLine: "{\"id\":\"x\",\"text\":\"t\",\"metadata\":{\"b\":1,\"a\":2},\"vector\":[1,2]}").metadata == "{\"a\":2,\"b\":1}")
    }

    @Test func recoveryRemovesOrphans() throws {
        let dir = StoreFixtures.tempDir("orphans")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 4)
        _ = try c.upsert(StoreFixtures.records(0..<10, dimension: d))
        let segDir = store.segmentDirectory(c.info.id)
        let listed = try FileManager.default.contentsOfDirectory(atPath: segDir)
        #expect(listed.count == 2)
        for junk in ["\(segDir)/lost.kseg", "\(segDir)/half.kseg.tmp"] { #expect(FileManager.default.createFile(atPath: junk, contents: Data([1, 2, 3]))) }
        try FileManager.default.createDirectory(atPath: "\(dir)/segments/999", withIntermediateDirectories: true)
        #expect(try Store(directory: dir, recover: false).verify().count == 3)
        store = try Store(directory: dir)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: segDir)) == Set(listed))
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/segments/999"))
        #expect(try store.verify().isEmpty)
        #expect(try store.collection("c").stats().vectors == 10)
    }

    @Test func corruptSegmentIsReportedAndOthersStayUsable() throws {
        let dir = StoreFixtures.tempDir("corrupt")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store = try Store(directory: dir)
        let a = try StoreFixtures.collection(store, name: "a", dimension: d, sealThreshold: 4)
        let b = try StoreFixtures.collection(store, name: "b", dimension: d, sealThreshold: 4)
        _ = try a.upsert(StoreFixtures.records(0..<8, dimension: d))
        let recsB = StoreFixtures.records(0..<8, dimension: d, prefix: "b")
        _ = try b.upsert(recsB)
        let segDir = store.segmentDirectory(a.info.id)
        let file = "\(segDir)/\(try FileManager.default.contentsOfDirectory(atPath: segDir).sorted()[0])"
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        bytes[30] ^= 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        store = try Store(directory: dir)
        do {
            _ = try store.collection("a")
            Issue.record("opening a collection with a corrupt segment must fail")
        } catch let e as KuraError {
            #expect("\(e)".contains("checksum"))
        }
        #expect(try top(store.collection("b"), recsB[2].vector) == "b2")
        let problems = try store.verify()
        #expect(problems.contains { $0.hasPrefix("a: segment") } && !problems.contains { $0.hasPrefix("b:") })
    }

    @Test func concurrentIngestAndSearch() throws {
        let dir = StoreFixtures.tempDir("concurrent")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 16, sealThreshold: 300)
        let recs = StoreFixtures.records(0..<2000, dimension: 16)
        _ = try c.upsert(Array(recs[0..<100]))
        let failures = Atomic<Int>(0)
        let done = Atomic<Bool>(false)
        let searches = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 3) { worker in
            if worker == 0 {
                for start in Swift.stride(from: 100, to: 2000, by: 100) {
                    do { _ = try c.upsert(Array(recs[start..<(start + 100)])) } catch { failures.add(1, ordering: .relaxed) }
                }
                done.store(true, ordering: .releasing)
            } else {
                var i = 0
                while !done.load(ordering: .acquiring) || i < 50 {
                    do {
                        let hits = try c.search(recs[i % 100].vector, k: 5)
                        if hits.count != 5 { failures.add(1, ordering: .relaxed) }
                    } catch { failures.add(1, ordering: .relaxed) }
                    i += 1
                    searches.add(1, ordering: .relaxed)
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        #expect(searches.load(ordering: .relaxed) >= 100)
        let s = try c.stats()
        #expect(s.vectors == 2000 && s.segments >= 6)
        for r in recs[1900..<1910] { #expect(try top(c, r.vector) == r.id) }
        #expect(try store.verify().isEmpty)
    }

    @Test func searchesRunDuringCompaction() throws {
        let dir = StoreFixtures.tempDir("compact")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 16, sealThreshold: 200)
        let recs = StoreFixtures.records(0..<1200, dimension: 16)
        _ = try c.upsert(recs)
        _ = try c.delete(ids: (0..<300).map { "doc\($0)" })
        #expect(try c.stats().segments == 6)
        let failures = Atomic<Int>(0)
        let done = Atomic<Bool>(false)
        DispatchQueue.concurrentPerform(iterations: 2) { worker in
            if worker == 0 {
                do { try c.compact() } catch { failures.add(1, ordering: .relaxed) }
                done.store(true, ordering: .releasing)
            } else {
                var i = 300
                while !done.load(ordering: .acquiring) || i < 400 {
                    // Live documents keep being found, deleted ones never, before, during and after the swap.
                    if let hit = try? c.search(recs[i].vector, k: 1).first, let doc = try? c.chunks([hit.chunkID])[hit.chunkID]?.documentID {
                        if doc != "doc\(i)" { failures.add(1, ordering: .relaxed) }
                    } else {
                        failures.add(1, ordering: .relaxed)
                    }
                    i = i == 1199 ? 300 : i + 1
                }
            }
        }
        #expect(failures.load(ordering: .relaxed) == 0)
        let s = try c.stats()
        #expect(s.segments == 1 && s.vectors == 900 && s.tombstones == 0)
        #expect(try store.verify().isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: store.segmentDirectory(c.info.id)).count == 1)
    }

    /// Batches are indexed after they commit; a delete that commits while its rows are being sealed must
    /// still tombstone them, whichever transaction wins.
    @Test func deletesRacingAQueuedSealStayDeleted() throws {
        let dir = StoreFixtures.tempDir("race")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 40)
        var live = 0
        for round in 0..<12 {
            let recs = StoreFixtures.records(0..<40, dimension: d, prefix: "r\(round)-", seed: UInt64(round + 10))
            _ = try c.upsert(recs, wait: false)
            let gone = (0..<4).map { recs[$0 * 7].id }
            #expect(try c.delete(ids: gone) == gone)
            live += 36
            for r in recs { #expect(try top(c, r.vector).map { !gone.contains($0) } ?? false, "round \(round)") }
        }
        try c.flush()
        #expect(try c.stats().vectors == live)
        let problems = try store.verify()
        #expect(problems.isEmpty, "\(problems)")
    }

    /// A chunk id must never be handed out again while the growing graph may still hold it: here the
    /// last chunk is replaced (the new chunk would take the freed largest id) by a batch that commits
    /// while the seal of the old one is queued, and the seal must not point the new chunk at the old row.
    @Test func aReplacedLastChunkRacingASealKeepsItsNewVector() throws {
        let dir = StoreFixtures.tempDir("reuse")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let fresh = StoreFixtures.records(0..<5, dimension: d, seed: 3)
        var changed = fresh[4]
        changed = Record(id: changed.id, text: "changed", vector: StoreFixtures.records(0..<1, dimension: d, seed: 99)[0].vector)
        do {
            let store = try Store(directory: dir)
            let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 5)
            _ = try c.search(fresh[0].vector, k: 1)  // recovered: writes queue on the indexer from here
            c.indexer.suspend()
            _ = try c.upsert(fresh, wait: false)  // fills the growing graph: its seal is queued
            _ = try c.upsert([changed], wait: false)  // commits before that seal runs
            c.indexer.resume()
            try c.flush()
            #expect(try top(c, changed.vector) == changed.id)
            #expect(try c.search(fresh[4].vector, k: 1).first?.distance ?? 0 > 1e-3, "the replaced vector must be gone")
            let problems = try store.verify()
            #expect(problems.isEmpty, "\(problems)")
        }
        let c = try Store(directory: dir).collection("c")
        #expect(try top(c, changed.vector) == changed.id)
        #expect(try c.search(fresh[4].vector, k: 1).first?.distance ?? 0 > 1e-3)
        #expect(try c.stats().vectors == 5)
    }

    /// A full growing graph is sealed on `sealer` while insertion goes on: until its segment is
    /// published the frozen graph is searched, and deletes reach it; the published segment keeps them.
    @Test func aGraphBeingSealedIsSearchedAndTakesDeletes() throws {
        let dir = StoreFixtures.tempDir("frozen")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recs = StoreFixtures.records(0..<12, dimension: d, seed: 5)
        do {
            let store = try Store(directory: dir)
            let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 10)
            _ = try c.search(recs[0].vector, k: 1)
            let gate = DispatchSemaphore(value: 0)
            c.sealer.async { gate.wait() }
            _ = try c.upsert(recs, wait: false)
            c.indexer.sync {}
            #expect(c.snapshot.sealing.count == 1 && c.snapshot.segments.isEmpty && c.snapshot.growing.count == 2)
            for r in recs { #expect(try top(c, r.vector) == r.id) }
            #expect(try c.vectors(of: [1, 12]).count == 2, "vectors come from the frozen graph and the growing one")
            #expect(try c.delete(ids: ["doc3"]) == ["doc3"])
            #expect(try top(c, recs[3].vector) != "doc3")
            #expect(c.needsCompaction)
            gate.signal()
            try c.flush()
            #expect(c.snapshot.sealing.isEmpty && c.snapshot.segments.count == 1)
            c.indexer.sync {}
            #expect(c.indexer.sync { c.frozenRows.isEmpty }, "a published graph is no longer held")
            #expect(try top(c, recs[3].vector) != "doc3")
            #expect(try c.stats().vectors == 11)
            let problems = try store.verify()
            #expect(problems.isEmpty, "\(problems)")
        }
        let c = try Store(directory: dir).collection("c")
        #expect(try top(c, recs[3].vector) != "doc3" && top(c, recs[4].vector) == "doc4")
        #expect(try c.stats().vectors == 11)
    }

    /// A delete that commits after a seal's transaction but is applied before the seal publishes its
    /// segment waits in `earlyTombstones`, and the seal applies it when it publishes.
    @Test func deletesOfASegmentNotYetPublishedAreKept() throws {
        let dir = StoreFixtures.tempDir("early")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 10)
        let recs = StoreFixtures.records(0..<10, dimension: d, seed: 6)
        _ = try c.search(recs[0].vector, k: 1)
        let gate = DispatchSemaphore(value: 0)
        c.sealer.async { gate.wait() }
        _ = try c.upsert(recs, wait: false)
        // The first segment of a fresh catalog gets id 1; row 4 holds chunk 5 (doc4).
        try c.indexer.sync { try c.apply(removed: [.init(chunkID: 5, segmentID: 1, segmentRow: 4)]) }
        #expect(c.snapshot.earlyTombstones[1] == [4])
        gate.signal()
        try c.flush()
        #expect(c.snapshot.earlyTombstones.isEmpty)
        #expect(c.snapshot.segments.first.map { $0.id == 1 && $0.tombstones.contains(4) } == true)
        #expect(try top(c, recs[4].vector) != "doc4")
    }

    /// The writer no longer checkpoints on commit: the checkpointer's own connection must keep the
    /// write-ahead log from growing with everything ever written.
    @Test func theLogIsCheckpointedInTheBackground() throws {
        let dir = StoreFixtures.tempDir("wal")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: 4096, sealThreshold: 100_000)
        var largest = 0
        for batch in 0..<25 {
            // 100 vectors of 16 KiB: 1.6 MiB of pending vectors a commit, 40 MiB in all.
            _ = try c.upsert(StoreFixtures.records(batch * 100..<(batch + 1) * 100, dimension: 4096, seed: UInt64(batch)), wait: false)
            store.checkpointer.drain()
            let size = (try FileManager.default.attributesOfItem(atPath: dir + "/catalog.sqlite-wal")[.size] as? Int) ?? 0
            largest = max(largest, size)
        }
        try c.flush()
        #expect(largest > 0 && largest < 12 << 20, "the log reached \(largest) bytes")
        #expect(try c.stats().vectors == 2500)
    }

    /// A directory copied while its store is open holds what a kill -9 leaves: a log with committed
    /// frames. Opening it copies them into the catalog: the catalog alone then holds every write.
    @Test func aLogLeftByAnUncleanStopIsCopiedInAtOpen() throws {
        let dir = StoreFixtures.tempDir("leftover"), copy = StoreFixtures.tempDir("leftover-copy"), alone = StoreFixtures.tempDir("leftover-alone")
        defer { for d in [dir, copy, alone] { try? FileManager.default.removeItem(atPath: d) } }
        let recs = StoreFixtures.records(0..<40, dimension: d)
        let store = try Store(directory: dir)
        _ = try StoreFixtures.collection(store, dimension: d, sealThreshold: 1000).upsert(recs)
        store.checkpointer.drain()
        for file in ["catalog.sqlite", "catalog.sqlite-wal"] { try FileManager.default.copyItem(atPath: "\(dir)/\(file)", toPath: "\(copy)/\(file)") }
        let walSize = { (try? FileManager.default.attributesOfItem(atPath: copy + "/catalog.sqlite-wal")[.size] as? Int) ?? 0 }
        #expect(walSize() > 0, "the copy should carry the open store's log")
        let reopened = try Store(directory: copy)
        reopened.checkpointer.drain()
        try FileManager.default.copyItem(atPath: copy + "/catalog.sqlite", toPath: alone + "/catalog.sqlite")
        for d in [copy, alone] {
            let c = try d == copy ? reopened.collection("c") : Store(directory: d).collection("c")
            #expect(try c.stats().vectors == 40, "\(d)")
            #expect(try top(c, recs[23].vector) == "doc23")
        }
    }

    @Test func pendingVectorsAreIndexedOnFirstUse() throws {
        let dir = StoreFixtures.tempDir("lazy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let recs = StoreFixtures.records(0..<30, dimension: d)
        do {
            let store = try Store(directory: dir)
            _ = try StoreFixtures.collection(store, dimension: d, sealThreshold: 1000).upsert(recs)
        }
        // A new process: stats and export need no graph; the first search or write builds it.
        let c = try Store(directory: dir).collection("c")
        let s = try c.stats()
        #expect(s.pendingVectors == 30 && s.segments == 0 && s.vectors == 30)
        #expect(try top(c, recs[17].vector) == "doc17")
        _ = try c.upsert(StoreFixtures.records(30..<31, dimension: d))
        #expect(try c.search(recs[0].vector, k: 100).count == 31)
    }

    @Test func anotherProcessIsRefusedTheDataDirectory() throws {
        guard CrashTests.kura != nil else {
            Issue.record("the kura executable was not built beside the tests")
            return
        }
        let dir = StoreFixtures.tempDir("lock")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var store: Store? = try Store(directory: dir)
        _ = try Store(directory: dir)  // the same process may open it again
        let busy = try CrashTests.run(["collections", "list", "--data-dir", dir], stderr: true)
        #expect(busy.status != 0 && busy.output.contains("in use by another Kura process"), "\(busy.output)")
        #expect(store != nil)
        store = nil
        #expect(try CrashTests.run(["collections", "list", "--data-dir", dir]).status == 0)
    }

    @Test func deletingACollectionRemovesItsFiles() throws {
        let dir = StoreFixtures.tempDir("delete")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(directory: dir)
        let c = try StoreFixtures.collection(store, dimension: d, sealThreshold: 2)
        _ = try c.upsert(StoreFixtures.records(0..<5, dimension: d))
        let segDir = store.segmentDirectory(c.info.id)
        #expect(FileManager.default.fileExists(atPath: segDir))
        try store.deleteCollection("c")
        #expect(!FileManager.default.fileExists(atPath: segDir))
        #expect(try store.listCollections().isEmpty)
        #expect(throws: KuraError.self) { try store.deleteCollection("c") }
        #expect(try store.verify().isEmpty)
    }
}
