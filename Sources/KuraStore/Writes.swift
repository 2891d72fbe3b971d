import Foundation
import GRDB
import KuraCore
import KuraIndex

extension DocumentCollection {
    /// A chunk removed by a write, and where its vector was.
    struct Removed {
        var chunkID: Int64
        var segmentID: Int64?
        var segmentRow: Int?
    }

    /// A chunk added by a write: its document, vector and terms.
    struct Added {
        var chunkID: Int64
        var document: Int64
        var vector: [Float]
        var terms: [String]
    }

    /// Upserts a batch in one transaction, the durability point: when this returns, the batch is on disk.
    /// A record whose content hash is unchanged is skipped; a changed one has its chunks and vectors replaced.
    /// Every record is checked before anything is written, so a bad record writes nothing. With `wait`
    /// (the default) the batch is also searchable on return; without, bulk loads overlap the next
    /// transaction with this batch's graph insertion (call `flush()` at the end).
    public func upsert(_ records: [Record], wait: Bool = true) throws -> UpsertResult {
        var seen = Set<String>()
        for r in records {
            guard !r.id.isEmpty else { throw KuraError.invalidArgument("a record has an empty id") }
            guard seen.insert(r.id).inserted else { throw KuraError.invalidArgument("id '\(r.id)' appears twice in one batch") }
            guard !r.chunks.isEmpty else { throw KuraError.invalidArgument("record '\(r.id)' has no chunks") }
            for c in r.chunks {
                do {
                    try c.vector.withUnsafeBufferPointer { try Vectors.validate($0, dimension: info.dimension) }
                } catch {
                    throw KuraError.invalidArgument("record '\(r.id)': \(error)")
                }
            }
        }
        // Analysis runs before the writer lock, so concurrent writers analyse in parallel.
        let terms = analyze(records.flatMap { $0.chunks.map(\.text) })
        writer.lock()
        defer { writer.unlock() }
        try checkLive()
        try recoverBeforeWriting()
        var result = UpsertResult()
        var removed: [Removed] = []
        var added: [Added] = []
        var firstChunk = 0
        let now = Date().timeIntervalSince1970
        try store.write { db in
            let statements = try UpsertStatements(db)
            for r in records {
                let hash = r.contentHash
                defer { firstChunk += r.chunks.count }
                let existing = try statements.existing(collection: info.id, externalID: r.id)
                if existing?.hash == hash {
                    result.unchanged.append(r.id)
                    continue
                }
                let docID: Int64
                let vector = documentVector(r)
                if let id = existing?.id {
                    docID = id
                    removed += try chunks(ofDocument: docID, db)
                    try db.execute(sql: "DELETE FROM chunk WHERE document_id = ?", arguments: [docID])
                    try db.cachedStatement(sql: "UPDATE document SET content_hash = ?, metadata = ?, vector = ?, updated_at = ? WHERE id = ?")
                        .execute(arguments: [hash, r.metadata, vector, now, docID])
                } else {
                    try statements.insertDocument(collection: info.id, record: r, hash: hash, vector: vector, now: now)
                    docID = db.lastInsertedRowID
                }
                for (ordinal, c) in r.chunks.enumerated() {
                    let chunkID = try store.nextChunkID(db)
                    try statements.insertChunk(id: chunkID, collection: info.id, document: docID, ordinal: ordinal, c)
                    added.append(Added(chunkID: chunkID, document: docID, vector: c.vector, terms: terms[firstChunk + ordinal]))
                }
                result.written.append(r.id)
            }
        }
        lastWriteTime.store(now, ordering: .relaxed)
        try index(removed: removed, added: added)
        if wait { try flush() }
        return result
    }

    /// The ids among `hashes` whose stored content hash is the one given: re-ingesting them would change
    /// nothing, so callers skip embedding them.
    public func unchanged(_ hashes: [String: String]) throws -> Set<String> {
        try store.db.read { db in
            var out = Set<String>()
            let statement = try db.cachedStatement(sql: "SELECT content_hash FROM document WHERE collection_id = ? AND external_id = ?")
            for (id, hash) in hashes where try String.fetchOne(statement, arguments: [info.id, id]) == hash { out.insert(id) }
            return out
        }
    }

    /// Deletes documents by external id in one transaction; returns the ids that existed. They are gone
    /// from search results when this returns.
    public func delete(ids: [String]) throws -> [String] {
        writer.lock()
        defer { writer.unlock() }
        try checkLive()
        try recoverBeforeWriting()
        var removed: [Removed] = []
        var found: [String] = []
        try store.write { db in
            for id in ids {
                guard
                    let docID = try Int64.fetchOne(
                        db, sql: "SELECT id FROM document WHERE collection_id = ? AND external_id = ?", arguments: [info.id, id])
                else { continue }
                removed += try chunks(ofDocument: docID, db)
                try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [docID])
                found.append(id)
            }
        }
        lastWriteTime.store(Date().timeIntervalSince1970, ordering: .relaxed)
        try index(removed: removed, added: [])
        try waitUntilSearchable()
        return found
    }

    private func chunks(ofDocument docID: Int64, _ db: Database) throws -> [Removed] {
        try Row.fetchAll(db, sql: "SELECT id, segment_id, segment_row FROM chunk WHERE document_id = ?", arguments: [docID]).map {
            Removed(chunkID: $0["id"], segmentID: $0["segment_id"], segmentRow: $0["segment_row"])
        }
    }

    /// Mirrors committed deletions in memory: tombstones in segments, deletes in the in-memory graphs.
    /// A segment whose seal committed before the delete may not be published yet: its rows wait in
    /// `earlyTombstones` for the seal to apply them. Runs on `indexer`.
    func apply(removed: [Removed]) throws {
        guard !removed.isEmpty else { return }
        var bySegment: [Int64: [Int]] = [:]
        for r in removed {
            if let s = r.segmentID, let row = r.segmentRow {
                bySegment[s, default: []].append(row)
            } else if let row = growingRows.removeValue(forKey: r.chunkID) {
                snapshot.growing.delete(row: row)
            } else if let i = frozenRows.firstIndex(where: { $0.rows[r.chunkID] != nil }), let row = frozenRows[i].rows.removeValue(forKey: r.chunkID) {
                frozenRows[i].graph.delete(row: row)
            }
        }
        guard !bySegment.isEmpty else { return }
        state.update { snap in
            for (id, rows) in bySegment {
                if let i = snap.segments.firstIndex(where: { $0.id == id }) {
                    snap.segments[i] = snap.segments[i].deleting(rows: rows)
                } else {
                    snap.earlyTombstones[id, default: []] += rows
                }
            }
        }
    }
}
