import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex

/// Counts for `kura collections stats`.
public struct CollectionStats: Sendable, Equatable, Codable {
    public var documents: Int
    public var chunks: Int
    /// Live vectors: pending plus sealed rows not tombstoned.
    public var vectors: Int
    public var pendingVectors: Int
    public var segments: Int
    public var tombstones: Int
    /// Bytes of segment files.
    public var bytes: Int
}

/// A stored chunk, for search results and export.
public struct StoredChunk: Sendable, Equatable {
    public var chunkID: Int64
    public var documentID: String
    public var text: String
    public var metadata: String
    public var start: Int
    public var end: Int
}

extension DocumentCollection {
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

    /// Chunks by id, with their document's external id and metadata.
    public func chunks(_ ids: [Int64]) throws -> [Int64: StoredChunk] {
        guard !ids.isEmpty else { return [:] }
        return try store.db.read { db in
            let marks = Array(repeating: "?", count: ids.count).joined(separator: ",")
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.id, c.text, c.start_offset, c.end_offset, d.external_id, d.metadata
                    FROM chunk c JOIN document d ON d.id = c.document_id WHERE c.id IN (\(marks))
                    """, arguments: StatementArguments(ids))
            return Dictionary(
                uniqueKeysWithValues: rows.map {
                    (
                        $0["id"],
                        StoredChunk(
                            chunkID: $0["id"], documentID: $0["external_id"], text: $0["text"], metadata: $0["metadata"], start: $0["start_offset"],
                            end: $0["end_offset"])
                    )
                })
        }
    }

    /// Every live document, in insertion order, with its text rebuilt from its chunks' offsets.
    public func export(_ emit: (Record) throws -> Void) throws {
        try store.db.read { db in
            let docs = try Row.fetchCursor(
                db, sql: "SELECT id, external_id, metadata FROM document WHERE collection_id = ? ORDER BY id", arguments: [info.id])
            while let d = try docs.next() {
                let parts = try Row.fetchAll(
                    db, sql: "SELECT text, start_offset FROM chunk WHERE document_id = ? ORDER BY ordinal", arguments: [d["id"] as Int64])
                var text = ""
                var end = 0
                for p in parts {
                    let chunk: String = p["text"]
                    let start: Int = p["start_offset"]
                    // Offsets count Unicode scalars; overlapping chunks repeat what came before.
                    text.unicodeScalars.append(contentsOf: chunk.unicodeScalars.dropFirst(max(0, end - start)))
                    end = max(end, start + chunk.unicodeScalars.count)
                }
                try emit(Record(id: d["external_id"], text: text, metadata: d["metadata"], vector: []))
            }
        }
    }
}
