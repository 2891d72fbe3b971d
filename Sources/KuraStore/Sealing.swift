import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText

extension DocumentCollection {
    /// Seals the growing graph into a segment file: write `*.kseg.tmp`, fsync, rename, fsync the directory,
    /// then one transaction records the segment, points its chunks at their rows and drops their pending
    /// vectors. A crash before the commit leaves an unlisted file, removed at the next open.
    public func sealNow() throws {
        try exclusively { try seal() }
    }

    /// Runs on `indexer`: waits for background seals (and the merges they start), then seals any graph
    /// whose background seal failed, then the growing graph. Without the wait, a graph frozen by recovery
    /// just before (more pending rows than the threshold) would be sealed twice.
    func seal() throws {
        sealer.sync {}
        for frozen in snapshot.sealing { try finishSeal(frozen) }
        if let frozen = try freeze() { try finishSeal(frozen) }
    }

    /// Runs on `indexer` when the growing graph is full: freezes it behind a fresh one and seals it on
    /// `sealer`, so graph insertion goes on while the segment file is written. A failure is reported by
    /// the next write or flush; the frozen graph stays searched and is sealed again by `seal()`.
    func sealInBackground() throws {
        // One seal at a time: a second full graph waits for the first to be written.
        if !snapshot.sealing.isEmpty { sealer.sync {} }
        guard let frozen = try freeze() else { return }
        sealer.async { [self] in
            do {
                try finishSeal(frozen)
                try boundSegments()
            } catch {
                indexFailure.withLock { $0 = $0 ?? ((error as? KuraError) ?? .io(path: store.directory, reason: "\(error)")) }
            }
        }
    }

    /// Moves the growing graph (if not empty) and its lexical index to `sealing`, still searched, behind
    /// fresh ones. Runs on `indexer`.
    private func freeze() throws -> MemoryPart? {
        let growing = snapshot.growing
        guard growing.count > 0 else { return nil }
        let fresh = try Self.makeGrowing(info)
        let frozen = MemoryPart(graph: growing, text: growingText)
        frozenRows.append((growing, growingRows))
        growingRows = [:]
        growingText = InvertedIndex()
        state.update { snap in
            snap.sealing.append(frozen)
            snap.growing = fresh
            snap.growingText = InvertedIndex()
        }
        return frozen
    }

    /// Writes a frozen graph as a segment and publishes it in place of the graph. The transaction points
    /// each chunk at its row and drops its pending vector; a row whose chunk a committed delete removed
    /// meanwhile (the file did not have it tombstoned yet) is tombstoned in the same transaction.
    private func finishSeal(_ part: MemoryPart) throws {
        let frozen = part.graph
        var gone: [Int] = []
        let written = try writeSegment(frozen, postings: WrittenPostings(try PostingsWriter.write(part.text), rows: part.text.rows)) {
            db, segmentID, fileTombstones in
            let update = try BoundStatement(db, sql: "UPDATE chunk SET segment_id = ?, segment_row = ? WHERE id = ?")
            let drop = try BoundStatement(db, sql: "DELETE FROM pending_vector WHERE chunk_id = ?")
            let bury = try BoundStatement(db, sql: "INSERT OR IGNORE INTO tombstone (segment_id, row) VALUES (?, ?)")
            for row in 0..<frozen.count where !fileTombstones.contains(row) {
                let chunkID = Int64(frozen.id(ofRow: UInt32(row)))
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
        state.update { snap in
            var live = written.deleting(rows: gone)
            if let early = snap.earlyTombstones.removeValue(forKey: live.id) { live = live.deleting(rows: early) }
            snap.sealing.removeAll { $0.graph === frozen }
            snap.segments.append(live)
        }
        // Its rows map is the indexer's to drop; holding it would keep the whole graph in memory.
        indexer.async { [self] in frozenRows.removeAll { $0.graph === frozen } }
    }

    /// Writes `index`, with `postings` as its lexical index, as a new segment
    /// file and records it, running `record` in the same transaction with the segment's id and the rows the
    /// file holds as deleted. With `releasingRows` the index's file-backed rows are freed as written (see
    /// `SegmentWriter.write`).
    func writeSegment(
        _ index: HNSWIndex, postings: WrittenPostings, releasingRows: Bool = false, record: (Database, Int64, Bitset) throws -> Void
    ) throws -> LiveSegment {
        guard postings.rows == index.count else {
            throw KuraError.io(path: store.directory, reason: "a segment of \(index.count) rows with a lexical index of \(postings.rows)")
        }
        let dir = store.segmentDirectory(info.id)
        try Durable.createDirectory(dir)
        let name = "\(info.id)/\(UUID().uuidString.lowercased()).kseg"
        let path = "\(store.segmentsDirectory)/\(name)"
        let writing = [InFlight.begin(store.directory, "segments/" + name), InFlight.begin(store.directory, "segments/" + name + ".tmp")]
        defer { for token in writing { token.end() } }
        try postings.withPieces { try SegmentWriter.write(index, to: path, postings: $0, releasingRows: releasingRows) }
        do {
            let segment = try Segment(path: path)
            guard let postings = segment.postings else { throw KuraError.corruptFile(path: path, reason: "written without its postings") }
            let section = try PostingsSection(postings, path: path)
            let id = try store.write { db -> Int64 in
                try db.execute(
                    sql: "INSERT INTO segment (collection_id, file, rows, bytes, header_crc, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [info.id, name, segment.count, segment.fileBytes, Int64(segment.headerChecksum), Date().timeIntervalSince1970])
                let id = db.lastInsertedRowID
                try record(db, id, segment.fileTombstones)
                return id
            }
            return LiveSegment(id: id, segment: segment, tombstones: segment.fileTombstones, text: .section(section))
        } catch {
            unlink(path)
            throw error
        }
    }
}
