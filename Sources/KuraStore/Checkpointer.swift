import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import Synchronization

/// Copies the write-ahead log into the catalog on a connection and thread of its own. SQLite's default
/// has the committing writer do it every 1,000 pages, which stalls that writer for the copy and an fsync
/// of the catalog; a passive checkpoint here takes no lock a writer or reader needs, and the writer
/// starts the log over once one has caught up.
final class Checkpointer: Sendable {
    private let connection: DatabaseQueue
    private let queue = DispatchQueue(label: "kura.checkpoint")
    /// Whether a checkpoint is queued and not started yet: commits that land meanwhile share it.
    private let queued = Atomic<Bool>(false)
    /// Frames (pages) the log may hold before a commit asks for a checkpoint, as SQLite's default.
    static let frames = 1000

    init(path: String) throws {
        var config = Configuration()
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 0")
        }
        connection = try DatabaseQueue(path: path, configuration: config)
    }

    /// Called after each commit with the log's size in frames; queues a checkpoint when it is large.
    func committed(walFrames: Int) {
        guard walFrames >= Self.frames, !queued.exchange(true, ordering: .acquiringAndReleasing) else { return }
        queue.async { [self] in
            queued.store(false, ordering: .releasing)
            // A failure leaves the log longer; the next commit asks again, and a clean stop truncates it.
            try? connection.writeWithoutTransaction { _ = try $0.checkpoint(.passive) }
        }
    }

    /// Has `db` (the writer's connection) report each commit's log size here. SQLite keeps one hook per
    /// connection; installing it also turns off that connection's own automatic checkpoints.
    func install(on db: Database) {
        sqlite3_wal_hook(
            db.sqliteConnection,
            { context, _, _, frames in
                Unmanaged<Checkpointer>.fromOpaque(context!).takeUnretainedValue().committed(walFrames: Int(frames))
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Whether the catalog at `path` has a log with something in it: one that a process left behind when
    /// it stopped without a clean close (kill -9, the OOM killer), when asked before the catalog is opened.
    static func hasLog(_ path: String) -> Bool {
        ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0) > 0
    }

    /// Copies the log into the catalog now (passive: it takes no lock a reader or writer needs, and gives up
    /// where one holds a page). Until a log is all copied, a reader looks up every page it reads there and
    /// reads a page found there with pread rather than from the mapped catalog; a server that only reads
    /// would pay that until its first write (the HTTP benchmark's hybrid queries after a kill -9 left 65 MB
    /// of log: 497–508 requests/s, 516–522 once copied). Once copied, readers skip the log, and the next
    /// write starts it over. Done at open, before the store is used: run in the background, it raced the
    /// next open of the same catalog in the process.
    func copyLog() {
        queue.sync { _ = try? connection.writeWithoutTransaction { try $0.checkpoint(.passive) } }
    }

    /// Waits for a queued checkpoint.
    func drain() { queue.sync {} }
}
