import GRDB
import KuraCore

/// The SQLite catalog (`catalog.sqlite` in the data directory, WAL mode, `synchronous=FULL` so that a
/// committed batch survives power loss too; the log is checkpointed by `Checkpointer`, not the writer). The schema grows only by named, append-only migrations:
///
/// - `collection`: name, dimension, metric, embedder id, index parameters, seal threshold; ids never reused
///   (v7); the lexical analyzer (v8).
/// - `document`: external id (unique per collection), content hash, metadata JSON, timestamps.
/// - `chunk`: document, ordinal, text, offsets (Unicode scalars), token count, metadata (v2: e.g. the
///   markdown heading path), and where its vector lives:
///   `segment_id`/`segment_row` once sealed, NULL while pending. (v1–v7 mirrored the text in an FTS5
///   table; v8 dropped it: the lexical index lives in the segments, see `DocumentCollection+Lexical`.)
/// - `segment`: the sealed files, with row count, size and header checksum.
/// - `pending_vector`: vectors committed but not yet sealed; the growing graph is rebuilt from them.
/// - `tombstone`: sealed rows whose chunk was deleted or replaced, filled by a trigger on chunk deletion.
enum Catalog {
    static func open(path: String) throws -> DatabasePool {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -16384")
            try db.execute(sql: "PRAGMA secure_delete = FAST")
            // A bulk load can grow the log well past its usual size; once checkpointed it shrinks back to this.
            try db.execute(sql: "PRAGMA journal_size_limit = 67108864")
            // Reads come from the page cache in place instead of a pread and a copy per page.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: config)
            try migrator.migrate(pool)
            return pool
        } catch let e as DatabaseError {
            throw KuraError.io(path: path, reason: "cannot open the catalog: \(e.message ?? "\(e)")")
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-catalog") { db in
            try db.execute(
                sql: """
                    CREATE TABLE collection (
                      id INTEGER PRIMARY KEY,
                      name TEXT NOT NULL UNIQUE,
                      dimension INTEGER NOT NULL,
                      metric TEXT NOT NULL,
                      embedder TEXT NOT NULL DEFAULT '',
                      m INTEGER NOT NULL,
                      ef_construction INTEGER NOT NULL,
                      ef_search INTEGER NOT NULL,
                      encoding TEXT NOT NULL,
                      seal_threshold INTEGER NOT NULL,
                      created_at REAL NOT NULL);
                    CREATE TABLE document (
                      id INTEGER PRIMARY KEY,
                      collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
                      external_id TEXT NOT NULL,
                      content_hash TEXT NOT NULL,
                      metadata TEXT NOT NULL DEFAULT '{}',
                      created_at REAL NOT NULL,
                      updated_at REAL NOT NULL,
                      UNIQUE (collection_id, external_id));
                    CREATE TABLE segment (
                      id INTEGER PRIMARY KEY,
                      collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
                      file TEXT NOT NULL UNIQUE,
                      rows INTEGER NOT NULL,
                      bytes INTEGER NOT NULL,
                      header_crc INTEGER NOT NULL,
                      created_at REAL NOT NULL);
                    CREATE TABLE chunk (
                      id INTEGER PRIMARY KEY,
                      collection_id INTEGER NOT NULL REFERENCES collection(id) ON DELETE CASCADE,
                      document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                      ordinal INTEGER NOT NULL,
                      text TEXT NOT NULL,
                      start_offset INTEGER NOT NULL,
                      end_offset INTEGER NOT NULL,
                      token_count INTEGER NOT NULL,
                      segment_id INTEGER REFERENCES segment(id),
                      segment_row INTEGER);
                    CREATE INDEX chunk_document ON chunk(document_id);
                    CREATE INDEX chunk_segment ON chunk(segment_id, segment_row);
                    CREATE TABLE pending_vector (
                      chunk_id INTEGER PRIMARY KEY REFERENCES chunk(id) ON DELETE CASCADE,
                      collection_id INTEGER NOT NULL,
                      vector BLOB NOT NULL);
                    CREATE INDEX pending_collection ON pending_vector(collection_id, chunk_id);
                    CREATE TABLE tombstone (
                      segment_id INTEGER NOT NULL REFERENCES segment(id) ON DELETE CASCADE,
                      row INTEGER NOT NULL,
                      PRIMARY KEY (segment_id, row)) WITHOUT ROWID;
                    CREATE TRIGGER chunk_tombstone AFTER DELETE ON chunk WHEN old.segment_id IS NOT NULL
                    BEGIN
                      INSERT OR IGNORE INTO tombstone(segment_id, row) VALUES (old.segment_id, old.segment_row);
                    END;
                    """)
            try db.create(virtualTable: "chunk_fts", using: FTS5()) { t in
                t.synchronize(withTable: "chunk")
                t.tokenizer = .porter()
                t.column("text")
            }
        }
        // Chunk-level facts, such as the markdown heading path a chunk sits under.
        m.registerMigration("v2-chunk-metadata") { db in
            try db.execute(sql: "ALTER TABLE chunk ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}'")
        }
        // A document's own vector: the mean of its chunks' (normalised for cosine), native-endian f32. It
        // ranks whole documents in hybrid search. NULL for documents written before this migration.
        m.registerMigration("v3-document-vector") { db in
            try db.execute(sql: "ALTER TABLE document ADD COLUMN vector BLOB")
        }
        // Per-term document counts of the FTS index (no storage of its own): long queries keep their rarest terms.
        m.registerMigration("v4-fts-vocabulary") { db in
            try db.execute(sql: "CREATE VIRTUAL TABLE chunk_fts_vocab USING fts5vocab(chunk_fts, 'row')")
        }
        // The full-text index follows a chunk's text only: sealing and compaction update where each chunk's
        // vector lives, and the trigger made by `synchronize(withTable:)` re-indexed the text on every such update.
        m.registerMigration("v5-fts-update-of-text") { db in
            try db.execute(
                sql: """
                    DROP TRIGGER "__chunk_fts_au";
                    CREATE TRIGGER "__chunk_fts_au" AFTER UPDATE OF "text" ON "chunk" BEGIN
                      INSERT INTO "chunk_fts"("chunk_fts", "rowid", "text") VALUES('delete', old."id", old."text");
                      INSERT INTO "chunk_fts"("rowid", "text") VALUES (new."id", new."text");
                    END;
                    """)
        }
        // Only sealed chunks need an entry (the index serves the foreign-key check when a segment row is
        // deleted): pending chunks no longer pay for a NULL entry on insert and its move on every seal.
        m.registerMigration("v6-chunk-segment-partial") { db in
            try db.execute(
                sql: """
                    DROP INDEX chunk_segment;
                    CREATE INDEX chunk_segment ON chunk(segment_id) WHERE segment_id IS NOT NULL;
                    """)
        }
        // A deleted collection's id is never handed out again (AUTOINCREMENT): a seal still writing for
        // it, or a folder a crash left, could otherwise be taken for the new collection's. SQLite adds
        // AUTOINCREMENT only by rebuilding the table; foreign keys are off during a migration and checked after.
        m.registerMigration("v7-collection-autoincrement") { db in
            try db.execute(
                sql: """
                    CREATE TABLE collection_new (
                      id INTEGER PRIMARY KEY AUTOINCREMENT,
                      name TEXT NOT NULL UNIQUE,
                      dimension INTEGER NOT NULL,
                      metric TEXT NOT NULL,
                      embedder TEXT NOT NULL DEFAULT '',
                      m INTEGER NOT NULL,
                      ef_construction INTEGER NOT NULL,
                      ef_search INTEGER NOT NULL,
                      encoding TEXT NOT NULL,
                      seal_threshold INTEGER NOT NULL,
                      created_at REAL NOT NULL);
                    INSERT INTO collection_new SELECT * FROM collection;
                    DROP TABLE collection;
                    ALTER TABLE collection_new RENAME TO collection;
                    """)
        }
        // The lexical index moves into the segments, per collection, with an analyzer of the collection's
        // choosing; collections made before get the default. Postings of their segments are built from the
        // chunk text when first searched, and written into the segments by the next compaction.
        m.registerMigration("v8-own-lexical-index") { db in
            try db.execute(sql: "ALTER TABLE collection ADD COLUMN analyzer TEXT NOT NULL DEFAULT 'auto'")
            // The triggers GRDB made to mirror chunk text (their names are GRDB's), then the tables.
            for trigger in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '\\_\\_chunk\\_fts%' ESCAPE '\\'")
            {
                try db.execute(sql: "DROP TRIGGER \"\(trigger)\"")
            }
            try db.execute(sql: "DROP TABLE IF EXISTS chunk_fts_vocab; DROP TABLE IF EXISTS chunk_fts")
        }
        return m
    }
}
