import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText

extension DocumentCollection {
    /// The most sealed segments a search walks, besides the graph being sealed and the growing graph:
    /// a background seal that leaves more merges them all into one, adopting the largest one's graph.
    /// Each row is then built into the large graph once; what repeats is copying it (about 2 KB a row at
    /// 384 dimensions), a hundredth of the cost of inserting it. Ingest faster than merging waits for the
    /// merge at its next seal.
    public static let segmentBound = 8

    /// Merges every segment into one without its tombstoned rows, after sealing the growing graph, with
    /// the collection's full `ef_construction` (segments sealed from the growing graph are built light).
    /// The largest segment's graph is kept when it is already full quality and has no deleted rows.
    /// Searches go on meanwhile against the old snapshot; the new segment is swapped in atomically.
    public func compact() throws {
        try exclusively { try compactNow() }
    }

    private func compactNow() throws {
        try seal()
        let old = snapshot.segments
        guard needsRebuild(old) else { return }
        try merge(old, deletedAllowance: 0)
    }

    /// Runs on `sealer` after a background seal: merges the segments once there are more than
    /// `segmentBound`. Writes go on meanwhile; deletes made during the merge carry over to the new segment.
    func boundSegments() throws {
        let old = snapshot.segments
        guard old.count > Self.segmentBound else { return }
        try merge(old, deletedAllowance: 0.2)
    }

    /// Builds `old` into one segment and publishes it in their place. The largest is adopted as the
    /// starting graph (see `HNSWIndex(copying:)`) when it is full quality, matches the collection's
    /// parameters and has at most `deletedAllowance` of its rows deleted (they stay, tombstoned); the
    /// others' live rows are inserted. A chunk moves only if it is still where the merge read it, so a
    /// delete committed meanwhile leaves its row tombstoned in the new segment.
    private func merge(_ old: [LiveSegment], deletedAllowance: Double) throws {
        let largest = old.max { $0.liveRows < $1.liveRows }
        let base = largest.flatMap { canAdopt($0, deletedAllowance: deletedAllowance) ? $0 : nil }
        let rest = old.filter { $0 !== base }
        let capacity = max(old.reduce(0) { $0 + $1.liveRows } + (base?.tombstones.count ?? 0), 1)
        let rowsFile = store.segmentDirectory(info.id) + "/merge-\(UUID().uuidString.lowercased()).rows"
        let index =
            try base.map { try HNSWIndex(copying: $0.segment, deleted: $0.tombstones, parameters: info.parameters, capacity: capacity, rowsFile: rowsFile) }
            ?? HNSWIndex(dimension: info.dimension, metric: info.metric, parameters: info.parameters, capacity: capacity, rowsFile: rowsFile)
        let moves = try Self.insertLiveRows(of: rest, into: index)
        let text = try PostingsWriter.write(
            merging: try old.filter { $0 === base }.map(lexicalPart(keepingDeleted: true)) + rest.map(lexicalPart(keepingDeleted: false)),
            spillingTo: store.segmentDirectory(info.id))
        var gone: [Int] = []
        let merged = try writeSegment(index, postings: text, releasingRows: true) { db, segmentID, _ in
            if let base {
                try db.execute(sql: "UPDATE chunk SET segment_id = ? WHERE segment_id = ?", arguments: [segmentID, base.id])
                gone += try Int.fetchAll(db, sql: "SELECT row FROM tombstone WHERE segment_id = ?", arguments: [base.id])
                try db.execute(
                    sql: "INSERT INTO tombstone (segment_id, row) SELECT ?, row FROM tombstone WHERE segment_id = ?", arguments: [segmentID, base.id])
            }
            gone += try Self.move(moves, firstRow: base?.segment.count ?? 0, to: segmentID, db)
            for live in old { try db.execute(sql: "DELETE FROM segment WHERE id = ?", arguments: [live.id]) }
        }
        let ids = Set(old.map(\.id))
        state.update { snap in
            var live = merged.deleting(rows: gone)
            if let early = snap.earlyTombstones.removeValue(forKey: live.id) { live = live.deleting(rows: early) }
            snap.segments = (live.segment.count > 0 ? [live] : []) + snap.segments.filter { !ids.contains($0.id) }
        }
        // Mapped files stay readable by searches still holding the old snapshot after unlink.
        for live in old { unlink(live.segment.path) }
    }

