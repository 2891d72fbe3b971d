import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex

extension DocumentCollection {
    /// The collection's counts now.
    /// - Throws: what reading the catalog throws.
    public func stats() throws -> CollectionStats {
        let snap = snapshot
        return try store.db.read { db in
            let docs = try Int.fetchOne(db, sql: "SELECT count(*) FROM document WHERE collection_id = ?", arguments: [info.id]) ?? 0
            let chunks = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk WHERE collection_id = ?", arguments: [info.id]) ?? 0
            let pending = try Int.fetchOne(db, sql: "SELECT count(*) FROM pending_vector WHERE collection_id = ?", arguments: [info.id]) ?? 0
            let sealed = snap.segments.reduce(0) { $0 + $1.liveRows }
            return CollectionStats(
                documents: docs, chunks: chunks, vectors: pending + sealed, pendingVectors: pending, segments: snap.segments.count,
                tombstones: snap.segments.reduce(0) { $0 + $1.tombstones.count }, bytes: snap.segments.reduce(0) { $0 + $1.segment.fileBytes })
        }
    }

    /// Chunks by id, with their document's external id and metadata and their own metadata.
    public func chunks(_ ids: [Int64]) throws -> [Int64: StoredChunk] {
        var out: [Int64: StoredChunk] = [:]
        out.reserveCapacity(ids.count)
        try readChunks(
            ids, "SELECT c.id, c.text, c.start_offset, c.end_offset, d.external_id, d.metadata, c.metadata FROM chunk c JOIN document d ON d.id = c.document_id"
        ) {
            r in
            let id: Int64 = r[0]
            out[id] = StoredChunk(chunkID: id, documentID: r[4], text: r[1], metadata: r[5], start: r[2], end: r[3], chunkMetadata: r[6])
        }
        return out
    }

    /// Runs `select` (a SELECT over `chunk c`, without its WHERE) for the chunks `ids`, handing each row to
    /// `row`; `column` names the id matched (another table's, for a select over it). One statement reads a
    /// consistent snapshot by itself, so the read skips the transaction GRDB would wrap it in. Ids go in as
    /// bound parameters, one prepared statement per list length, in batches of at most 64; callers read
    /// columns by index (by name costs a case-insensitive lookup).
    func readChunks(_ ids: [Int64], _ select: String, column: String = "c.id", _ row: (Row) throws -> Void) throws {
        guard !ids.isEmpty else { return }
        try store.db.unsafeRead { db in
            for start in Swift.stride(from: 0, to: ids.count, by: 64) {
                let batch = ids[start..<min(start + 64, ids.count)]
                let statement = try db.cachedStatement(sql: "\(select) WHERE \(column) IN (\(repeatElement("?", count: batch.count).joined(separator: ",")))")
                let rows = try Row.fetchCursor(statement, arguments: StatementArguments(batch))
                while let r = try rows.next() { try row(r) }
            }
        }
    }

    /// Every live document, in insertion order, with its text rebuilt from its chunks' offsets.
    public func export(_ emit: (Record) throws -> Void) throws {
        try store.db.read { db in
            let docs = try Row.fetchCursor(
                db, sql: "SELECT id, external_id, metadata FROM document WHERE collection_id = ? ORDER BY id", arguments: [info.id])
            while let d = try docs.next() {
                try emit(Record(id: d["external_id"], text: try Self.text(ofDocument: d["id"], db), metadata: d["metadata"], vector: []))
            }
        }
    }

    /// One document by external id, with its text and chunk count; nil when absent.
    public func document(_ id: String) throws -> StoredDocument? {
        try store.db.read { db in
            guard
                let d = try Row.fetchOne(
                    db, sql: "SELECT id, external_id, metadata FROM document WHERE collection_id = ? AND external_id = ?", arguments: [info.id, id])
            else { return nil }
            let chunks = try Int.fetchOne(db, sql: "SELECT count(*) FROM chunk WHERE document_id = ?", arguments: [d["id"] as Int64]) ?? 0
            return StoredDocument(cursor: d["id"], id: d["external_id"], metadata: d["metadata"], chunks: chunks, text: try Self.text(ofDocument: d["id"], db))
        }
    }

    /// A page of documents in insertion order after `cursor` (0 for the first page), without text.
    public func documents(after cursor: Int64, limit: Int) throws -> [StoredDocument] {
        try store.db.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.external_id, d.metadata, (SELECT count(*) FROM chunk c WHERE c.document_id = d.id) AS chunks
                    FROM document d WHERE d.collection_id = ? AND d.id > ? ORDER BY d.id LIMIT ?
                    """, arguments: [info.id, cursor, limit]
            ).map { StoredDocument(cursor: $0["id"], id: $0["external_id"], metadata: $0["metadata"], chunks: $0["chunks"], text: nil) }
        }
    }

    /// A page of documents in insertion order by offset, with text, optionally filtered; and the total
    /// number of documents the filter matches.
    public func documentPage(offset: Int, limit: Int, filter: MetadataFilter? = nil) throws -> (documents: [StoredDocument], total: Int) {
        var condition = "1"
        var args: [DatabaseValueConvertible?] = []
        if let filter { (condition, args) = filter.sql() }
        return try store.db.read { db in
            let total =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM document d WHERE d.collection_id = ? AND \(condition)",
                    arguments: StatementArguments([info.id] + args)) ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT d.id, d.external_id, d.metadata, (SELECT count(*) FROM chunk c WHERE c.document_id = d.id) AS chunks
                    FROM document d WHERE d.collection_id = ? AND \(condition) ORDER BY d.id LIMIT ? OFFSET ?
                    """, arguments: StatementArguments([info.id] + args + [limit, offset]))
            let docs = try rows.map {
                StoredDocument(
                    cursor: $0["id"], id: $0["external_id"], metadata: $0["metadata"], chunks: $0["chunks"], text: try Self.text(ofDocument: $0["id"], db))
            }
            return (docs, total)
        }
    }

    /// A document's text from its chunks; offsets count Unicode scalars, and overlapping chunks repeat
    /// what came before.
    static func text(ofDocument rowID: Int64, _ db: Database) throws -> String {
        var text = ""
        var end = 0
        for p in try Row.fetchAll(db, sql: "SELECT text, start_offset FROM chunk WHERE document_id = ? ORDER BY ordinal", arguments: [rowID]) {
            let chunk: String = p["text"]
            let start: Int = p["start_offset"]
            text.unicodeScalars.append(contentsOf: chunk.unicodeScalars.dropFirst(max(0, end - start)))
            end = max(end, start + chunk.unicodeScalars.count)
        }
        return text
    }
}
