import Foundation
import GRDB

/// The statements an upsert runs per record, bound in place (see `BoundStatement`).
struct UpsertStatements {
    private let db: Database
    private let lookup: BoundStatement
    private let document: BoundStatement
    private let chunk: BoundStatement
    private let pending: BoundStatement

    init(_ db: Database) throws {
        self.db = db
        lookup = try BoundStatement(db, sql: "SELECT id, content_hash FROM document WHERE collection_id = ? AND external_id = ?")
        document = try BoundStatement(
            db,
            sql: """
                INSERT INTO document (collection_id, external_id, content_hash, metadata, vector, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """)
        chunk = try BoundStatement(
            db,
            sql: """
                INSERT INTO chunk (id, collection_id, document_id, ordinal, text, start_offset, end_offset, token_count, metadata)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        pending = try BoundStatement(db, sql: "INSERT INTO pending_vector (chunk_id, collection_id, vector) VALUES (?, ?, ?)")
    }

    /// The stored row id and content hash of a document, if it exists.
    func existing(collection: Int64, externalID: String) throws -> (id: Int64, hash: String)? {
        lookup.bind(1, collection)
        lookup.bind(2, externalID)
        return try lookup.first { int64, text in (int64(0), text(1)) }
    }

    func insertDocument(collection: Int64, record r: Record, hash: String, vector: Data?, now: Double) throws {
        document.bind(1, collection)
        document.bind(2, r.id)
        document.bind(3, hash)
        document.bind(4, r.metadata)
        if let vector {
            vector.withUnsafeBytes { document.bind(5, blob: $0) }
        } else {
            document.bind(5, blob: nil)
        }
        document.bind(6, now)
        document.bind(7, now)
        try document.run()
    }

    /// Inserts a chunk with the given id (see `Store.nextChunkID`) and its pending vector.
    func insertChunk(id: Int64, collection: Int64, document: Int64, ordinal: Int, _ c: Record.Chunk) throws {
        chunk.bind(1, id)
        chunk.bind(2, collection)
        chunk.bind(3, document)
        chunk.bind(4, ordinal)
        chunk.bind(5, c.text)
        chunk.bind(6, c.start)
        chunk.bind(7, c.end)
        chunk.bind(8, c.tokenCount)
        chunk.bind(9, c.metadata)
        try chunk.run()
        pending.bind(1, id)
        pending.bind(2, collection)
        c.vector.withUnsafeBytes { pending.bind(3, blob: $0) }
        try pending.run()
    }
}
