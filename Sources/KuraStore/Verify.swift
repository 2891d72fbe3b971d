import CKuraKernels
import Foundation
import GRDB
import KuraCore
import KuraIndex
import KuraText

extension Store {
    /// Checks every invariant of one collection, or of all, and returns one line per problem:
    /// segment files present, checksums and headers matching the catalog, graphs sound, every live chunk
    /// with exactly one live vector whose stored id is the chunk's, each segment's postings sound and of
    /// its row count, and no files the catalog does not list.
    public func verify(collection name: String? = nil) throws -> [String] {
        var problems: [String] = []
        let infos = try name.map { [try info($0)] } ?? listCollections()
        for info in infos { problems += try verify(info) }
        if name == nil { problems += try orphanFiles().map { "\($0): file not listed in the catalog" } }
        return problems
    }

    /// A segment's postings, when it has them (segments written before postings get theirs at compaction).
    private static func checkPostings(_ segment: Segment) -> [String] {
        guard let bytes = segment.postings else { return [] }
        do {
            let section = try PostingsSection(bytes, path: segment.path)
            if section.rows != segment.count { return ["postings cover \(section.rows) rows of \(segment.count)"] }
            return section.check().map { "postings: \($0)" }
        } catch {
            return ["\(error)"]
        }
    }

    private func verify(_ info: CollectionInfo) throws -> [String] {
        let name = info.name
        var problems: [String] = []
        let segments = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT id, file, rows, header_crc FROM segment WHERE collection_id = ?", arguments: [info.id])
        }
        var opened: [Int64: Segment] = [:]
        for s in segments {
            let file: String = s["file"]
            do {
                let seg = try Segment(path: "\(segmentsDirectory)/\(file)")
                if seg.count != s["rows"] as Int { problems.append("\(name): segment \(file) holds \(seg.count) rows, the catalog says \(s["rows"] as Int)") }
                if Int64(seg.headerChecksum) != s["header_crc"] as Int64 {
                    problems.append("\(name): segment \(file) is not the file the catalog recorded (header checksum differs)")
                }
                problems += seg.verify().map { "\(name): \($0)" }
                problems += seg.check().prefix(10).map { "\(name): segment \(file): \($0)" }
                problems += Self.checkPostings(seg).map { "\(name): segment \(file): \($0)" }
                opened[s["id"]] = seg
            } catch {
                problems.append("\(name): segment \(file): \(error)")
            }
        }
        try db.read { db in
            let tombstoneRows = try Row.fetchAll(db, sql: "SELECT segment_id, row FROM tombstone").map { ($0[0] as Int64, $0[1] as Int) }
            let tombstones = Set(tombstoneRows.map { "\($0.0):\($0.1)" })
            var claimed = Set<String>()
            var owned: [Int64: Int] = [:]
            let chunks = try Row.fetchCursor(
                db,
                sql:
                    "SELECT c.id, c.segment_id, c.segment_row, p.vector FROM chunk c LEFT JOIN pending_vector p ON p.chunk_id = c.id WHERE c.collection_id = ?",
                arguments: [info.id])
            while let c = try chunks.next() {
                let id: Int64 = c["id"]
                let pending: Data? = c["vector"]
                let segID: Int64? = c["segment_id"]
                let row: Int? = c["segment_row"]
                switch (pending, segID, row) {
                case (let blob?, nil, nil):
                    if blob.count != 4 * info.dimension { problems.append("\(name): chunk \(id): pending vector of \(blob.count) bytes") }
                case (nil, let s?, let r?):
                    let key = "\(s):\(r)"
                    if tombstones.contains(key) { problems.append("\(name): chunk \(id): its row \(r) in segment \(s) is tombstoned") }
                    if claimed.insert(key).inserted {
                        owned[s, default: 0] += 1
                    } else {
                        problems.append("\(name): chunk \(id): row \(r) of segment \(s) belongs to two chunks")
                    }
                    if let seg = opened[s] {
                        if r >= seg.count {
                            problems.append("\(name): chunk \(id): row \(r) is beyond segment \(s)")
                        } else if seg.id(ofRow: UInt32(r)) != UInt64(id) {
                            problems.append("\(name): chunk \(id): row \(r) of segment \(s) holds chunk \(seg.id(ofRow: UInt32(r)))")
                        }
                    } else if !segments.contains(where: { $0["id"] as Int64 == s }) {
                        problems.append("\(name): chunk \(id): segment \(s) is not listed")
                    }
                case (nil, nil, _):
                    problems.append("\(name): chunk \(id) has no vector")
                default:
                    problems.append("\(name): chunk \(id) has a pending vector and a sealed row")
                }
                if problems.count > 200 { break }
            }
            let docsWithout =
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM document d WHERE d.collection_id = ? AND NOT EXISTS (SELECT 1 FROM chunk c WHERE c.document_id = d.id)",
                    arguments: [info.id]) ?? 0
            if docsWithout > 0 { problems.append("\(name): \(docsWithout) document(s) without chunks") }
            // Only after reading every chunk: an early stop would leave rows uncounted.
            if problems.count <= 200 { problems += Self.unclaimedRows(opened, owned: owned, tombstones: tombstoneRows).map { "\(name): \($0)" } }
        }
        return problems
    }

    /// Segment rows that are neither tombstoned (in the file or the catalog) nor any chunk's: searches
    /// would return them, for a chunk that lives elsewhere or no longer exists.
    private static func unclaimedRows(_ segments: [Int64: Segment], owned: [Int64: Int], tombstones: [(Int64, Int)]) -> [String] {
        var dead = segments.mapValues(\.fileTombstones)
        for (s, row) in tombstones where dead[s] != nil && row < dead[s]!.capacity { dead[s]!.insert(row) }
        return segments.keys.sorted().compactMap { id in
            let live = segments[id]!.count - dead[id]!.count
            let own = owned[id, default: 0]
            return live == own ? nil : "segment \(segments[id]!.path): \(live) live row(s), \(own) of them a chunk's: the rest no chunk points to"
        }
    }
}
