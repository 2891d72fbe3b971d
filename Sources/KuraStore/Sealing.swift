import Foundation
import GRDB
import KuraCore
import KuraIndex

extension DocumentCollection {
    /// Seals the growing graph into a segment file: write `*.kseg.tmp`, fsync, rename, fsync the directory,
    /// then one transaction records the segment, points its chunks at their rows and drops their pending
    /// vectors. A crash before the commit leaves an unlisted file, removed at the next open.
    public func sealNow() throws {
        try exclusively { try seal() }
    }

    /// Runs on `indexer`. A chunk deleted by a transaction that committed after the graph took its row has
    /// no chunk to point at the new segment: its row is tombstoned in the same transaction.
    func seal() throws {
        let growing = snapshot.growing
        guard growing.count > 0 else { return }
        var gone: [Int] = []
        let written = try writeSegment(growing) { db, segmentID in
            let update = try BoundStatement(db, sql: "UPDATE chunk SET segment_id = ?, segment_row = ? WHERE id = ?")
            let drop = try BoundStatement(db, sql: "DELETE FROM pending_vector WHERE chunk_id = ?")
            let bury = try BoundStatement(db, sql: "INSERT OR IGNORE INTO tombstone (segment_id, row) VALUES (?, ?)")
            for row in 0..<growing.count where !growing.isDeleted(row: UInt32(row)) {
                let chunkID = Int64(growing.id(ofRow: UInt32(row)))
                update.bind(1, segmentID)
                update.bind(2, row)
                update.bind(3, chunkID)
                try update.run()
                if db.changesCount == 0 {
                    bury.bind(1, segmentID)
                    bury.bind(2, row)
                    try bury.run()
                    gone.append(row)
                }
                drop.bind(1, chunkID)
                try drop.run()
            }
        }
        let live = written.deleting(rows: gone)
        let fresh = try Self.makeGrowing(info)
        growingRows = [:]
        state.withLock { snap in
            snap.segments.append(live)
            snap.growing = fresh
        }
    }

    /// Merges every segment into one without its tombstoned rows, after sealing the growing graph, and
    /// builds it with the collection's full `ef_construction` (segments sealed from the growing graph are
    /// built light). Searches go on meanwhile against the old snapshot; the new segment is swapped in
    /// atomically.
    public func compact() throws {
        try exclusively { try compactNow() }
    }

    private func compactNow() throws {
        try seal()
        let old = snapshot.segments
        guard old.count > 1 || old.contains(where: { $0.tombstones.count > 0 || isLight($0.segment.parameters) }) else { return }
        var vectors: [Float] = []
        var chunkIDs: [UInt64] = []
        for live in old {
            for row in 0..<live.segment.count where !live.tombstones.contains(row) {
                vectors += live.segment.vector(ofRow: UInt32(row))
                chunkIDs.append(live.segment.id(ofRow: UInt32(row)))
            }
        }
        let index = try HNSWIndex(dimension: info.dimension, metric: info.metric, parameters: info.parameters, capacity: max(chunkIDs.count, 1))
        try vectors.withUnsafeBufferPointer {
            _ = try index.insert(contentsOf: $0, ids: chunkIDs, threads: ProcessInfo.processInfo.activeProcessorCount)
        }
        let merged = try writeSegment(index) { db, segmentID in
            let update = try BoundStatement(db, sql: "UPDATE chunk SET segment_id = ?, segment_row = ? WHERE id = ?")
            for (row, chunkID) in chunkIDs.enumerated() {
                update.bind(1, segmentID)
                update.bind(2, row)
                update.bind(3, Int64(chunkID))
                try update.run()
            }
            for live in old { try db.execute(sql: "DELETE FROM segment WHERE id = ?", arguments: [live.id]) }
        }
        state.withLock { $0.segments = merged.segment.count > 0 ? [merged] : [] }
        // Mapped files stay readable by searches still holding the old snapshot after unlink.
        for live in old { unlink(live.segment.path) }
    }

    /// Whether a graph was built with less construction effort than the collection asks for.
    func isLight(_ graph: HNSWParameters) -> Bool { graph.efConstruction < info.parameters.efConstruction }

    /// Whether `compact()` would improve the collection: more than one segment, tombstones, a light
    /// segment, or a light growing graph that is the whole collection or at least
    /// `compactGrowingRows` vectors (a smaller tail is not worth rebuilding every segment for).
    public var needsCompaction: Bool {
        let snap = snapshot
        let growing = snap.growing.count - snap.growing.deletedCount
        let lightGrowing = growing > 0 && isLight(snap.growing.parameters) && (snap.segments.isEmpty || growing >= Self.compactGrowingRows)
        return lightGrowing || snap.segments.count > 1 || snap.segments.contains { $0.tombstones.count > 0 || isLight($0.segment.parameters) }
    }

    static let compactGrowingRows = 1000

    /// Writes `index` as a new segment file and records it, running `record` in the same transaction.
    private func writeSegment(_ index: HNSWIndex, record: (Database, Int64) throws -> Void) throws -> LiveSegment {
        let dir = store.segmentDirectory(info.id)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let name = "\(info.id)/\(UUID().uuidString.lowercased()).kseg"
        let path = "\(store.segmentsDirectory)/\(name)"
        try SegmentWriter.write(index, to: path)
        do {
            let segment = try Segment(path: path)
            let id = try store.write { db -> Int64 in
                try db.execute(
                    sql: "INSERT INTO segment (collection_id, file, rows, bytes, header_crc, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [info.id, name, segment.count, segment.fileBytes, Int64(segment.headerChecksum), Date().timeIntervalSince1970])
                let id = db.lastInsertedRowID
                try record(db, id)
                return id
            }
            return LiveSegment(id: id, segment: segment, tombstones: segment.fileTombstones)
        } catch {
            unlink(path)
            throw error
        }
    }
}
