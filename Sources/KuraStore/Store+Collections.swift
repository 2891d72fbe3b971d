import Foundation
import GRDB
import KuraCore

/// Creating, listing, deleting and replacing collections.
extension Store {
    /// Creates a collection; its id is never one a deleted collection had (the catalog's AUTOINCREMENT),
    /// so nothing left of an old collection's files can be taken for the new one's.
    /// - Throws: `invalidArgument` for a bad name or setting, `conflict` when the name is taken.
    public func createCollection(_ info: CollectionInfo) throws -> CollectionInfo {
        try CollectionInfo.validate(name: info.name)
        return try insertCollection(info)
    }

    /// A hidden collection with `info`'s settings for a load to fill before it takes a name with
    /// ``replaceCollection(_:with:overwrite:)``. Not listed; removed at the next open if a crash leaves it.
    /// Call ``endStaging(_:)`` when the load is done, whether it succeeded or not.
    public func createStagingCollection(_ info: CollectionInfo) throws -> CollectionInfo {
        var staged = info
        staged.name = ".staging-" + UUID().uuidString.lowercased()
        let token = InFlight.begin(directory, "collection:" + staged.name)
        staging.withLock { $0[staged.name] = token }
        do { return try insertCollection(staged) } catch {
            endStaging(staged.name)
            throw error
        }
    }

    /// Lets a store opened later sweep the staging collection `name` again (if it still exists).
    public func endStaging(_ name: String) {
        staging.withLock { $0.removeValue(forKey: name) }?.end()
    }

    private func insertCollection(_ info: CollectionInfo) throws -> CollectionInfo {
        guard (1...65_536).contains(info.dimension) else { throw KuraError.invalidArgument("dimension must be in 1...65536, got \(info.dimension)") }
        try info.parameters.validate()
        guard info.sealThreshold >= 1 else { throw KuraError.invalidArgument("the seal threshold must be at least 1") }
        _ = try info.analyzer.make()  // a missing MeCab is refused here, not at the first write
        return try write { db in
            if try Int.fetchOne(db, sql: "SELECT 1 FROM collection WHERE name = ?", arguments: [info.name]) != nil {
                throw KuraError.conflict("collection '\(info.name)' already exists")
            }
            try db.execute(
                sql: """
                    INSERT INTO collection (name, dimension, metric, embedder, m, ef_construction, ef_search, encoding, seal_threshold, created_at, analyzer)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    info.name, info.dimension, info.metric.rawValue, info.embedder, info.parameters.m, info.parameters.efConstruction,
                    info.parameters.efSearch, info.parameters.encoding.rawValue, info.sealThreshold, Date().timeIntervalSince1970,
                    info.analyzer.rawValue,
                ])
            var created = info
            created.id = db.lastInsertedRowID
            return created
        }
    }

    /// The collections, by name; staging collections are not listed.
    public func listCollections() throws -> [CollectionInfo] {
        try db.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM collection WHERE name NOT LIKE '.%' ORDER BY name").map(CollectionInfo.init(row:))
        }
    }

    /// The settings of collection `name` (staging collections included).
    /// - Throws: `notFound` when there is none.
    func info(_ name: String) throws -> CollectionInfo {
        try db.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM collection WHERE name = ?", arguments: [name]) else {
                throw KuraError.notFound("no collection named '\(name)'")
            }
            return try CollectionInfo(row: row)
        }
    }

    /// Deletes a collection and its files, after the write, indexing and seal in progress on it finish.
    /// - Throws: `notFound` when there is no such collection.
    public func deleteCollection(_ name: String) throws {
        let info = try info(name)
        // A retired collection refuses writes: whatever happens next, it is not served again from the cache.
        defer { opened.withLock { $0[name] = nil } }
        opened.withLock { $0[name] }?.retire()
        _ = try write { db in try db.execute(sql: "DELETE FROM collection WHERE id = ?", arguments: [info.id]) }
        try? FileManager.default.removeItem(atPath: segmentDirectory(info.id))
    }

    /// Gives collection `source` the name `name` in one transaction, deleting the collection that had it:
    /// a reader sees the old one or the new one, never neither, and a load that failed before this call
    /// left the old one as it was.
    /// - Throws: `conflict` when `name` exists and `overwrite` is false; `notFound` when `source` does not.
    public func replaceCollection(_ name: String, with source: String, overwrite: Bool) throws {
        try CollectionInfo.validate(name: name)
        let new = try info(source)
        let old = try? info(name)
        if old != nil && !overwrite { throw KuraError.conflict("collection '\(name)' already exists") }
        defer {
            opened.withLock { cache in
                cache[name] = nil
                cache[source] = nil
            }
        }
        for n in [name, source] { opened.withLock { $0[n] }?.retire() }
        try write { db in
            // Only the collection retired above may go: one created meanwhile is a conflict.
            let current = try Int64.fetchOne(db, sql: "SELECT id FROM collection WHERE name = ?", arguments: [name])
            guard current == old?.id else { throw KuraError.conflict("collection '\(name)' was created meanwhile") }
            if let current { try db.execute(sql: "DELETE FROM collection WHERE id = ?", arguments: [current]) }
            try db.execute(sql: "UPDATE collection SET name = ? WHERE id = ?", arguments: [name, new.id])
        }
        if let old { try? FileManager.default.removeItem(atPath: segmentDirectory(old.id)) }
    }
}