    /// Whether `live`'s graph can be the start of a merge: built with the collection's full parameters,
    /// with its postings current and few enough deleted rows.
    private func canAdopt(_ live: LiveSegment, deletedAllowance: Double) -> Bool {
        let p = live.segment.parameters
        return !isLight(p) && p.m == info.parameters.m && p.encoding == info.parameters.encoding && !live.postingsOutdated
            && Double(live.tombstones.count) <= deletedAllowance * Double(live.segment.count)
    }

    private func lexicalPart(keepingDeleted: Bool) -> (LiveSegment) throws -> (index: LexicalIndex, keep: (UInt32) -> Bool) {
        { live in
            guard let t = live.text else { throw KuraError.io(path: live.segment.path, reason: "segment has no lexical index to merge") }
            return (t, { keepingDeleted || !live.tombstones.contains(Int($0)) })
        }
    }

    /// Where an inserted row came from: its chunk and its place in the old segment.
    struct Move {
        var chunkID: UInt64
        var segmentID: Int64
        var row: Int
    }

    /// Points each moved chunk at its new row (`firstRow` onwards) if it is still at its old place;
    /// records the others (deleted meanwhile) as tombstones of the new segment and returns their rows.
    private static func move(_ moves: [Move], firstRow: Int, to segmentID: Int64, _ db: Database) throws -> [Int] {
        let update = try BoundStatement(db, sql: "UPDATE chunk SET segment_id = ?, segment_row = ? WHERE id = ? AND segment_id = ? AND segment_row = ?")
        let bury = try BoundStatement(db, sql: "INSERT OR IGNORE INTO tombstone (segment_id, row) VALUES (?, ?)")
        var gone: [Int] = []
        for (i, m) in moves.enumerated() {
            update.bind(1, segmentID)
            update.bind(2, firstRow + i)
            update.bind(3, Int64(m.chunkID))
            update.bind(4, m.segmentID)
            update.bind(5, m.row)
            try update.run()
            guard db.changesCount == 0 else { continue }
            bury.bind(1, segmentID)
            bury.bind(2, firstRow + i)
            try bury.run()
            gone.append(firstRow + i)
        }
        return gone
    }

    /// Inserts every live row of `segments`, in order, into `index`, a batch at a time: the rows are read
    /// from the mapped files, so a merge never holds a second copy of the collection. Returns where each
    /// inserted row came from, in insertion order.
    private static func insertLiveRows(of segments: [LiveSegment], into index: HNSWIndex) throws -> [Move] {
        var moves: [Move] = []
        var batch: [Float] = [], batchIDs: [UInt64] = []
        func flush() throws {
            try batch.withUnsafeBufferPointer { _ = try index.insert(contentsOf: $0, ids: batchIDs, threads: ProcessInfo.processInfo.activeProcessorCount) }
            batch.removeAll(keepingCapacity: true)
            batchIDs.removeAll(keepingCapacity: true)
        }
        for live in segments {
            try live.segment.readingRowsInOrder {
                for row in 0..<live.segment.count where !live.tombstones.contains(row) {
                    batch += live.segment.vector(ofRow: UInt32(row))
                    batchIDs.append(live.segment.id(ofRow: UInt32(row)))
                    moves.append(Move(chunkID: batchIDs.last!, segmentID: live.id, row: row))
                    if batchIDs.count == mergeBatchRows { try flush() }
                }
            }
        }
        try flush()
        return moves
    }

    /// Rows per insertion batch of a merge: enough to keep every core busy, a few tens of megabytes.
    static let mergeBatchRows = 16_384

    /// Whether a graph was built with less construction effort than the collection asks for.
    func isLight(_ graph: HNSWParameters) -> Bool { graph.efConstruction < info.parameters.efConstruction }

    /// Whether `compact()` would improve the collection: a graph being sealed, more than one segment,
    /// tombstones, a light segment, or a light growing graph that is the whole collection or at least
    /// `compactGrowingRows` vectors (a smaller tail is not worth rebuilding every segment for).
    public var needsCompaction: Bool {
        let snap = snapshot
        let growing = snap.growing.count - snap.growing.deletedCount
        let lightGrowing = growing > 0 && isLight(snap.growing.parameters) && (snap.segments.isEmpty || growing >= Self.compactGrowingRows)
        return lightGrowing || !snap.sealing.isEmpty || needsRebuild(snap.segments)
    }

    /// Whether compaction would change `segments`: more than one, or one with deleted rows, a light graph
    /// or outdated postings.
    private func needsRebuild(_ segments: [LiveSegment]) -> Bool {
        segments.count > 1 || segments.contains { $0.tombstones.count > 0 || isLight($0.segment.parameters) || $0.postingsOutdated }
    }

    static let compactGrowingRows = 1000
}
