import Foundation
import GRDB
import KuraCore
import KuraIndex
import Synchronization

/// Kura's collections on disk: a data directory holding `catalog.sqlite` and `segments/<collection id>/`.
///
/// Opening removes files that the catalog does not list (left by a crash between writing a segment and
/// recording it), so what is on disk always matches what was committed. One process at a time owns a
/// data directory (an exclusive lock on `kura.lock`): a second one would take the files another is
/// writing for orphans.
public final class Store: Sendable {
    public let directory: String
    let db: DatabasePool
    /// Kept alive for the writer connection's commit hook, which points at it.
    let checkpointer: Checkpointer
    private let opened = Mutex<[String: DocumentCollection]>([:])
    /// The last chunk id handed out; nil until the first write reads the largest in the catalog.
    private let lastChunkID = Mutex<Int64?>(nil)

    /// Opens (creating if needed) the store in `directory`. With `recover` (the default) files the catalog
    /// does not list are removed; `kura verify` opens without it, to report them instead.
    public init(directory: String, recover: Bool = true) throws {
        self.directory = directory
        do {
            try FileManager.default.createDirectory(atPath: directory + "/segments", withIntermediateDirectories: true)
        } catch {
            throw KuraError.io(path: directory, reason: "cannot create the data directory: \(error.localizedDescription)")
        }
        try DirectoryLock.acquire(directory)
        do {
            let path = directory + "/catalog.sqlite"
            db = try Catalog.open(path: path)
            checkpointer = try Checkpointer(path: path)
            try db.writeWithoutTransaction { [checkpointer] in checkpointer.install(on: $0) }
            if recover { try removeOrphans() }
        } catch {
            DirectoryLock.release(directory)
            throw error
        }
    }

    deinit { DirectoryLock.release(directory) }

    /// A write transaction; SQLite's disk errors become Kura's, and a failed transaction leaves nothing.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.write(body)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_FULL {
            throw KuraError.capacityExceeded("the disk holding \(directory) is full; nothing of this write was saved")
        } catch let e as DatabaseError where e.resultCode == .SQLITE_IOERR {
            throw KuraError.io(path: directory, reason: "the catalog could not be written (\(e.message ?? "I/O error")); nothing of this write was saved")
        }
    }

    /// A new chunk id, never one handed out before by this process. SQLite's default (largest + 1) would
    /// give a deleted last chunk's id to the next chunk while the growing graph, or a seal queued behind
    /// the write, still knows the old chunk by it. Call inside a write transaction.
    func nextChunkID(_ db: Database) throws -> Int64 {
        try lastChunkID.withLock { last in
            let next = try (last ?? Int64.fetchOne(db, sql: "SELECT max(id) FROM chunk") ?? 0) + 1
            last = next
            return next
        }
    }

    /// Copies the write-ahead log into the catalog and empties it: for a clean stop, or before a backup.
    public func checkpoint() throws {
        checkpointer.drain()
        try db.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
    }

    var segmentsDirectory: String { directory + "/segments" }

    func segmentDirectory(_ collectionID: Int64) -> String { "\(segmentsDirectory)/\(collectionID)" }

    public func createCollection(_ info: CollectionInfo) throws -> CollectionInfo {
        try CollectionInfo.validate(name: info.name)
        guard (1...65_536).contains(info.dimension) else { throw KuraError.invalidArgument("dimension must be in 1...65536, got \(info.dimension)") }
        try info.parameters.validate()
        guard info.sealThreshold >= 1 else { throw KuraError.invalidArgument("the seal threshold must be at least 1") }
        return try db.write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM collection WHERE name = ?", arguments: [info.name]) != nil {
                throw KuraError.conflict("collection '\(info.name)' already exists")
            }
            try db.execute(
                sql: """
                    INSERT INTO collection (name, dimension, metric, embedder, m, ef_construction, ef_search, encoding, seal_threshold, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    info.name, info.dimension, info.metric.rawValue, info.embedder, info.parameters.m, info.parameters.efConstruction,
                    info.parameters.efSearch, info.parameters.encoding.rawValue, info.sealThreshold, Date().timeIntervalSince1970,
                ])
            var created = info
            created.id = db.lastInsertedRowID
            return created
        }
    }

    public func listCollections() throws -> [CollectionInfo] {
        try db.read { db in try Row.fetchAll(db, sql: "SELECT * FROM collection ORDER BY name").map(CollectionInfo.init(row:)) }
    }

    func info(_ name: String) throws -> CollectionInfo {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM collection WHERE name = ?", arguments: [name]) else {
                throw KuraError.notFound("no collection named '\(name)'")
            }
            return try CollectionInfo(row: row)
        }
    }

    /// Opens a collection (once per store): maps its segments and rebuilds its growing graph.
    public func collection(_ name: String) throws -> DocumentCollection {
        if let c = opened.withLock({ $0[name] }) { return c }
        let c = try DocumentCollection(store: self, info: info(name))
        return opened.withLock { cache in
            if let existing = cache[name] { return existing }
            cache[name] = c
            return c
        }
    }

    /// Compacts every open collection that needs it (see `DocumentCollection.needsCompaction`) and has
    /// had no write for `idle` seconds; returns the names compacted. The server calls this periodically,
    /// so light segments get their full-quality graph while nobody is writing.
    @discardableResult
    public func compactIdle(idle: Double) throws -> [String] {
        let now = Date().timeIntervalSince1970
        var done: [String] = []
        for (name, c) in opened.withLock({ $0 }).sorted(by: { $0.key < $1.key }) where c.needsCompaction && now - c.lastWrite >= idle {
            try c.compact()
            done.append(name)
        }
        return done
    }

    public func deleteCollection(_ name: String) throws {
        let info = try info(name)
        _ = try db.write { db in try db.execute(sql: "DELETE FROM collection WHERE id = ?", arguments: [info.id]) }
        opened.withLock { $0[name] = nil }
        try? FileManager.default.removeItem(atPath: segmentDirectory(info.id))
    }

    /// Deletes segment files and folders the catalog does not list, and leftover temporary files.
    func removeOrphans() throws {
        for orphan in try orphanFiles() { try? FileManager.default.removeItem(atPath: "\(directory)/\(orphan)") }
    }

    /// Paths, relative to the data directory, that the catalog does not list: segment files, and folders
    /// of collections that no longer exist.
    func orphanFiles() throws -> [String] {
        let listed = try db.read { db in Set(try String.fetchAll(db, sql: "SELECT file FROM segment")) }
        let collections = try db.read { db in Set(try Int64.fetchAll(db, sql: "SELECT id FROM collection").map(String.init)) }
        var out: [String] = []
        for dir in (try? FileManager.default.contentsOfDirectory(atPath: segmentsDirectory)) ?? [] {
            guard collections.contains(dir) else {
                out.append("segments/\(dir)/")
                continue
            }
            for file in (try? FileManager.default.contentsOfDirectory(atPath: "\(segmentsDirectory)/\(dir)")) ?? [] where !listed.contains("\(dir)/\(file)") {
                out.append("segments/\(dir)/\(file)")
            }
        }
        return out
    }
}
