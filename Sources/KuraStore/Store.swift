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
    /// The data directory.
    public let directory: String
    let db: DatabasePool
    /// Kept alive for the writer connection's commit hook, which points at it.
    let checkpointer: Checkpointer
    let opened = Mutex<[String: DocumentCollection]>([:])
    /// The staging collections of loads in progress, marked in flight.
    let staging = Mutex<[String: InFlight.Token]>([:])
    /// The last chunk id handed out; nil until the first write reads the largest in the catalog.
    private let lastChunkID = Mutex<Int64?>(nil)

    /// Opens (creating if needed) the store in `directory`. With `recover` (the default) files the catalog
    /// does not list are removed; `kura verify` opens without it, to report them instead.
    public init(directory: String, recover: Bool = true) throws {
        self.directory = directory
        do {
            try Durable.createDirectory(directory + "/segments")
        } catch {
            throw KuraError.io(path: directory, reason: "cannot create the data directory: \(error)")
        }
        try DirectoryLock.acquire(directory)
        do {
            let path = directory + "/catalog.sqlite"
            let leftover = Checkpointer.hasLog(path)
            db = try Catalog.open(path: path)
            checkpointer = try Checkpointer(path: path)
            try db.writeWithoutTransaction { [checkpointer] in checkpointer.install(on: $0) }
            if leftover { checkpointer.copyLog() }
            if recover { try recoverFiles() }
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

    /// Removes what a crash left: collections a load was staging, then unlisted files. What another
    /// store of this process is writing now (``InFlight``) is left alone.
    func recoverFiles() throws {
        for name in try db.read({ db in try String.fetchAll(db, sql: "SELECT name FROM collection WHERE name LIKE '.%'") })
        where !InFlight.contains(directory, "collection:" + name) {
            do { try deleteCollection(name) } catch KuraError.notFound(_) {}  // its load finished meanwhile
        }
        try removeOrphans()
    }

    /// Deletes segment files and folders the catalog does not list, and leftover temporary files.
    func removeOrphans() throws {
        let candidates = try orphanFiles()
        guard !candidates.isEmpty else { return }
        try InFlight.holding(directory) { inFlight in
            let still = Set(try orphanFiles())
            for orphan in candidates where still.contains(orphan) && !inFlight(orphan) {
                try? FileManager.default.removeItem(atPath: "\(directory)/\(orphan)")
            }
        }
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
